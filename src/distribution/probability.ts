/** Probability of one token under a distribution. */
import type { TokenDistribution } from './distribution.js';

/**
 * p(tokenId). For a sparse (top-k) distribution an id that is not listed returns NaN (its
 * probability is unknown: somewhere in [0, k-th listed probability]) unless the tail mass is 0,
 * in which case it returns 0. Ids outside [0, V) return 0.
 *
 * @example probabilityOf(fromLogits(new Float64Array([0, 0])), 1) // → 0.5
 */
export function probabilityOf(d: TokenDistribution, tokenId: number): number {
  if (d.kind === 'dense') {
    const l = d.logProbs[tokenId];
    return l === undefined ? 0 : Math.exp(l);
  }
  if (!(tokenId >= 0 && tokenId < d.vocabSize)) return 0;
  const ids = d.ids;
  for (let i = 0; i < ids.length; i++) if (ids[i] === tokenId) return Math.exp(d.logProbs[i]!);
  return d.tailMass > 0 ? Number.NaN : 0;
}

/** ln p(tokenId), with the same conventions as `probabilityOf` (NaN unknown, −Infinity impossible). */
export function logProbabilityOf(d: TokenDistribution, tokenId: number): number {
  if (d.kind === 'dense') return d.logProbs[tokenId] ?? -Infinity;
  return Math.log(probabilityOf(d, tokenId));
}
