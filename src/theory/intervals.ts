/**
 * The bounds of the paper when μ, μ₂ (and μ_CE, π₀) are known only up to an interval, as for
 * top-k data (docs/conventions.md: the tail's shape is unknown, so each statistic lies in [low, high]).
 *
 * Theorem 1 for an interval. Write f(a, b) = a·ln((P − b)/a) + a + b. Where the theorem applies
 * (P ≥ a + b = 1 + μ₂/μ²):
 *   ∂f/∂a = ln((P − b)/a) ≥ 0  and  ∂f/∂b = 1 − a/(P − b) ≥ 0,
 * both because P − b ≥ a. a = 1/μ + μ₂/μ² falls with μ and rises with μ₂; b = 1 − 1/μ rises with μ.
 * So over the box μ ∈ [μ_low, μ_high], μ₂ ∈ [μ₂_low, μ₂_high] the largest coefficients are
 *   a* = (μ_low + μ₂_high)/μ_low²,  b* = 1 − 1/μ_high,
 * and for P ≥ a* + b* every (a, b) of the box satisfies a + b ≤ a* + b* ≤ P, so f is non-decreasing
 * along the segment from (a, b) to (a*, b*) and f(a, b) ≤ f(a*, b*). Below a* + b* we report the
 * trivial P, which is ≥ any statistic's reported value. Hence `boundFromIntervals` is ≥ the
 * reported bound of EVERY (μ, μ₂) in the box, in particular of the unknown true one
 * (test/theory/intervals.test.ts checks this on random boxes against a grid of (μ, μ₂)).
 *
 * Estimates (ln P/μ, Lemma 7) fall in μ (resp. μ_CE and π₀), so their interval ends come from the
 * opposite ends of the inputs; each end is clamped to [1, P], the range of E[X].
 */
import { validateBudget, type EntropyStats } from './validate.js';

/** A closed interval [low, high] (low = high for a point). */
export type Range = readonly [number, number];

export interface EntropyIntervals {
  /** [μ_low, μ_high], nats. */
  readonly mu: Range;
  /** [μ₂_low, μ₂_high], nats². */
  readonly mu2: Range;
}

/** Theorem 1 from coefficients a, b: the closed form where P ≥ a + b (capped at P), else the trivial P. */
export interface IntervalBound {
  /** The value to print: ≥ the reported Theorem 1 value of every statistic in the box. */
  readonly value: number;
  /** True when P ≥ a* + b* and `value` is Theorem 1's (capped at P); false: the trivial bound P. */
  readonly theoremApplies: boolean;
  /** The worst-case coefficients used. */
  readonly a: number;
  readonly b: number;
  /** a* + b*: the budget from which the theorem applies to every statistic of the box. */
  readonly validFrom: number;
}

/**
 * min(P, a·ln((P − b)/a) + a + b) for P ≥ a + b, else P. With a = (μ+μ₂)/μ², b = 1 − 1/μ this is
 * `reportedBound`. @example boundFromCoefficients(3, 0, 3 * Math.E).value // 6
 */
export function boundFromCoefficients(a: number, b: number, P: number): IntervalBound {
  validateBudget(P);
  const validFrom = a + b;
  if (!(Number.isFinite(a) && a > 0) || !(P >= validFrom)) return { value: P, theoremApplies: false, a, b, validFrom };
  const closed = a * Math.log((P - b) / a) + a + b;
  return { value: Math.min(P, closed), theoremApplies: true, a, b, validFrom };
}

/** a* = (μ_low + μ₂_high)/μ_low², b* = 1 − 1/μ_high (Infinity / −Infinity when μ_low = 0). */
export function worstCaseCoefficients(s: EntropyIntervals): { a: number; b: number } {
  // Ends that rounding put out of order by an ulp (a uniform tail: both shapes agree) are sorted.
  const muLow = Math.min(s.mu[0], s.mu[1]);
  const muHigh = Math.max(s.mu[0], s.mu[1]);
  const mu2High = Math.max(s.mu2[0], s.mu2[1]);
  const a = muLow > 0 ? (muLow + mu2High) / (muLow * muLow) : Number.POSITIVE_INFINITY;
  const b = muHigh > 0 ? 1 - 1 / muHigh : Number.NEGATIVE_INFINITY;
  return { a, b };
}

/**
 * The Theorem 1 value valid for every tail consistent with the data: the worst-case coefficients
 * a*, b* and validity from a* + b*. For a point (low = high) it equals `reportedBound`.
 * @example boundFromIntervals({ mu: [1, 1], mu2: [2, 2] }, 3 * Math.E).value // 6, as reportedBound
 */
export function boundFromIntervals(s: EntropyIntervals, P: number): IntervalBound {
  const { a, b } = worstCaseCoefficients(s);
  return boundFromCoefficients(a, b, P);
}

/** The point statistics as a degenerate interval. */
export function pointIntervals(s: EntropyStats): EntropyIntervals {
  return { mu: [s.mu, s.mu], mu2: [s.mu2, s.mu2] };
}

/** An estimate clamped to [1, P], the range of E[X] (X counts the bonus token and is at most P). */
export function clampEstimate(value: number, P: number): number {
  validateBudget(P);
  if (Number.isNaN(value)) return value;
  return Math.min(P, Math.max(1, value));
}

/** An estimate's two ends, each clamped to [1, P]; `low` comes from the high end of the input. */
export interface EstimateRange {
  readonly low: number;
  readonly high: number;
}

/**
 * ln P/μ over μ ∈ [μ_low, μ_high], clamped to [1, P]: low = ln P/μ_high, high = ln P/μ_low
 * (P when μ_low = 0). @example limitRange([0.5, 1], 8) // { low: 2.079, high: 4.159 }
 */
export function limitRange(mu: Range, P: number): EstimateRange {
  validateBudget(P);
  const at = (m: number) => (m > 0 ? clampEstimate(Math.log(P) / m, P) : P);
  return { low: at(Math.max(mu[0], mu[1])), high: at(Math.min(mu[0], mu[1])) };
}

/**
 * Lemma 7's min(1/π₀, ln P/μ_CE) over μ_CE ∈ [low, high], π₀ ∈ [low, high], clamped to [1, P]. The
 * estimate falls in both, so low uses (μ_CE_high, π₀_high), high uses (μ_CE_low, π₀_low). μ_CE may be
 * Infinity at its high end (a top-k drafter does not bound it): the low end is then 1.
 */
export function lemma7Range(muCE: Range, pi0: Range, P: number): EstimateRange {
  validateBudget(P);
  const at = (ce: number, miss: number): number => {
    const logTerm = ce > 0 ? Math.log(P) / ce : Number.POSITIVE_INFINITY;
    const missTerm = miss > 0 ? 1 / miss : Number.POSITIVE_INFINITY;
    return clampEstimate(Math.min(logTerm, missTerm), P);
  };
  return { low: at(muCE[1], pi0[1]), high: at(muCE[0], pi0[0]) };
}
