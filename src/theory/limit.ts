/**
 * Corollary 1 (asymptotic estimate, not a bound): E[X*] ≈ ln P / μ. A static tree of P nodes and
 * average degree e^μ has depth ln P / μ. docs/conventions.md: at finite P this is below the i.i.d. optimum
 * for some laws and above it for others.
 * @example limitEstimate(0.683, 60) // ln 60 / 0.683 ≈ 5.995
 */
import { validateBudget, validateMu } from './validate.js';

export function limitEstimate(mu: number, P: number): number {
  validateMu(mu);
  validateBudget(P);
  return Math.log(P) / mu;
}
