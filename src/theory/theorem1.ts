/**
 * Theorem 1 of Pankratov & Alistarh (2026): under the i.i.d. model, for P ≥ 1 + μ₂/μ²,
 *   E[X*] ≤ a·ln((P − b)/a) + a + b,  a = (μ + μ₂)/μ²,  b = 1 − 1/μ.
 * Below that budget the theorem says nothing and the only bound is the trivial E[X] ≤ P
 * (docs/conventions.md: the closed form drops under the true optimum there).
 */
import { validateBudget, validateEntropyStats, type EntropyStats } from './validate.js';

export interface Theorem1Coefficients {
  /** a = (μ + μ₂)/μ²: the slope of the bound in ln P. */
  readonly a: number;
  /** b = 1 − 1/μ. */
  readonly b: number;
}

/** The coefficients a and b of Theorem 1. @example theorem1Coefficients({mu: 1, mu2: 2}) // {a: 3, b: 0} */
export function theorem1Coefficients(stats: EntropyStats): Theorem1Coefficients {
  validateEntropyStats(stats);
  const { mu, mu2 } = stats;
  return { a: (mu + mu2) / (mu * mu), b: 1 - 1 / mu };
}

/**
 * Smallest budget at which Theorem 1 applies: 1 + μ₂/μ² (= a + b, where the closed form equals P).
 * @example theorem1ValidFrom({mu: 1, mu2: 2}) // 3
 */
export function theorem1ValidFrom(stats: EntropyStats): number {
  validateEntropyStats(stats);
  return 1 + stats.mu2 / (stats.mu * stats.mu);
}

/**
 * The closed form a·ln((P − b)/a) + a + b, evaluated as written for any P > b (NaN otherwise).
 * Only a bound when P ≥ theorem1ValidFrom; use `reportedBound` for the value to show users.
 * @example theorem1ClosedForm({mu: 1, mu2: 2}, 3 * Math.E) // 3·ln(e) + 3 = 6
 */
export function theorem1ClosedForm(stats: EntropyStats, P: number): number {
  const { a, b } = theorem1Coefficients(stats);
  return P > b ? a * Math.log((P - b) / a) + a + b : Number.NaN;
}

export interface ReportedBound {
  /** min(P, Theorem 1) where the theorem applies, else the trivial bound P. */
  readonly value: number;
  /** True when P ≥ 1 + μ₂/μ² and the value is Theorem 1's. */
  readonly theoremApplies: boolean;
  /** The closed form at P (a bound only when `theoremApplies`). */
  readonly closedForm: number;
}

/**
 * The speed-of-light we report at budget P: Theorem 1 where it applies, otherwise E[X] ≤ P.
 * At P = 1 + μ₂/μ² both agree (the closed form equals P there) and the closed form grows with
 * slope a/(P − b) ≤ 1 above it, so the reported value is continuous and never exceeds P.
 * @example reportedBound({mu: 0.683, mu2: 2.96}, 60).value // ≈ 23.33 (Llama-3.1-8B mean row, Table 1)
 */
export function reportedBound(stats: EntropyStats, P: number): ReportedBound {
  validateBudget(P);
  const closedForm = theorem1ClosedForm(stats, P);
  const theoremApplies = P >= theorem1ValidFrom(stats);
  return { value: theoremApplies ? Math.min(P, closedForm) : P, theoremApplies, closedForm };
}
