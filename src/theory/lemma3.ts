/**
 * Lemma 3: the expected number of nodes of the token tree whose path probability is ≥ e^{−t}
 * (value V(v) = −ln P(v) ≤ t), under the i.i.d. model, is at most a·e^t + b with
 * a = (μ + μ₂)/μ², b = 1 − 1/μ. The root (V = 0) is counted.
 * @example expectedNodesAboveProbabilityBound({mu: 1, mu2: 2}, 0) // 3·1 + 0 = 3
 */
import { theorem1Coefficients } from './theorem1.js';
import type { EntropyStats } from './validate.js';

export function expectedNodesAboveProbabilityBound(stats: EntropyStats, t: number): number {
  if (!(t >= 0)) throw new RangeError(`threshold t must be >= 0, got ${t}`);
  const { a, b } = theorem1Coefficients(stats);
  return a * Math.exp(t) + b;
}
