/**
 * Top-k and top-p (nucleus) truncation, renormalised. Both lower μ; the paper suggests tuning
 * them. The kept tokens are those of `rankedTokens` (decreasing probability, ties → smaller id).
 */
import { InvalidValueError } from '../core/errors.js';
import type { RankedTokens, TokenDistribution } from './distribution.js';
import { rankedTokens } from './ranked-tokens.js';

/**
 * The `k` most probable tokens of `d`, renormalised (dense stays dense with −Infinity elsewhere;
 * sparse becomes sparse with tail mass 0). For a sparse distribution with fewer than `k` listed
 * tokens and a positive tail, the k − listed extra tokens would come from the unknown tail: the
 * distribution is returned unchanged.
 */
export function withTopK<D extends TokenDistribution>(d: D, k: number): D;
export function withTopK(d: TokenDistribution, k: number): TokenDistribution {
  if (!Number.isInteger(k) || k < 1) throw new InvalidValueError('top-k', k, 'must be an integer >= 1');
  if (d.kind === 'sparse' && k >= d.ids.length && d.tailMass > 0) return d;
  return keep(d, rankedTokens(d, k));
}

/**
 * The smallest set of most probable tokens whose mass reaches `p` (0 < p ≤ 1), renormalised.
 * For a sparse distribution whose listed mass is below `p`, the cut falls in the unknown tail:
 * the distribution is returned unchanged.
 */
export function withTopP<D extends TokenDistribution>(d: D, p: number): D;
export function withTopP(d: TokenDistribution, p: number): TokenDistribution {
  if (!(p > 0 && p <= 1)) throw new InvalidValueError('top-p', p, 'must be in (0, 1]');
  if (p === 1) return d;
  const limit = d.kind === 'dense' ? d.logProbs.length : d.ids.length;
  const reach = p * (1 - 1e-12); // rounding: Σ of p's that reach `p` exactly may land just below it
  for (let k = 32; ; k *= 4) {
    const ranked = rankedTokens(d, k);
    let acc = 0;
    for (let i = 0; i < ranked.ids.length; i++) {
      acc += ranked.probs[i]!;
      if (acc >= reach) return keep(d, { ids: ranked.ids.subarray(0, i + 1), probs: ranked.probs.subarray(0, i + 1) });
    }
    if (ranked.ids.length < k || k >= limit) {
      // Every token is listed and rounding kept Σ below p, or (sparse) the cut is in the tail.
      return d.kind === 'sparse' && d.tailMass > 0 ? d : keep(d, ranked);
    }
  }
}

function keep(d: TokenDistribution, ranked: RankedTokens): TokenDistribution {
  let mass = 0;
  for (let i = 0; i < ranked.probs.length; i++) mass += ranked.probs[i]!;
  const shift = Math.log(mass);
  if (d.kind === 'dense') {
    const logProbs = new Float64Array(d.logProbs.length).fill(-Infinity);
    for (let i = 0; i < ranked.ids.length; i++) logProbs[ranked.ids[i]!] = d.logProbs[ranked.ids[i]!]! - shift;
    return { kind: 'dense', logProbs };
  }
  const logProbs = new Float64Array(ranked.ids.length);
  for (let i = 0; i < ranked.ids.length; i++) logProbs[i] = d.logProbs[i]! - shift; // sparse ranks = listed order
  return { kind: 'sparse', vocabSize: d.vocabSize, ids: ranked.ids.slice(), logProbs, tailMass: 0 };
}
