import { describe, expect, it } from 'vitest';
import { entropy, fromLogits, fromTopLogprobs, probabilityOf, withTemperature, withTopK, withTopP } from '../../src/distribution/index.js';
import { InvalidValueError } from '../../src/core/errors.js';

const d = fromLogits(new Float64Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]));

describe('withTemperature(d, T)', () => {
  it('withTemperature(d, T) is p^(1/T) renormalised (hand: T = 0.5 squares)', () => {
    const t = withTemperature(d, 0.5);
    const z = 0.25 + 0.09 + 0.0225 + 0.0025;
    expect(probabilityOf(t, 0)).toBeCloseTo(0.25 / z, 14);
    expect(probabilityOf(t, 3)).toBeCloseTo(0.0025 / z, 14);
    expect(entropy(t)).toBeLessThan(entropy(d));
    expect(entropy(withTemperature(d, 2))).toBeGreaterThan(entropy(d));
  });

  it('withTemperature(d, 0) is greedy and withTemperature(d, 1) is d', () => {
    expect(probabilityOf(withTemperature(d, 0), 0)).toBe(1);
    expect(withTemperature(d, 1)).toBe(d);
    expect(() => withTemperature(d, -1)).toThrow(InvalidValueError);
  });

  it('withTemperature of a sparse law treats the tail as spread (hand: T = 0.5)', () => {
    // listed 0.5, 0.3; tail 0.2 over 8 tokens of 0.025 each → squared: 0.25, 0.09, 8·0.000625.
    const s = fromTopLogprobs(10, [0, 1], [Math.log(0.5), Math.log(0.3)]);
    const t = withTemperature(s, 0.5);
    const z = 0.25 + 0.09 + 8 * 0.000625;
    expect(probabilityOf(t, 0)).toBeCloseTo(0.25 / z, 13);
    expect(t.tailMass).toBeCloseTo((8 * 0.000625) / z, 13);
  });
});

describe('withTopK(d, k) and withTopP(d, p)', () => {
  it('withTopK(d, 2) keeps the two most probable, renormalised (hand: 0.5/0.8, 0.3/0.8)', () => {
    const t = withTopK(d, 2);
    expect(probabilityOf(t, 0)).toBeCloseTo(0.625, 14);
    expect(probabilityOf(t, 1)).toBeCloseTo(0.375, 14);
    expect(probabilityOf(t, 2)).toBe(0);
  });

  it('withTopP(d, 0.8) keeps the smallest prefix of mass ≥ 0.8; withTopP(d, 0.81) adds one', () => {
    expect(probabilityOf(withTopP(d, 0.8), 2)).toBe(0);
    expect(probabilityOf(withTopP(d, 0.81), 2)).toBeCloseTo(0.15 / 0.95, 14);
    expect(probabilityOf(withTopP(d, 0.1), 0)).toBe(1);
  });

  it('withTopP over a large vocabulary needs more than one selection round', () => {
    const big = fromLogits(new Float64Array(5000)); // uniform: p = 0.5 needs 2500 tokens
    const t = withTopP(big, 0.5);
    expect(probabilityOf(t, 0)).toBeCloseTo(1 / 2500, 14);
    expect(probabilityOf(t, 2499)).toBeCloseTo(1 / 2500, 14);
    expect(probabilityOf(t, 2500)).toBe(0);
  });

  it('sparse truncation: inside the listed tokens exact, reaching into the tail unchanged', () => {
    const s = fromTopLogprobs(10, [0, 1], [Math.log(0.5), Math.log(0.3)]);
    const k1 = withTopK(s, 1);
    expect(k1.tailMass).toBe(0);
    expect(probabilityOf(k1, 0)).toBe(1);
    expect(withTopK(s, 5)).toBe(s);
    expect(withTopP(s, 0.9)).toBe(s);
    expect(probabilityOf(withTopP(s, 0.7), 1)).toBeCloseTo(0.375, 14);
  });

  it('rejects bad k and p', () => {
    expect(() => withTopK(d, 0)).toThrow(InvalidValueError);
    expect(() => withTopP(d, 0)).toThrow(InvalidValueError);
    expect(() => withTopP(d, 1.5)).toThrow(InvalidValueError);
  });
});
