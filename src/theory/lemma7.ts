/**
 * Lemma 7 (drafter with imperfect knowledge, asymptotic estimate): a drafter that builds the
 * Lemma 1 tree on its own q reaches about min(1/π₀, ln P / μ_CE) tokens per pass, where
 * μ_CE = E[−Σ_{q>0} p ln q / Σ_{q>0} p] and π₀ = E[Σ p·1(q = 0)]. With π₀ = 0 the first term is
 * absent. docs/conventions.md: ln P/μ_CE ≲ E[X_q] ≲ ln P/μ (the paper prints the chain reversed), and the
 * min with 1/π₀ is an estimate, not a bound.
 * @example lemma7Estimate({muCE: 1, pi0: 0}, Math.E ** 3) // 3
 * @example lemma7Estimate({muCE: 0.1, pi0: 0.25}, 1000) // min(4, 69.1) = 4
 * @example lemma7Estimate({muCE: 2, pi0: 1}, 8) // 1: no drafted token is ever accepted, X = the bonus token
 */
import { validateBudget, validateCrossEntropy, validateMissMass } from './validate.js';

export interface DrafterStats {
  /** μ_CE: expected cross-entropy of p against the drafter's q on q's support, nats. */
  readonly muCE: number;
  /** π₀: expected verifier mass on tokens the drafter gives probability 0. */
  readonly pi0?: number;
}

export function lemma7Estimate(stats: DrafterStats, P: number): number {
  validateCrossEntropy(stats.muCE);
  const pi0 = stats.pi0 ?? 0;
  validateMissMass(pi0);
  validateBudget(P);
  const logTerm = stats.muCE === 0 ? Number.POSITIVE_INFINITY : Math.log(P) / stats.muCE;
  const missTerm = pi0 === 0 ? Number.POSITIVE_INFINITY : 1 / pi0;
  return Math.min(missTerm, logTerm);
}
