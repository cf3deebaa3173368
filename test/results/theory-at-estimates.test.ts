import { describe, expect, it } from 'vitest';
import { theoryAtEstimates } from '../../src/results/theory-at-estimates.js';
import { lemma7Estimate, limitEstimate, reportedBound } from '../../src/theory/index.js';

describe('theoryAtEstimates(estimates, budgets): the one rule from estimates to bounds', () => {
  it('applies theory/ unchanged to valid estimates (Table 1 Llama-3.1-8B row μ 0.683, μ₂ 2.96)', () => {
    const [row] = theoryAtEstimates({ mu: 0.683, mu2: 2.96, muCE: 0.9, pi0: 0.05 }, [60]);
    expect(row).toEqual({
      P: 60,
      reported: reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value,
      theorem1Applies: true,
      limit: limitEstimate(0.683, 60),
      lemma7: lemma7Estimate({ muCE: 0.9, pi0: 0.05 }, 60),
    });
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

  it('Lemma 7 needs μ_CE finite ≥ 0 and π₀ in [0, 1]; π₀ = 1 gives 1/π₀ → 1 token per pass', () => {
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: Number.NaN, pi0: 0.1 }, [8])[0]!.lemma7).toBeUndefined();
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1, pi0: 1.5 }, [8])[0]!.lemma7).toBeUndefined();
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1, pi0: 1 }, [8])[0]!.lemma7).toBeCloseTo(1, 10);
    // Without π₀ the drafter misses nothing: Lemma 7 is ln P / μ_CE (hand: ln 8 / 1).
    expect(theoryAtEstimates({ mu: 0.5, mu2: 1, muCE: 1 }, [8])[0]!.lemma7).toBeCloseTo(Math.log(8), 12);
  });
});
