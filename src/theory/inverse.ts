/**
 * Questions a planner asks backwards: what budget reaches a target E[X], and how low must the
 * entropy be for a target at a given budget. Each answer is checked against the forward function,
 * so it is exact on the integer grid of budgets.
 */
import { reportedBound } from './theorem1.js';
import { limitEstimate } from './limit.js';
import { clampEstimate } from './intervals.js';
import { lemma7Estimate, type DrafterStats } from './lemma7.js';
import { validateEntropyStats, validateMu, validateTarget, validateBudget, type EntropyStats } from './validate.js';

/** Budgets above this are reported as unreachable (Infinity). */
export const MAX_BUDGET = Number.MAX_SAFE_INTEGER;

/** Smallest integer P ≥ 1 with f(P) ≥ target, for f non-decreasing; `guess` is a real-valued estimate. */
function smallestBudget(f: (P: number) => number, target: number, guess: number): number {
  if (!Number.isFinite(guess) || guess > MAX_BUDGET) return Number.POSITIVE_INFINITY;
  let P = Math.max(1, Math.ceil(guess - 1e-9));
  while (P > 1 && f(P - 1) >= target) P -= 1;
  while (f(P) < target) {
    P += 1;
    if (P > MAX_BUDGET) return Number.POSITIVE_INFINITY;
  }
  return P;
}

/**
 * Smallest P whose reported Theorem 1 value (min(P, bound), or P below its validity) reaches the
 * target. Below 1 + μ₂/μ² the reported value is P itself; above, solving a·ln((P−b)/a)+a+b = x
 * gives P = b + a·exp((x − a − b)/a).
 * @example budgetForTheorem1({mu: 1, mu2: 2}, 6) // b + a·e^{(6−3)/3} = 3e ≈ 8.15 → 9
 */
export function budgetForTheorem1(stats: EntropyStats, target: number): number {
  validateEntropyStats(stats);
  validateTarget(target);
  const { mu, mu2 } = stats;
  const a = (mu + mu2) / (mu * mu);
  const b = 1 - 1 / mu;
  const guess = target <= a + b ? target : b + a * Math.exp((target - a - b) / a);
  return smallestBudget((P) => reportedBound(stats, P).value, target, guess);
}

/**
 * Smallest P whose estimate ln P/μ, clamped to [1, P] (E[X] ≤ P), reaches the target:
 * max(⌈x⌉, ⌈e^{μ·x}⌉). @example budgetForLimit(0.5, 4) // ⌈e²⌉ = 8
 * @example budgetForLimit(0.1, 6) // 6, not ⌈e^0.6⌉ = 2: ln 2/0.1 = 6.9 exceeds P = 2
 */
export function budgetForLimit(mu: number, target: number): number {
  validateMu(mu);
  validateTarget(target);
  return smallestBudget((P) => clampEstimate(limitEstimate(mu, P), P), target, Math.max(target, Math.exp(mu * target)));
}

/** Smallest P with Lemma 7's estimate, clamped to [1, P], ≥ target; Infinity when 1/π₀ < target (unreachable). */
export function budgetForLemma7(stats: DrafterStats, target: number): number {
  validateTarget(target);
  const pi0 = stats.pi0 ?? 0;
  if (pi0 > 0 && 1 / pi0 < target) return Number.POSITIVE_INFINITY;
  if (stats.muCE === 0) return Math.ceil(target);
  return smallestBudget((P) => clampEstimate(lemma7Estimate(stats, P), P), target, Math.max(target, Math.exp(stats.muCE * target)));
}

/** Largest μ with ln P/μ ≥ target: μ = ln P / x. @example largestEntropyForLimit(Math.E ** 2, 4) // 0.5 */
export function largestEntropyForLimit(P: number, target: number): number {
  validateBudget(P);
  validateTarget(target);
  return Math.log(P) / target;
}

/**
 * Largest μ for which Theorem 1 still allows the target at budget P, holding the shape ratio
 * κ = μ₂/μ fixed (LLMs keep μ₂/μ roughly constant when the temperature moves: Table 1 has 2.8–6.1
 * for Llama-3.1-8B). Since μ₂ ≥ μ², μ ranges over (0, κ]. The reported bound falls as μ grows,
 * so bisection finds the boundary; returns 0 if even the smallest μ cannot reach it (target > P).
 */
export function largestEntropyForTheorem1(P: number, target: number, secondMomentRatio: number): number {
  validateBudget(P);
  validateTarget(target);
  if (!(secondMomentRatio > 0) || !Number.isFinite(secondMomentRatio)) throw new RangeError(`mu2/mu ratio must be > 0, got ${secondMomentRatio}`);
  if (target > P) return 0;
  const at = (mu: number) => reportedBound({ mu, mu2: secondMomentRatio * mu }, P).value;
  let lo = 0;
  let hi = secondMomentRatio;
  if (at(hi) >= target) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (mid === 0 || at(mid) >= target) lo = mid;
    else hi = mid;
  }
  return lo;
}
