/**
 * A node's children in decreasing probability, fetched from its distribution on demand: best-
 * first enumeration asks for the k-th child only after the (k−1)-th was taken, so the ranking is
 * grown by doubling (`rankedTokens` with k = 4, 8, 16, …) instead of sorting the vocabulary.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import { rankedTokens } from '../distribution/ranked-tokens.js';

export class RankedChildren {
  private ids: Int32Array = new Int32Array(0);
  private logProbs: Float64Array = new Float64Array(0);
  /** True once the ranking holds every token of positive probability. */
  private complete = false;

  constructor(private readonly distribution: TokenDistribution) {}

  /** Token of rank k (0 = most probable), or −1 when fewer than k + 1 tokens have positive probability. */
  token(k: number): number {
    return this.ensure(k) ? this.ids[k]! : -1;
  }

  /** ln p of the rank-k token (call `token(k)` first to know it exists). */
  logProb(k: number): number {
    return this.ensure(k) ? this.logProbs[k]! : -Infinity;
  }

  private ensure(k: number): boolean {
    if (k < this.ids.length) return true;
    if (this.complete) return false;
    let want = Math.max(4, this.ids.length * 2);
    while (want <= k) want *= 2;
    const r = rankedTokens(this.distribution, want);
    const d = this.distribution;
    const lps = new Float64Array(r.ids.length);
    for (let i = 0; i < r.ids.length; i++) lps[i] = d.kind === 'dense' ? d.logProbs[r.ids[i]!]! : d.logProbs[i]!;
    this.ids = r.ids;
    this.logProbs = lps;
    if (r.ids.length < want) this.complete = true;
    return k < this.ids.length;
  }
}
