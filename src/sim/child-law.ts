/**
 * A child law: the distribution from which every node of the i.i.d. token tree draws its child
 * distribution (the paper's Assumption 2, the point process Ξ of its branching random walk, §3.2).
 *
 * The enumerator sees a law through a `ChildSampler`: `draw(rng)` picks one node's child
 * distribution and returns its id `d`; the children of `d` are read from typed arrays, by rank
 * (decreasing drafting priority), with no allocation. Laws over a fixed set of distributions
 * (Zipf, the mixture, the calibrated law, an empirical bank) return an index into a shared table;
 * sampled laws (Dirichlet, a noisy drafter) write each draw into a per-tree store.
 *
 * A sampler has two views of each child: `rankProbs` orders the children (what the drafter
 * believes, q) and `valueProbs` is the verifier's probability p (what counts in E[X]). For a
 * verifier-only law both are the same array, and the enumerator builds the oracle tree (Lemma 1).
 */
import type { Rng } from '../core/rng.js';
import type { ChildTable } from './child-table.js';

export interface ChildSampler {
  /** Drafting priority of explicit children, entry d at `offsets[d] .. offsets[d] + lengths[d]`, decreasing. */
  rankProbs: Float64Array;
  /** Verifier probability of the same children (the same array as `rankProbs` for verifier-only laws). */
  valueProbs: Float64Array;
  offsets: Int32Array;
  lengths: Int32Array;
  /** Children after the explicit ones, all with priority `tailRankProbs[d]` and value `tailValueProbs[d]`. */
  tailCounts: Float64Array;
  tailRankProbs: Float64Array;
  tailValueProbs: Float64Array;
  /** Draws one node's child distribution and returns its id. May replace the arrays above. */
  draw(rng: Rng): number;
  /**
   * Lazy ranks, optional (a sampler has both or neither): `drawTop` draws exactly what `draw`
   * would from the same random numbers, with the same `lengths[d]`, but puts only rank 0 in place;
   * `exposeRank(d, k)` then puts rank k in place, called for k = 1, 2, … < lengths[d] in turn. The best-first
   * enumerator reads child k + 1 of a node only once child k is taken, so a sampled law whose
   * ranking costs more than its lookups (Dirichlet: 100 children, one or two read) skips most of it.
   */
  drawTop?(rng: Rng): number;
  exposeRank?(d: number, rank: number): void;
  /** Forgets the per-tree draws of a sampled law; called before each tree. */
  reset(): void;
}

/** How the law is described to people (printed by the CLI under "law", stored in reports). */
export interface LawDescription {
  readonly kind: string;
  readonly [parameter: string]: unknown;
}

/** Plain data from which `lawFromSpec` rebuilds a law inside a worker thread (structured-cloneable). */
export type LawSpec =
  | {
      readonly kind: 'table';
      readonly table: ChildTable;
      readonly cumulativeWeights: Float64Array | null;
      readonly description: LawDescription;
      readonly mu: number;
      readonly mu2: number;
      readonly exactRanks: number;
      /** Present for drafter tables (`table.values` set). */
      readonly drafter?: { readonly muCE: number; readonly pi0: number };
    }
  | { readonly kind: 'dirichlet'; readonly alpha: number; readonly vocabSize: number }
  | { readonly kind: 'noisy-drafter'; readonly verifier: LawSpec; readonly temperature: number; readonly noise: number; readonly candidates: number; readonly muCE: number; readonly pi0: number; readonly estimateSamples: number };

export interface ChildLaw {
  readonly description: LawDescription;
  /** μ = E[H(p)] of the verifier's child distributions, nats (exact, or a Monte Carlo estimate). */
  readonly mu: number;
  /** μ₂ = E[Σ p (ln p)²], nats². */
  readonly mu2: number;
  /** True when μ, μ₂ are computed from the law's definition, false when estimated. */
  readonly momentsExact: boolean;
  /**
   * Children of rank < exactRanks are simulated exactly; beyond it the law is approximated
   * (e.g. an empirical bank truncated to its top children). A tree of P nodes uses ranks < P − 1.
   */
  readonly exactRanks: number;
  /** True when the law has a drafter q different from the verifier p (q-greedy trees, Lemma 7). */
  readonly hasDrafter: boolean;
  /** Rebuilds the law in a worker. */
  readonly spec: LawSpec;
  /** A sampler for trees of at most `maxChildren + 1` nodes (no node has more children than that). */
  createSampler(maxChildren: number): ChildSampler;
}

/** A drafter law also knows the drafter statistics of Lemma 7. */
export interface DrafterLaw extends ChildLaw {
  readonly hasDrafter: true;
  /** μ_CE = E[−Σ_{q>0} p ln q / Σ_{q>0} p], nats. */
  readonly muCE: number;
  /** π₀ = E[Σ p·1(q = 0)]. */
  readonly pi0: number;
}
