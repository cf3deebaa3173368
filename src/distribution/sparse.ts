/** Building a sparse (top-k) distribution from unsorted ids and log-probabilities. */
import type { SparseDistribution } from './distribution.js';

/**
 * A sparse distribution from `ids` and their `logProbs` (any order): sorts them by decreasing
 * probability (ties: smaller id) and sets `tailMass` = max(0, 1 − Σ p). Callers validate (ids in
 * range, no duplicates, finite log-probabilities ≤ 0) beforehand; see `trace/`.
 *
 * @example fromTopLogprobs(10, [3, 1], [Math.log(0.2), Math.log(0.5)]) // → ids [1, 3], tailMass 0.3
 */
export function fromTopLogprobs(vocabSize: number, ids: ArrayLike<number>, logProbs: ArrayLike<number>): SparseDistribution {
  const n = ids.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logProbs[b]! - logProbs[a]! || ids[a]! - ids[b]!);
  const outIds = new Int32Array(n);
  const outLp = new Float64Array(n);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    outIds[i] = ids[order[i]!]!;
    outLp[i] = logProbs[order[i]!]!;
    mass += Math.exp(outLp[i]!);
  }
  return { kind: 'sparse', vocabSize, ids: outIds, logProbs: outLp, tailMass: Math.max(0, 1 - mass) };
}
