/**
 * Theory at the estimates: the one rule for applying the paper's bounds (`theory/`) to measured
 * μ, μ₂, μ_CE and π₀. Used for the report's theory curves (`aggregate.ts`), the temperature sweep
 * (`temperature-sweep.ts`) and the bounds of `specbound stats` (`trace-stats.ts`), so a run's
 * report and `stats` on its trace can never disagree on how an estimate is turned into a bound;
 * `plan` and the web page read these curves from the results.
 *
 * The rule:
 * - No theory without entropy: μ must be finite and > 0 (μ = 0 means every position is one-hot,
 *   and the only bound is the trivial E[X] ≤ P). Then no rows at all.
 * - μ₂ is taken as max(μ₂, μ²). For the true values μ₂ ≥ μ² always holds (Jensen per position,
 *   then again over positions); an estimate below μ² can only come from rounding or from the low
 *   ends of top-k intervals, and μ² is the nearest value the theorem accepts.
 * - Lemma 7 only with a drafter, when μ_CE is finite and ≥ 0 and π₀ is finite in [0, 1]; π₀ is
 *   taken as min(π₀, 1 − 10⁻¹²) (π₀ = 1, a drafter that never proposes the verifier's tokens,
 *   gives 1/π₀ → 1 token per pass, which the lemma's π₀ < 1 excludes by a hair).
 */
import { lemma7Estimate, limitEstimate, reportedBound } from '../theory/index.js';

/** Point estimates of one summary (nats; π₀ a probability). */
export interface TheoryEstimates {
  readonly mu: number;
  readonly mu2: number;
  readonly muCE?: number | undefined;
  readonly pi0?: number | undefined;
}

/** The theory at budget P (P counts the root). */
export interface BoundAtBudget {
  readonly P: number;
  /** min(P, Theorem 1) where Theorem 1 applies (P ≥ 1 + μ₂/μ²), else the trivial bound P. */
  readonly reported: number;
  readonly theorem1Applies: boolean;
  /** Corollary 1: ln P / μ (an estimate, not a bound). */
  readonly limit: number;
  /** Lemma 7: min(1/π₀, ln P / μ_CE), with a drafter. */
  readonly lemma7?: number;
}

/** Largest π₀ handed to Lemma 7 (it needs π₀ < 1). */
const PI0_MAX = 1 - 1e-12;

/** The estimates the rule hands to `theory/`, or undefined when no theory applies (μ not > 0 or μ₂ not finite). */
export function usableEstimates(e: TheoryEstimates): { mu: number; mu2: number; drafter?: { muCE: number; pi0: number } } | undefined {
  if (!(Number.isFinite(e.mu) && e.mu > 0 && Number.isFinite(e.mu2))) return undefined;
  const out = { mu: e.mu, mu2: Math.max(e.mu2, e.mu * e.mu) };
  const { muCE, pi0 } = e;
  if (muCE === undefined || !(Number.isFinite(muCE) && muCE >= 0)) return out;
  const p = pi0 ?? 0;
  if (!(Number.isFinite(p) && p >= 0 && p <= 1)) return out;
  return { ...out, drafter: { muCE, pi0: Math.min(p, PI0_MAX) } };
}

/** Theorem 1 (reported), ln P/μ and, with a drafter, Lemma 7 at each budget; [] when no theory applies. */
export function theoryAtEstimates(e: TheoryEstimates, budgets: readonly number[]): BoundAtBudget[] {
  const u = usableEstimates(e);
  if (u === undefined) return [];
  return budgets.map((P) => {
    const r = reportedBound(u, P);
    return {
      P,
      reported: r.value,
      theorem1Applies: r.theoremApplies,
      limit: limitEstimate(u.mu, P),
      ...(u.drafter === undefined ? {} : { lemma7: lemma7Estimate(u.drafter, P) }),
    };
  });
}
