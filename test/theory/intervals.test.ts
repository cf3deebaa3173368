import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundFromIntervals, clampEstimate, lemma7Range, limitRange, reportedBound, worstCaseCoefficients } from '../../src/theory/index.js';

describe('boundFromIntervals (Theorem 1 valid for every statistic in the box)', () => {
  it('equals reportedBound for a point (mu = 1, mu2 = 2: a = 3, b = 0, 3·ln(e) + 3 = 6 at P = 3e)', () => {
    const P = 9;
    expect(boundFromIntervals({ mu: [1, 1], mu2: [2, 2] }, P).value).toBeCloseTo(reportedBound({ mu: 1, mu2: 2 }, P).value, 12);
    expect(boundFromIntervals({ mu: [0.683, 0.683], mu2: [2.96, 2.96] }, 60).value).toBeCloseTo(reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value, 12);
  });
  it('uses a* = (mu_low + mu2_high)/mu_low^2 and b* = 1 − 1/mu_high (hand: mu [0.5, 1], mu2 [1, 2])', () => {
    // a* = (0.5 + 2)/0.25 = 10, b* = 1 − 1 = 0; valid from 10; at P = 64: 10·ln(6.4) + 10 = 28.563.
    expect(worstCaseCoefficients({ mu: [0.5, 1], mu2: [1, 2] })).toEqual({ a: 10, b: 0 });
    const r = boundFromIntervals({ mu: [0.5, 1], mu2: [1, 2] }, 64);
    expect(r.value).toBeCloseTo(10 * Math.log(6.4) + 10, 12);
    expect(r.validFrom).toBe(10);
    expect(boundFromIntervals({ mu: [0.5, 1], mu2: [1, 2] }, 9)).toMatchObject({ value: 9, theoremApplies: false });
  });
  it('is >= the reported bound of every (mu, mu2) of the box (property, grid of 9×9 points per box)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (muLow, muWidth, ratio, ratioWidth, P) => {
          const muHigh = muLow + muWidth;
          const mu2Low = ratio * muHigh * muHigh; // ≥ μ² for every μ of the box
          const mu2High = mu2Low * (1 + ratioWidth);
          const box = boundFromIntervals({ mu: [muLow, muHigh], mu2: [mu2Low, mu2High] }, P).value;
          for (let i = 0; i <= 8; i++) {
            for (let j = 0; j <= 8; j++) {
              const mu = muLow + (muWidth * i) / 8;
              const mu2 = mu2Low + ((mu2High - mu2Low) * j) / 8;
              expect(box).toBeGreaterThanOrEqual(reportedBound({ mu, mu2 }, P).value - 1e-9);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('is the trivial P when mu_low = 0 (a* is infinite)', () => {
    expect(boundFromIntervals({ mu: [0, 1], mu2: [0, 2] }, 64)).toMatchObject({ value: 64, theoremApplies: false });
  });
});

describe('estimate ranges, clamped to [1, P]', () => {
  it('limitRange: low from mu_high, high from mu_low (hand: ln 8/1 = 2.079, ln 8/0.5 = 4.159)', () => {
    const r = limitRange([0.5, 1], 8);
    expect(r.low).toBeCloseTo(Math.log(8), 12);
    expect(r.high).toBeCloseTo(Math.log(8) / 0.5, 12);
    // ln 2/0.2 = 3.47 > P = 2: clamped (E[X] <= P); ln 2/5 = 0.139 < 1: clamped.
    expect(limitRange([0.2, 5], 2)).toEqual({ low: 1, high: 2 });
  });
  it('lemma7Range: low from (mu_CE high, pi0 high), high from the low ends; pi0 = 1 gives 1; an infinite mu_CE gives 1', () => {
    const r = lemma7Range([0.5, 1], [0.1, 0.25], 1000);
    expect(r.low).toBeCloseTo(4, 12); // min(1/0.25, ln 1000/1 = 6.9)
    expect(r.high).toBeCloseTo(10, 12); // min(1/0.1, ln 1000/0.5 = 13.8)
    expect(lemma7Range([1, 1], [1, 1], 8)).toEqual({ low: 1, high: 1 });
    expect(lemma7Range([1, Number.POSITIVE_INFINITY], [0, 0], 8).low).toBe(1);
  });
  it('clampEstimate keeps NaN and clamps into [1, P]', () => {
    expect(clampEstimate(0.3, 4)).toBe(1);
    expect(clampEstimate(7, 4)).toBe(4);
    expect(clampEstimate(Number.NaN, 4)).toBeNaN();
  });
});
