/**
 * Positional acceptance: a_k = the probability that the verifier's next token is the drafter's
 * rank-k token (k = 0 the drafter's top token), averaged over positions. Static trees (Sequoia,
 * Medusa) assume a_k does not depend on the position, so a rank path (r_1, …, r_d) is accepted
 * with probability a_{r_1}·…·a_{r_d} and a rank tree's E[X] = Σ_v Π a along v's rank path.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { DistributionPair } from '../../distribution/distribution.js';
import { probabilityOf } from '../../distribution/probability.js';
import { rankedTokens } from '../../distribution/ranked-tokens.js';

export type { DistributionPair };

/**
 * a_k for k < `ranks`, the mean over `pairs` of p(drafter's rank-k token). A token the verifier's
 * sparse distribution does not list counts as 0 (a lower bound); a rank the drafter cannot fill
 * (fewer tokens of positive probability) counts as 0.
 */
export function positionalAcceptance(pairs: readonly DistributionPair[], ranks: number): Float64Array {
  if (pairs.length === 0) throw new RangeError('positionalAcceptance needs at least one pair of distributions');
  const out = new Float64Array(ranks);
  for (const { drafter, verifier } of pairs) {
    const r = rankedTokens(drafter, ranks);
    for (let k = 0; k < r.ids.length; k++) {
      const p = probabilityOf(verifier, r.ids[k]!);
      if (p > 0) out[k] = out[k]! + p;
    }
  }
  for (let k = 0; k < ranks; k++) out[k] = out[k]! / pairs.length;
  return out;
}

/**
 * Checks a user-given acceptance vector: every a_k in [0, 1] and Σ a_k ≤ 1 (the verifier's next
 * token is at most one of the drafter's tokens). Throws InvalidValueError naming `source`.
 */
export function checkAcceptance(acceptance: readonly number[], source = '--acceptance'): void {
  if (acceptance.length === 0) throw new InvalidValueError('acceptance', acceptance, 'empty; give a_0,a_1,... (probability the verifier takes the drafter\'s rank-k token)', source);
  let sum = 0;
  for (const a of acceptance) {
    if (!(a >= 0 && a <= 1)) throw new InvalidValueError('acceptance', acceptance, `${a} is not a probability in [0, 1]`, source);
    sum += a;
  }
  if (sum > 1 + 1e-9) throw new InvalidValueError('acceptance', acceptance, `sums to ${sum} > 1 (ranks are disjoint events)`, source);
}
