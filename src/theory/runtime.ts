/**
 * Runtime (Wald's equation, eq. 1 of the paper): generating N tokens with a verifier of constant
 * latency T takes E[runtime] ≥ N·T / E[X], so under the paper's timing model the speedup over
 * plain decoding is at most E[X]. With latency models T_v(k) (verifier, k tokens in one pass) and
 * T_d(P) (drafter, building a P-node tree): speedup(P) = E[X](P) · T_v(1) / (T_v(P) + T_d(P)).
 */
import { InvalidValueError } from '../core/errors.js';
import { validateBudget } from './validate.js';

/** Lower bound on expected runtime: N·T/E[X]. @example minimumExpectedRuntime(100, 0.02, 4) // 0.5 */
export function minimumExpectedRuntime(tokens: number, verifierLatency: number, expectedAccepted: number): number {
  if (!(expectedAccepted >= 1)) throw new InvalidValueError('E[X]', expectedAccepted, 'must be >= 1');
  if (!(tokens >= 0) || !(verifierLatency >= 0)) throw new InvalidValueError('runtime inputs', { tokens, verifierLatency }, 'must be >= 0');
  return (tokens * verifierLatency) / expectedAccepted;
}

/** Speedup ceiling under the paper's timing model (constant T, free drafting): speedup ≤ E[X]. */
export function speedupCeiling(expectedAccepted: number): number {
  if (!(expectedAccepted >= 1)) throw new InvalidValueError('E[X]', expectedAccepted, 'must be >= 1');
  return expectedAccepted;
}

export interface LatencyFunctions {
  /** Verifier latency for one pass over k tokens (any unit, the same for both). */
  readonly verifier: (k: number) => number;
  /** Drafter latency to build a P-node tree; defaults to 0 (free drafting). */
  readonly drafter?: (P: number) => number;
}

/**
 * speedup(P) = E[X](P) · T_v(1) / (T_v(P) + T_d(P)).
 * @example speedup(4, 3, { verifier: (k) => 10 + k, drafter: () => 2 }) // 3·11/(14+2) = 2.0625
 */
export function speedup(P: number, expectedAccepted: number, latency: LatencyFunctions): number {
  validateBudget(P);
  if (!(expectedAccepted >= 1) || expectedAccepted > P) {
    throw new InvalidValueError('E[X]', expectedAccepted, `must lie in [1, P = ${P}]`);
  }
  const base = latency.verifier(1);
  const pass = latency.verifier(P) + (latency.drafter?.(P) ?? 0);
  if (!(base > 0) || !(pass > 0) || !Number.isFinite(pass)) {
    throw new InvalidValueError('latency', { verifier1: base, pass }, 'latencies must be positive and finite');
  }
  return (expectedAccepted * base) / pass;
}
