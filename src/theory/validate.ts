/**
 * Preconditions of every formula of the paper, as typed errors naming the value.
 *
 * - μ > 0: the expected next-token entropy (nats); μ = 0 is a deterministic model (Assumption 2).
 * - μ₂ ≥ μ²: μ₂ = E[Σ p (ln p)²] ≥ E[(Σ p(−ln p))²] ≥ (E[H])² = μ² by Jensen twice, so a smaller
 *   μ₂ cannot come from any real model (often a sign that E[H²] or bits were used).
 * - μ_CE ≥ 0, 0 ≤ π₀ ≤ 1 (π₀ = 1: the drafter never proposes a verifier token, Lemma 7 gives 1), P ≥ 1 an integer (P counts the root).
 */
import { InvalidValueError } from '../core/errors.js';

export interface EntropyStats {
  /** μ: expected entropy of the verifier's next-token distribution, nats. */
  readonly mu: number;
  /** μ₂: expected second log-moment E[Σ p (ln p)²], nats². */
  readonly mu2: number;
}

export function validateMu(mu: number, source?: string): void {
  if (!Number.isFinite(mu)) throw new InvalidValueError('mu', mu, 'must be a finite number of nats', source);
  if (mu <= 0) throw new InvalidValueError('mu', mu, 'must be > 0: a model with zero entropy is deterministic and needs no speculation bound', source);
}

export function validateEntropyStats(stats: EntropyStats, source?: string): void {
  validateMu(stats.mu, source);
  const { mu, mu2 } = stats;
  if (!Number.isFinite(mu2)) throw new InvalidValueError('mu2', mu2, 'must be a finite number of nats^2', source);
  // Relative slack of 1e-12 so that exactly-degenerate laws (μ₂ = μ², e.g. uniform) pass despite rounding.
  if (mu2 < mu * mu * (1 - 1e-12)) {
    throw new InvalidValueError('mu2', mu2, `must be >= mu^2 = ${mu * mu} by Jensen's inequality (mu2 is E[sum p (ln p)^2] in nats^2)`, source);
  }
}

export function validateCrossEntropy(muCE: number, source?: string): void {
  if (!Number.isFinite(muCE) || muCE < 0) throw new InvalidValueError('mu-ce', muCE, 'must be a finite number >= 0 (nats)', source);
}

export function validateMissMass(pi0: number, source?: string): void {
  if (!Number.isFinite(pi0) || pi0 < 0 || pi0 > 1) throw new InvalidValueError('pi0', pi0, 'must satisfy 0 <= pi0 <= 1 (mass the drafter can never propose)', source);
}

export function validateBudget(P: number, source?: string): void {
  if (!Number.isInteger(P) || P < 1) throw new InvalidValueError('P', P, 'must be an integer >= 1 (tree nodes including the root)', source);
}

export function validateTarget(expectedAccepted: number, source?: string): void {
  if (!Number.isFinite(expectedAccepted) || expectedAccepted < 1) {
    throw new InvalidValueError('target', expectedAccepted, 'must be a finite E[X] >= 1 (X counts the bonus token)', source);
  }
}
