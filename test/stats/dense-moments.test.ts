import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { denseLogitMoments } from '../../src/stats/index.js';
import { entropy, fromLogits, secondLogMoment, withTemperature } from '../../src/distribution/index.js';
import { InvalidValueError } from '../../src/core/errors.js';

describe('denseLogitMoments(logits, temperature)', () => {
  it('uniform logits over n: entropy ln n, second log-moment ln² n', () => {
    const m = denseLogitMoments(new Float32Array(128_256).fill(3.5));
    expect(m.entropy).toBeCloseTo(Math.log(128_256), 9);
    expect(m.secondLogMoment).toBeCloseTo(Math.log(128_256) ** 2, 8);
  });

  it('agrees with entropy/secondLogMoment of fromLogits on random logits (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 }), (xs) => {
        const logits = Float64Array.from(xs);
        const d = fromLogits(logits);
        const m = denseLogitMoments(logits);
        expect(m.entropy).toBeCloseTo(entropy(d), 9);
        expect(m.secondLogMoment).toBeCloseTo(secondLogMoment(d), 8);
      }),
    );
  });

  it('temperature divides the logits (matches withTemperature)', () => {
    const logits = Float64Array.from([1, 2, 3, -4, 0.5]);
    const m = denseLogitMoments(logits, 0.7);
    const d = withTemperature(fromLogits(logits), 0.7);
    expect(m.entropy).toBeCloseTo(entropy(d), 12);
    expect(m.secondLogMoment).toBeCloseTo(secondLogMoment(d), 12);
  });

  it('±1e4 logits: a one-hot law has entropy 0 with no NaN', () => {
    const m = denseLogitMoments(Float32Array.from([1e4, -1e4, -1e4]));
    expect(m.entropy).toBe(0);
    expect(m.secondLogMoment).toBe(0);
  });

  it('writes into `out` and rejects NaN and +Infinity', () => {
    const out = { entropy: -1, secondLogMoment: -1 };
    expect(denseLogitMoments(Float64Array.from([0, 0]), 1, out)).toBe(out);
    expect(out.entropy).toBeCloseTo(Math.LN2, 15);
    expect(() => denseLogitMoments(Float64Array.from([0, Number.NaN]))).toThrow(InvalidValueError);
    expect(() => denseLogitMoments(Float64Array.from([0, Infinity]))).toThrow(InvalidValueError);
    expect(() => denseLogitMoments(Float64Array.from([0]), 0)).toThrow(InvalidValueError);
  });
});
