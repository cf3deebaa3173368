import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  budgetForLemma7,
  budgetForLimit,
  budgetForTheorem1,
  largestEntropyForLimit,
  largestEntropyForTheorem1,
  lemma7Estimate,
  limitEstimate,
  minimumExpectedRuntime,
  reportedBound,
  speedup,
  speedupCeiling,
  trivialBound,
  clampEstimate,
} from '../../src/theory/index.js';



describe('limitEstimate(mu, P) (Corollary 1)', () => {
  it('is ln P / mu: ln 60 / 0.683 = 5.9946 (Table 1 Llama-3.1-8B mean row of the paper, P = 60)', () => {
    // ln 60 = 4.0943446; / 0.683 = 5.99465.
    expect(limitEstimate(0.683, 60)).toBeCloseTo(5.99465, 4);
    expect(limitEstimate(1, 1)).toBe(0);
  });
});

describe('lemma7Estimate({muCE, pi0}, P)', () => {
  it('is ln P/mu_CE when pi0 = 0 and min(1/pi0, ln P/mu_CE) otherwise', () => {
    expect(lemma7Estimate({ muCE: 1 }, 20)).toBeCloseTo(Math.log(20), 12); // ln 20 / 1
    // 1/0.25 = 4 < ln(1000)/0.1 = 69.08.
    expect(lemma7Estimate({ muCE: 0.1, pi0: 0.25 }, 1000)).toBe(4);
    expect(lemma7Estimate({ muCE: 2, pi0: 0.01 }, 100)).toBeCloseTo(Math.log(100) / 2, 12);
  });
  it('is 1 when pi0 = 1 (no drafted token is ever accepted: X is the bonus token), not NaN', () => {
    expect(lemma7Estimate({ muCE: 1, pi0: 1 }, 8)).toBe(1);
  });
  it('rejects pi0 > 1 and negative mu_CE', () => {
    expect(() => lemma7Estimate({ muCE: 1, pi0: 1.01 }, 8)).toThrow('invalid pi0: 1.01');
    expect(() => lemma7Estimate({ muCE: -0.1 }, 8)).toThrow('invalid mu-ce: -0.1');
  });
});

describe('runtime: trivialBound, speedupCeiling, minimumExpectedRuntime, speedup', () => {
  it('follow eq. (1) and the latency-model speedup formula', () => {
    expect(trivialBound(8)).toBe(8);
    expect(speedupCeiling(3.5)).toBe(3.5);
    // N·T/E[X] = 100 · 0.02 / 4 = 0.5.
    expect(minimumExpectedRuntime(100, 0.02, 4)).toBeCloseTo(0.5, 12);
    // E[X]·T_v(1)/(T_v(P) + T_d(P)) = 3·11/(14 + 2) = 2.0625.
    expect(speedup(4, 3, { verifier: (k) => 10 + k, drafter: () => 2 })).toBeCloseTo(2.0625, 12);
    // With a constant verifier and free drafting, speedup = E[X] (the paper's timing model).
    expect(speedup(64, 7.5, { verifier: () => 20 })).toBe(7.5);
  });
});

const statsArb = fc
  .record({ mu: fc.double({ min: 0.02, max: 3, noNaN: true }), spread: fc.double({ min: 0, max: 20, noNaN: true }) })
  .map(({ mu, spread }) => ({ mu, mu2: mu * mu * (1 + spread) }));

describe('inverse questions agree with the forward functions', () => {
  it('budgetForTheorem1 is the smallest integer P whose reported bound reaches the target (property)', () => {
    fc.assert(
      fc.property(statsArb, fc.double({ min: 1, max: 40, noNaN: true }), (stats, target) => {
        const P = budgetForTheorem1(stats, target);
        fc.pre(Number.isFinite(P) && P < 1e12);
        expect(reportedBound(stats, P).value).toBeGreaterThanOrEqual(target);
        if (P > 1) expect(reportedBound(stats, P - 1).value).toBeLessThan(target);
      }),
      { numRuns: 300 },
    );
  });
  it('budgetForTheorem1 matches the hand solution P = b + a·exp((x − a − b)/a)', () => {
    // mu = 1, mu2 = 2 (a = 3, b = 0), x = 6: P = 3e = 8.155 → 9.
    expect(budgetForTheorem1({ mu: 1, mu2: 2 }, 6)).toBe(9);
  });
  it('budgetForLimit is the smallest P whose clamped ln P/mu reaches the target (property)', () => {
    expect(budgetForLimit(0.5, 4)).toBe(Math.ceil(Math.E ** 2)); // e² = 7.389 → 8
    // mu = 0.1, target 6: e^0.6 = 1.82 → 2, but E[X] <= P, so no P below 6 can reach 6 (the old answer 2..4 was impossible).
    expect(budgetForLimit(0.1, 6)).toBe(6);
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.double({ min: 1, max: 15, noNaN: true }), (mu, x) => {
        const P = budgetForLimit(mu, x);
        fc.pre(P < 1e12);
        expect(clampEstimate(limitEstimate(mu, P), P)).toBeGreaterThanOrEqual(x);
        if (P > 1) expect(clampEstimate(limitEstimate(mu, P - 1), P - 1)).toBeLessThan(x);
      }),
    );
  });
  it('budgetForLemma7 never answers a P below the target (E[X] <= P)', () => {
    expect(budgetForLemma7({ muCE: 0.05, pi0: 0 }, 6)).toBe(6); // e^0.3 = 1.35 → 2 raw
    expect(budgetForLemma7({ muCE: 0, pi0: 0.1 }, 4.5)).toBe(5);
  });
  it('budgetForLemma7 is infinite when 1/pi0 is below the target, else inverts lemma7Estimate', () => {
    expect(budgetForLemma7({ muCE: 0.5, pi0: 0.2 }, 6)).toBe(Number.POSITIVE_INFINITY); // 1/0.2 = 5 < 6
    const P = budgetForLemma7({ muCE: 0.5, pi0: 0.01 }, 6); // e^3 = 20.09 → 21
    expect(P).toBe(21);
    expect(lemma7Estimate({ muCE: 0.5, pi0: 0.01 }, P)).toBeGreaterThanOrEqual(6);
    expect(lemma7Estimate({ muCE: 0.5, pi0: 0.01 }, P - 1)).toBeLessThan(6);
  });
  it('largestEntropyForLimit inverts limitEstimate: ln(64)/4 = 1.0397, and limitEstimate there is the target', () => {
    expect(largestEntropyForLimit(64, 4)).toBeCloseTo(Math.log(64) / 4, 12);
    expect(limitEstimate(largestEntropyForLimit(64, 4), 64)).toBeCloseTo(4, 12);
  });
  it('largestEntropyForTheorem1 is the boundary: the target holds at mu and fails just above (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 4096 }), fc.double({ min: 1.5, max: 6, noNaN: true }), fc.double({ min: 1, max: 5, noNaN: true }), (P, frac, ratio) => {
        const target = Math.min(P, 1 + frac * Math.log(P));
        const mu = largestEntropyForTheorem1(P, target, ratio);
        fc.pre(mu > 0 && mu < ratio * (1 - 1e-9));
        expect(reportedBound({ mu, mu2: ratio * mu }, P).value).toBeGreaterThanOrEqual(target - 1e-9);
        const above = mu * (1 + 1e-6);
        expect(reportedBound({ mu: above, mu2: ratio * above }, P).value).toBeLessThan(target);
      }),
      { numRuns: 200 },
    );
  });
});
