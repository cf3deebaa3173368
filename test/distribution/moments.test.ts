import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entropy, entropyInterval, fromLogits, fromTopLogprobs, secondLogMoment, secondLogMomentInterval } from '../../src/distribution/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';

const dense = (probs: number[]): DenseDistribution => ({ kind: 'dense', logProbs: new Float64Array(probs.map(Math.log)) });

describe('entropy(d) and secondLogMoment(d)', () => {
  it('uniform over n has entropy ln n and second log-moment ln² n (hand: −Σ (1/n) ln(1/n))', () => {
    for (const n of [1, 2, 7, 1000]) {
      const d = fromLogits(new Float64Array(n));
      expect(entropy(d)).toBeCloseTo(Math.log(n), 12);
      expect(secondLogMoment(d)).toBeCloseTo(Math.log(n) ** 2, 11);
    }
  });

  it('two-point (0.9, 0.1): H = −0.9 ln 0.9 − 0.1 ln 0.1, μ₂ = 0.9 ln² 0.9 + 0.1 ln² 0.1', () => {
    const d = dense([0.9, 0.1, 0]);
    // hand: 0.9·0.1053605 + 0.1·2.3025851 = 0.3250830
    expect(entropy(d)).toBeCloseTo(0.325082973391448, 12);
    // hand: 0.9·0.0111008 + 0.1·5.3018981 = 0.5401805
    expect(secondLogMoment(d)).toBeCloseTo(0.9 * Math.log(0.9) ** 2 + 0.1 * Math.log(0.1) ** 2, 14);
    expect(secondLogMoment(d)).toBeCloseTo(0.54018, 5);
  });

  it('float32 log-probabilities give the same entropy to float32 precision', () => {
    const d = fromLogits(new Float64Array([0.3, 1.2, -2, 4]));
    const f32: DenseDistribution = { kind: 'dense', logProbs: Float32Array.from(d.logProbs) };
    expect(entropy(f32)).toBeCloseTo(entropy(d), 6);
  });

  it('entropyInterval of a dense distribution is a point', () => {
    const d = dense([0.5, 0.25, 0.25]);
    expect(entropyInterval(d)).toEqual([entropy(d), entropy(d)]);
    expect(secondLogMomentInterval(d)).toEqual([secondLogMoment(d), secondLogMoment(d)]);
  });

  it('the sparse interval collapses to the point when the tail is 0', () => {
    const d = fromTopLogprobs(50_000, [4, 2], [Math.log(0.75), Math.log(0.25)]);
    const h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    const [lo, hi] = entropyInterval(d);
    expect(lo).toBeCloseTo(h, 12);
    expect(hi).toBeCloseTo(h, 12);
    const m = secondLogMomentInterval(d);
    expect(m[0]).toBeCloseTo(m[1], 12);
  });

  it('sparse top-2 (0.5, 0.3) with tail 0.2 over V = 10: concentrated and spread ends by hand', () => {
    const d = fromTopLogprobs(10, [0, 1], [Math.log(0.5), Math.log(0.3)]);
    const h = (t: number) => -t * Math.log(t);
    const g = (t: number) => t * Math.log(t) ** 2;
    // concentrated: the tail 0.2 fits in one token (≤ 0.3); spread: 8 tokens of 0.025.
    const [lo, hi] = entropyInterval(d);
    expect(lo).toBeCloseTo(h(0.5) + h(0.3) + h(0.2), 12);
    expect(hi).toBeCloseTo(h(0.5) + h(0.3) + 8 * h(0.025), 12);
    const [lo2, hi2] = secondLogMomentInterval(d);
    expect(lo2).toBeCloseTo(g(0.5) + g(0.3) + g(0.2), 12);
    expect(hi2).toBeCloseTo(g(0.5) + g(0.3) + 8 * g(0.025), 12);
    expect(entropy(d)).toBe(lo);
    expect(secondLogMoment(d)).toBe(lo2);
  });

  it('sparse tail larger than the k-th probability splits into full tokens plus a remainder', () => {
    // top-1 0.4, tail 0.6 over V = 100: concentrated = 0.4 + 0.2 (cap 0.4), spread = 99 × 0.6/99.
    const d = fromTopLogprobs(100, [3], [Math.log(0.4)]);
    const h = (t: number) => -t * Math.log(t);
    const [lo, hi] = entropyInterval(d);
    expect(lo).toBeCloseTo(h(0.4) + h(0.4) + h(0.2), 12);
    expect(hi).toBeCloseTo(h(0.4) + 99 * h(0.6 / 99), 12);
  });

  it('the top-k interval of a truncated dense law contains its true entropy and second log-moment (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -12, max: 8, noNaN: true }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 1, max: 59 }), (logits, k) => {
        const full = fromLogits(Float64Array.from(logits));
        const order = Array.from(full.logProbs.keys()).sort((a, b) => full.logProbs[b]! - full.logProbs[a]! || a - b).slice(0, Math.min(k, logits.length));
        const top = fromTopLogprobs(logits.length, order, order.map((i) => full.logProbs[i]!));
        const [hLo, hHi] = entropyInterval(top);
        const [mLo, mHi] = secondLogMomentInterval(top);
        const h = entropy(full);
        const m = secondLogMoment(full);
        expect(h).toBeGreaterThanOrEqual(hLo - 1e-9);
        expect(h).toBeLessThanOrEqual(hHi + 1e-9);
        expect(m).toBeGreaterThanOrEqual(mLo - 1e-9);
        expect(m).toBeLessThanOrEqual(mHi + 1e-9);
      }),
      { numRuns: 1000 },
    );
  });
});
