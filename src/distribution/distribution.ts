/**
 * One representation of a next-token distribution, shared by every layer.
 *
 * - `dense`: the whole vocabulary. `logProbs[i]` = ln p(i), normalised (Σ exp = 1).
 * - `sparse`: the top-k tokens a server returned. `ids` and `logProbs` sorted by decreasing
 *   probability (ties: smaller id first); `tailMass` = 1 − Σ exp(logProbs) is the known mass of
 *   the V − k tokens not listed, whose shape is unknown (docs/conventions.md: μ, μ₂ become intervals).
 *
 * Probabilities are those of the verifier at temperature 1 unless a transform of `distribution/` says
 * otherwise. Nothing here allocates per token in hot loops.
 */
export interface DenseDistribution {
  readonly kind: 'dense';
  /** ln p(token) for every token id 0..V−1; −Infinity for impossible tokens. */
  readonly logProbs: Float64Array | Float32Array;
}

export interface SparseDistribution {
  readonly kind: 'sparse';
  /** Size V of the vocabulary the ids index into. */
  readonly vocabSize: number;
  /** Token ids, by decreasing probability (ties broken by smaller id). */
  readonly ids: Int32Array;
  /** ln p(ids[i]). */
  readonly logProbs: Float64Array;
  /** 1 − Σ p(ids[i]) ≥ 0: mass on tokens not listed. */
  readonly tailMass: number;
  /**
   * Largest probability an unlisted token can have. Absent: the smallest listed probability (the
   * list is a top-k list). Set when the list holds a token outside the top-k, e.g. the sampled token
   * that the completions API adds to `logprobs` entries (trace/importers/response-formats.ts).
   */
  readonly tailCap?: number;
}

/** The largest probability an unlisted token of `d` can have: `tailCap`, else the smallest listed one, else the tail mass. */
export function tailCapOf(d: SparseDistribution): number {
  if (d.tailCap !== undefined) return Math.min(d.tailCap, d.tailMass);
  const k = d.ids.length;
  return k > 0 ? Math.min(Math.exp(d.logProbs[k - 1]!), d.tailMass) : d.tailMass;
}

export type TokenDistribution = DenseDistribution | SparseDistribution;

/** Vocabulary size V of a distribution. */
export function vocabSizeOf(d: TokenDistribution): number {
  return d.kind === 'dense' ? d.logProbs.length : d.vocabSize;
}

/** The k most probable tokens, by decreasing probability, ties broken by smaller id. */
export interface RankedTokens {
  readonly ids: Int32Array;
  readonly probs: Float64Array;
}

/** The drafter's q and the verifier's p at the same position. */
export interface DistributionPair {
  readonly drafter: TokenDistribution;
  readonly verifier: TokenDistribution;
}
