/**
 * Theory at the estimates: the one rule for applying the paper's bounds (`theory/`) to measured
 * μ, μ₂, μ_CE and π₀. Used for the report's theory curves (`aggregate.ts`), the temperature sweep
 * (`temperature-sweep.ts`) and the bounds of `specbound stats` (`trace-stats.ts`), so a run's
 * report and `stats` on its trace can never disagree on how an estimate is turned into a bound;
 * `plan` and the web page read these curves from the results.
 *
 * The rule (issue 13: every number printed must be true of every tail the data allow):
 * - No theory without entropy: μ's high end must be finite and > 0 (μ = 0 means every position is
 *   one-hot, and the only bound is the trivial E[X] ≤ P). Then no rows at all.
 * - Each statistic is an interval [low, high] (a point for complete distributions; top-k data give
 *   the ends over every tail, `stats/`). μ₂ is taken as at least μ² at each end (Jensen: the true
 *   μ₂ ≥ μ²; a lower estimate can only come from rounding).
 * - Theorem 1 is taken at the worst case of the box, a* = (μ_low + μ₂_high)/μ_low²,
 *   b* = 1 − 1/μ_high, valid from a* + b* (theory/intervals.ts proves it is ≥ the bound of every
 *   statistic in the box); below that, and always as a cap, the trivial P. For a point it is
 *   exactly `reportedBound`.
 * - ln P/μ and Lemma 7 are estimates, given as [low, high] (low from the high ends of μ, μ_CE,
 *   π₀), each clamped to [1, P], the range of E[X]. Lemma 7 only with a drafter, when μ_CE is
 *   defined (≥ 0; its high end may be unbounded) and π₀ is in [0, 1] (π₀ = 1 gives 1).
 */
import { boundFromIntervals, lemma7Range, limitRange, type EstimateRange, type Range } from '../theory/index.js';

/** Estimates of one summary (nats; π₀ a probability): points, or top-k intervals. */
export interface TheoryEstimates {
  readonly mu: number | Range;
  readonly mu2: number | Range;
  readonly muCE?: number | Range | undefined;
  readonly pi0?: number | Range | undefined;
}

/** The theory at budget P (P counts the root). */
export interface BoundAtBudget {
  readonly P: number;
  /** min(P, Theorem 1) where Theorem 1 applies to every statistic of the box, else the trivial bound P. */
  readonly reported: number;
  readonly theorem1Applies: boolean;
  /** Corollary 1: ln P / μ (an estimate, not a bound), clamped to [1, P]; low from μ_high, high from μ_low. */
  readonly limit: EstimateRange;
  /** Lemma 7: min(1/π₀, ln P / μ_CE), with a drafter, clamped to [1, P]; ends as for `limit`. */
  readonly lemma7?: EstimateRange;
}

const range = (x: number | Range): Range => (typeof x === 'number' ? [x, x] : [Math.min(x[0], x[1]), Math.max(x[0], x[1])]);

/** The ranges the rule hands to `theory/`, or undefined when no theory applies (μ not > 0, or μ₂ not finite). */
export function usableEstimates(e: TheoryEstimates): { mu: Range; mu2: Range; drafter?: { muCE: Range; pi0: Range } } | undefined {
  const mu = range(e.mu);
  const mu2raw = range(e.mu2);
  if (!(Number.isFinite(mu[1]) && mu[1] > 0 && Number.isFinite(mu2raw[1]) && mu[0] >= 0)) return undefined;
  const mu2: Range = [Math.max(mu2raw[0], mu[0] * mu[0]), Math.max(mu2raw[1], mu[1] * mu[1])];
  const out = { mu, mu2 };
  if (e.muCE === undefined) return out;
  const muCE = range(e.muCE);
  if (!(muCE[0] >= 0)) return out; // NaN (undefined everywhere) or negative: no Lemma 7
  const pi0 = range(e.pi0 ?? 0);
  if (!(Number.isFinite(pi0[1]) && pi0[0] >= 0 && pi0[1] <= 1)) return out;
  return { ...out, drafter: { muCE, pi0 } };
}

/** Theorem 1 (reported), ln P/μ and, with a drafter, Lemma 7 at each budget; [] when no theory applies. */
export function theoryAtEstimates(e: TheoryEstimates, budgets: readonly number[]): BoundAtBudget[] {
  const u = usableEstimates(e);
  if (u === undefined) return [];
  return budgets.map((P) => {
    const r = boundFromIntervals({ mu: u.mu, mu2: u.mu2 }, P);
    return {
      P,
      reported: r.value,
      theorem1Applies: r.theoremApplies,
      limit: limitRange(u.mu, P),
      ...(u.drafter === undefined ? {} : { lemma7: lemma7Range(u.drafter.muCE, u.drafter.pi0, P) }),
    };
  });
}

/** A summary's estimates as the rule reads them: its intervals (points for complete data). */
export function estimatesOf(s: {
  mu: { interval: Range };
  mu2: { interval: Range };
  muCE?: { interval: Range } | undefined;
  pi0?: { interval: Range } | undefined;
}): TheoryEstimates {
  return { mu: s.mu.interval, mu2: s.mu2.interval, muCE: s.muCE?.interval, pi0: s.pi0?.interval };
}
