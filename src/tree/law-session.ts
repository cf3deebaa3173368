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
import type { SparseDistribution } from '../dist/distribution.js';
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
  const draw = (key: number): SparseDistribution => {
    const d = sampler.draw(createRng(options.seed, key));
    const probs = useDrafter ? sampler.rankProbs : sampler.valueProbs;
    const tail = useDrafter ? sampler.tailRankProbs[d]! : sampler.tailValueProbs[d]!;
    const explicit = Math.min(sampler.lengths[d]!, maxChildren);
    const fromTail = Math.max(0, Math.min(sampler.tailCounts[d]!, maxChildren - explicit));
    const n = explicit + fromTail;
    const offset = sampler.offsets[d]!;
    const order = new Int32Array(n);
    const p = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      order[k] = k;
      p[k] = k < explicit ? probs[offset + k]! : tail;
    }
    // Sparse distributions list tokens by decreasing probability (ties: smaller id). The drafter
    // view is already in that order; the verifier's p need not be.
    const sorted = Array.from(order).filter((k) => p[k]! > 0).sort((a, b) => p[b]! - p[a]! || a - b);
    const ids = Int32Array.from(sorted);
    const logProbs = new Float64Array(ids.length);
    let mass = 0;
    for (let i = 0; i < ids.length; i++) {
      logProbs[i] = Math.log(p[ids[i]!]!);
      mass += p[ids[i]!]!;
    }
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
