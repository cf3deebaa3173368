/**
 * A simulated i.i.d. law (sim/, the paper's Assumption 2) seen as a TreeSession, so every drafting
 * strategy and the verification code run on it unchanged. Each node's child distribution is drawn
 * from an Rng keyed by (seed, the node's token path), so the token tree is one fixed random tree:
 * the same node gets the same distribution whichever strategy asks, in whatever order, and a
 * drafter session and a verifier session with the same seed describe the same tree.
 *
 * Tokens are ranks in the drafter's order (0 = the drafter's most probable child). The verifier
 * view gives each token its verifier probability p; the drafter view its drafter probability q
 * (the same numbers for verifier-only laws). Only the top `maxChildren` children of a node are
 * listed (a tree of P nodes never uses more than P − 1); the rest is the sparse tail mass.
 */
import { createRng, deriveSeed } from '../core/rng.js';
import type { SparseDistribution } from '../distribution/distribution.js';
import type { TreeExpansion, TreeNodeResult, TreeSession } from '../models/model.js';
import type { ChildLaw } from '../sim/child-law.js';

export type LawView = 'verifier' | 'drafter';

export interface LawSessionOptions {
  readonly seed: number;
  /** Which probabilities the session reports. Default 'verifier'. */
  readonly view?: LawView;
  /** Children listed per node; the budget P − 1 is enough for any tree of P nodes. */
  readonly maxChildren: number;
}

/** A TreeSession over a child law; see the file comment. */
export function lawTreeSession(law: ChildLaw, options: LawSessionOptions): TreeSession {
  const maxChildren = Math.max(1, Math.floor(options.maxChildren));
  const sampler = law.createSampler(maxChildren);
  const useDrafter = options.view === 'drafter';
  const keys: number[] = [deriveSeed(options.seed, 0x7265)];
  // A table law draws one of a fixed set of entries: their distributions are built once.
  const fixedEntries = law.spec.kind === 'table' ? new Map<number, SparseDistribution>() : undefined;
  const draw = (key: number): SparseDistribution => {
    sampler.reset(); // each draw is copied out at once, so the sampler's store never grows
    const d = sampler.draw(createRng(options.seed, key));
    const cached = fixedEntries?.get(d);
    if (cached !== undefined) return cached;
    const built = buildDistribution(d);
    fixedEntries?.set(d, built);
    return built;
  };
  const buildDistribution = (d: number): SparseDistribution => {
    const probs = useDrafter ? sampler.rankProbs : sampler.valueProbs;
    const tail = useDrafter ? sampler.tailRankProbs[d]! : sampler.tailValueProbs[d]!;
    const explicit = Math.min(sampler.lengths[d]!, maxChildren);
    const fromTail = Math.max(0, Math.min(sampler.tailCounts[d]!, maxChildren - explicit));
    const n = explicit + fromTail;
    const offset = sampler.offsets[d]!;
    // Sparse distributions list tokens by decreasing probability (ties: smaller id). The drafter
    // view is already in that order; the verifier's p need not be.
    let ids = new Int32Array(n);
    let logProbs = new Float64Array(n);
    let m = 0;
    let mass = 0;
    let sorted = true;
    for (let k = 0; k < n; k++) {
      const pk = k < explicit ? probs[offset + k]! : tail;
      if (!(pk > 0)) continue;
      ids[m] = k;
      logProbs[m] = Math.log(pk);
      mass += pk;
      if (m > 0 && logProbs[m]! > logProbs[m - 1]!) sorted = false;
      m++;
    }
    if (m < n) {
      ids = ids.slice(0, m);
      logProbs = logProbs.slice(0, m);
    }
    if (!sorted) sortByDecreasingLogProb(ids, logProbs);
    const vocabSize = Math.max(ids.length, sampler.lengths[d]! + Math.min(sampler.tailCounts[d]!, 2 ** 31 - 1 - sampler.lengths[d]!));
    return { kind: 'sparse', vocabSize, ids, logProbs, tailMass: Math.max(0, 1 - mass) };
  };
  const root = draw(keys[0]!);
  return {
    root,
    expand(requests: readonly TreeExpansion[]): Promise<TreeNodeResult[]> {
      const out: TreeNodeResult[] = [];
      for (const { parent, token } of requests) {
        const parentKey = keys[parent];
        if (parentKey === undefined) return Promise.reject(new RangeError(`tree node ${parent} does not exist`));
        const key = deriveSeed(parentKey, token);
        keys.push(key);
        out.push({ node: keys.length - 1, distribution: draw(key) });
      }
      return Promise.resolve(out);
    },
    close() {
      keys.length = 0;
    },
  };
}

/** Sorts (id, ln p) pairs by decreasing ln p, ties by smaller id, in place. */
function sortByDecreasingLogProb(ids: Int32Array, logProbs: Float64Array): void {
  const n = ids.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logProbs[b]! - logProbs[a]! || ids[a]! - ids[b]!);
  const id2 = ids.slice();
  const lp2 = logProbs.slice();
  for (let i = 0; i < n; i++) {
    ids[i] = id2[order[i]!]!;
    logProbs[i] = lp2[order[i]!]!;
  }
}

/**
 * Positional acceptance a_k of a law (the input of static trees): the mean over `samples` nodes
 * drawn from the law of the verifier's probability of the drafter's rank-k child, k < `ranks`.
 * For a verifier-only law this is the expected k-th largest probability.
 */
export function lawPositionalAcceptance(law: ChildLaw, ranks: number, samples: number, seed: number): Float64Array {
  const sampler = law.createSampler(ranks);
  const out = new Float64Array(ranks);
  const rng = createRng(seed, 0x61636370);
  for (let i = 0; i < samples; i++) {
    sampler.reset();
    const d = sampler.draw(rng);
    const explicit = Math.min(sampler.lengths[d]!, ranks);
    const offset = sampler.offsets[d]!;
    for (let k = 0; k < explicit; k++) out[k] = out[k]! + sampler.valueProbs[offset + k]!;
    const fromTail = Math.max(0, Math.min(sampler.tailCounts[d]!, ranks - explicit));
    for (let k = explicit; k < explicit + fromTail; k++) out[k] = out[k]! + sampler.tailValueProbs[d]!;
  }
  for (let k = 0; k < ranks; k++) out[k] = out[k]! / samples;
  return out;
}
