import { describe, expect, it } from 'vitest';
import { theoryAtEstimates } from '../../src/results/theory-at-estimates.js';
import { lemma7Estimate, limitEstimate, reportedBound } from '../../src/theory/index.js';

describe('theoryAtEstimates(estimates, budgets): the one rule from estimates to bounds', () => {
  it('applies theory/ unchanged to valid estimates (Table 1 Llama-3.1-8B row μ 0.683, μ₂ 2.96)', () => {
    const [row] = theoryAtEstimates({ mu: 0.683, mu2: 2.96, muCE: 0.9, pi0: 0.05 }, [60]);
    expect(row!.reported).toBeCloseTo(reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value, 12);
    expect(row!.theorem1Applies).toBe(true);
    // Points: both ends of each estimate agree (ln 60/0.683 = 5.995 and min(20, ln 60/0.9 = 4.549) lie in [1, 60]).
    expect(row!.limit).toEqual({ low: limitEstimate(0.683, 60), high: limitEstimate(0.683, 60) });
    expect(row!.lemma7).toEqual({ low: lemma7Estimate({ muCE: 0.9, pi0: 0.05 }, 60), high: lemma7Estimate({ muCE: 0.9, pi0: 0.05 }, 60) });
  });

  it('top-k intervals: Theorem 1 at the worst case a* = (μ_low + μ₂_high)/μ_low², b* = 1 − 1/μ_high; estimates as labelled ends', () => {
    // μ ∈ [0.5, 1], μ₂ ∈ [1, 2]: a* = 10, b* = 0, valid from 10; at P = 64: 10 ln 6.4 + 10 = 28.563,
    // above the point bound of either end (μ 0.5, μ₂ 1: a = 6, b = −1 → 6 ln(65/6) + 5 = 19.29).
    const [row] = theoryAtEstimates({ mu: [0.5, 1], mu2: [1, 2] }, [64]);
    expect(row!.reported).toBeCloseTo(10 * Math.log(6.4) + 10, 12);
    expect(row!.reported).toBeGreaterThan(reportedBound({ mu: 0.5, mu2: 1 }, 64).value);
    expect(row!.limit.low).toBeCloseTo(Math.log(64) / 1, 12);
    expect(row!.limit.high).toBeCloseTo(Math.log(64) / 0.5, 12);
    expect(theoryAtEstimates({ mu: [0.5, 1], mu2: [1, 2] }, [9])[0]).toMatchObject({ reported: 9, theorem1Applies: false });
  });

  it('μ = 0 (every position one-hot) or a non-finite μ₂ gives no rows: only the trivial E[X] ≤ P', () => {
    expect(theoryAtEstimates({ mu: 0, mu2: 0 }, [2, 60])).toEqual([]);
    expect(theoryAtEstimates({ mu: 0.5, mu2: Number.NaN }, [2, 60])).toEqual([]);
  });

  it('μ₂ below μ² (rounding, top-k low ends) is taken as μ² (Jensen: the true μ₂ ≥ μ²)', () => {
    const [low] = theoryAtEstimates({ mu: 0.5, mu2: 0.2 }, [16]);
    expect(low!.reported).toBe(reportedBound({ mu: 0.5, mu2: 0.25 }, 16).value);
    // At μ₂ = μ², Theorem 1 applies from P ≥ 1 + μ₂/μ² = 2.
    expect(low!.theorem1Applies).toBe(true);
  });

  it('Lemma 7 needs μ_CE ≥ 0 and π₀ in [0, 1]; π₀ = 1 gives exactly 1 token per pass', () => {
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: Number.NaN, pi0: 0.1 }, [8])[0]!.lemma7).toBeUndefined();
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1, pi0: 1.5 }, [8])[0]!.lemma7).toBeUndefined();
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1, pi0: 1 }, [8])[0]!.lemma7).toEqual({ low: 1, high: 1 });
    // Without π₀ the drafter misses nothing: Lemma 7 is ln P / μ_CE (hand: ln 8 / 1).
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1 }, [8])[0]!.lemma7!.low).toBeCloseTo(Math.log(8), 12);
  });
});
