import { describe, expect, it } from 'vitest';
import { fromLogits, logSoftmax } from '../../src/distribution/index.js';
import { InvalidValueError } from '../../src/core/errors.js';

describe('logSoftmax(logits)', () => {
  it('logSoftmax([0, 0]) is [−ln 2, −ln 2] (hand: softmax of equal logits is uniform)', () => {
    const out = logSoftmax(new Float64Array([0, 0]));
    expect(out[0]).toBeCloseTo(-Math.LN2, 15);
    expect(out[1]).toBeCloseTo(-Math.LN2, 15);
  });

  it('logSoftmax([1, 2, 3]) matches the direct formula x − ln Σ eˣ', () => {
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const out = logSoftmax(new Float32Array([1, 2, 3]));
    expect(Array.from(out)).toEqual([1 - lse, 2 - lse, 3 - lse].map((v): unknown => expect.closeTo(v, 6)));
  });

  it('logSoftmax of ±1e4 logits has no NaN or overflow and puts the mass on the largest', () => {
    const out = logSoftmax(new Float64Array([1e4, -1e4, 1e4 - 1, -1e4]));
    // hand: ln(1 + e⁻¹) = 0.31326168751822286
    expect(out[0]).toBeCloseTo(-Math.log1p(Math.exp(-1)), 14);
    expect(out[2]).toBeCloseTo(-1 - Math.log1p(Math.exp(-1)), 14);
    expect(out[1]).toBeCloseTo(-2e4 - Math.log1p(Math.exp(-1)), 8);
    expect(out.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('logSoftmax over V = 262,144 random logits sums to 1 in probability', () => {
    const V = 262_144;
    const logits = new Float32Array(V);
    for (let i = 0; i < V; i++) logits[i] = ((i * 2654435761) % 20011) / 1000 - 10;
    logits[7] = 1e4;
    const out = logSoftmax(logits);
    let s = 0;
    for (const l of out) s += Math.exp(l);
    expect(s).toBeCloseTo(1, 12);
    expect(out[7]).toBeCloseTo(0, 12);
  });

  it('logSoftmax of uniform logits over V = 262,144 gives −ln V everywhere', () => {
    const out = logSoftmax(new Float32Array(262_144).fill(-1e4));
    expect(out[0]).toBeCloseTo(-Math.log(262_144), 10);
    expect(out[262_143]).toBeCloseTo(-Math.log(262_144), 10);
  });

  it('logSoftmax keeps −Infinity logits impossible', () => {
    const out = logSoftmax(new Float64Array([-Infinity, 0]));
    expect(out[0]).toBe(-Infinity);
    expect(out[1]).toBe(0);
  });

  it('logSoftmax rejects NaN, +Infinity and all −Infinity with InvalidValueError', () => {
    expect(() => logSoftmax(new Float64Array([0, Number.NaN]))).toThrow(InvalidValueError);
    expect(() => logSoftmax(new Float64Array([Number.NaN, 0]))).toThrow(/NaN/);
    expect(() => logSoftmax(new Float64Array([0, Infinity]))).toThrow(InvalidValueError);
    expect(() => logSoftmax(new Float64Array([-Infinity, -Infinity]))).toThrow(/no possible token/);
    expect(() => logSoftmax(new Float64Array(0))).toThrow(/empty/);
  });

  it('fromLogits returns a dense distribution', () => {
    const d = fromLogits(new Float64Array([0, 0, 0, 0]));
    expect(d.kind).toBe('dense');
    expect(d.logProbs[3]).toBeCloseTo(-Math.log(4), 15);
  });
});
