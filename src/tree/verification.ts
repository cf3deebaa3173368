/**
 * Verifying a deterministic draft tree (docs/conventions.md). From the root, the verifier samples its next
 * token; if that token is a child in the tree the walk moves there and repeats, otherwise it
 * stops. X = depth reached + 1 (the accepted tokens plus the verifier's bonus token), and by
 * Lemma 1 E[X] = Σ_v P(v) with P(v) the verifier's probability of the path root → v.
 *
 * All functions here take the verifier's next-token distribution at each internal node of the
 * tree (`verifierDistributions` fetches them from a TreeSession in one call per tree level).
 *
 * Sparse (top-k) verifier distributions: a drafted token the verifier did not list has an unknown
 * probability; it is counted as 0, so E[X] and the sampled X are lower bounds. `unknownTokens`
 * counts such nodes.
 */
import type { Rng } from '../core/rng.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { logProbabilityOf } from '../distribution/probability.js';
import type { DistributionCallOptions, TreeSession } from '../models/model.js';
import type { DraftTree } from './draft-tree.js';

/** The verifier's next-token distribution at each node of a tree (undefined at leaves). */
export type NodeDistributions = readonly (TokenDistribution | undefined)[];

/**
 * The verifier's distributions at every internal node of `tree`, fetched level by level (one
 * `expand` call per depth) from a session opened on the same prefix the tree was drafted after.
 */
export async function verifierDistributions(tree: DraftTree, verifier: TreeSession, options?: DistributionCallOptions): Promise<NodeDistributions> {
  const out: (TokenDistribution | undefined)[] = new Array<TokenDistribution | undefined>(tree.size).fill(undefined);
  const sessionNode = new Int32Array(tree.size).fill(-1);
  sessionNode[0] = 0;
  out[0] = tree.children[0]!.length > 0 ? verifier.root : undefined;
  let level = tree.children[0]!.filter((c) => tree.children[c]!.length > 0);
  while (level.length > 0) {
    const results = await verifier.expand(
      level.map((v) => ({ parent: sessionNode[tree.parent[v]!]!, token: tree.token[v]! })),
      options,
    );
    if (results.length !== level.length) throw new Error(`tree session returned ${results.length} nodes for ${level.length} requests`);
    const next: number[] = [];
    level.forEach((v, i) => {
      sessionNode[v] = results[i]!.node;
      out[v] = results[i]!.distribution;
      for (const c of tree.children[v]!) if (tree.children[c]!.length > 0) next.push(c);
    });
    level = next;
  }
  return out;
}

export interface ConditionalProbabilities {
  /** p(token of v | path to v's parent) for each node v; 1 at the root. */
  readonly conditional: Float64Array;
  /** Nodes whose token the verifier's sparse distribution did not list (counted as probability 0). */
  readonly unknownTokens: number;
}

const conditionalCache = new WeakMap<NodeDistributions, WeakMap<DraftTree, ConditionalProbabilities>>();

/** The verifier's conditional probability of each node's token given its parent. */
export function conditionalProbabilities(tree: DraftTree, verifier: NodeDistributions): ConditionalProbabilities {
  const cached = conditionalCache.get(verifier)?.get(tree);
  if (cached !== undefined) return cached;
  const conditional = new Float64Array(tree.size);
  conditional[0] = 1;
  let unknownTokens = 0;
  for (let v = 1; v < tree.size; v++) {
    const d = verifier[tree.parent[v]!];
    if (d === undefined) throw new RangeError(`no verifier distribution at node ${tree.parent[v]!}, which has children`);
    const lp = logProbabilityOf(d, tree.token[v]!);
    if (Number.isNaN(lp)) {
      unknownTokens++;
      conditional[v] = 0;
    } else {
      conditional[v] = Math.exp(lp);
    }
  }
  const result = { conditional, unknownTokens };
  let perTree = conditionalCache.get(verifier);
  if (perTree === undefined) conditionalCache.set(verifier, (perTree = new WeakMap()));
  perTree.set(tree, result);
  return result;
}

/** P(v) for each node: the product of the verifier's conditional probabilities along root → v (P(root) = 1). */
export function pathProbabilities(tree: DraftTree, verifier: NodeDistributions): Float64Array {
  const { conditional } = conditionalProbabilities(tree, verifier);
  const out = new Float64Array(tree.size);
  out[0] = 1;
  for (let v = 1; v < tree.size; v++) out[v] = out[tree.parent[v]!]! * conditional[v]!;
  return out;
}

/**
 * E[X] of a deterministic tree under the verifier = Σ_v P(v) (Lemma 1), root included, so
 * 1 ≤ E[X] ≤ size.
 *
 * @example expectedAcceptedLength(chainOfTwo, dists) // 1 + p(a) + p(a) p(b | a)
 */
export function expectedAcceptedLength(tree: DraftTree, verifier: NodeDistributions): number {
  const p = pathProbabilities(tree, verifier);
  let sum = 0;
  for (let v = 0; v < tree.size; v++) sum += p[v]!;
  return sum;
}

/**
 * One exact sample of X: the verifier's walk through the tree. At each node one uniform draw u
 * picks the child whose cumulative conditional probability first exceeds u, or stops when u falls
 * beyond all the children's mass (the verifier sampled a token the tree does not hold). This has
 * exactly the law of sampling the verifier's token and looking it up among the children.
 */
export function sampleVerifiedLength(tree: DraftTree, verifier: NodeDistributions, rng: Rng): number {
  const { conditional } = conditionalProbabilities(tree, verifier);
  let node = 0;
  for (;;) {
    const children = tree.children[node]!;
    if (children.length === 0) return tree.depth[node]! + 1;
    const u = rng.next();
    let acc = 0;
    let next = -1;
    for (const c of children) {
      acc += conditional[c]!;
      if (u < acc) {
        next = c;
        break;
      }
    }
    if (next < 0) return tree.depth[node]! + 1;
    node = next;
  }
}

/** Mean and standard error of `samples` sampled verifications. */
export function sampledAcceptedLength(tree: DraftTree, verifier: NodeDistributions, rng: Rng, samples: number): { mean: number; se: number } {
  if (!Number.isSafeInteger(samples) || samples < 2) throw new RangeError(`samples must be an integer >= 2, got ${samples}`);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < samples; i++) {
    const x = sampleVerifiedLength(tree, verifier, rng);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / samples;
  const variance = Math.max(0, (sumSq - samples * mean * mean) / (samples - 1));
  return { mean, se: Math.sqrt(variance / samples) };
}

/**
 * The ancestral estimate of X at one position (docs/conventions.md): given the verifier's own sampled
 * continuation x_{t+1}, x_{t+2}, … and the tree drafted at position t, X_t = 1 + the length of
 * the longest prefix of the continuation that is a path in the tree. Its mean over positions
 * estimates E[X] at no extra verifier cost.
 *
 * @example ancestralAcceptedLength(fromRankPaths([[0], [0, 0]]), [0, 1, 0]) // → 2
 */
export function ancestralAcceptedLength(tree: DraftTree, continuation: ArrayLike<number>): number {
  let node = 0;
  for (let i = 0; i < continuation.length; i++) {
    const t = continuation[i]!;
    let next = -1;
    for (const c of tree.children[node]!) {
      if (tree.token[c] === t) {
        next = c;
        break;
      }
    }
    if (next < 0) break;
    node = next;
  }
  return tree.depth[node]! + 1;
}

export interface AncestralLengths {
  /** X_t for each position t (1 + accepted tokens), from the sampled continuation. */
  readonly lengths: Int32Array;
  /**
   * 1 where the continuation ran out while the walk still had children to try (the sample ends
   * too early to know X_t; the value is then a lower bound). Drop these positions from means.
   */
  readonly censored: Uint8Array;
}

/**
 * The ancestral estimate along a whole sampled sequence: `trees[t]` is the tree drafted at
 * position t (after the prompt and sampled[0..t)), and X_t = 1 + the longest prefix of
 * sampled[t..] that is a path in trees[t]. The mean of the uncensored X_t estimates E[X] of the
 * drafter on the verifier's own distribution of prefixes, with no extra verifier calls.
 */
export function ancestralAcceptedLengths(trees: readonly DraftTree[], sampled: ArrayLike<number>): AncestralLengths {
  const lengths = new Int32Array(trees.length);
  const censored = new Uint8Array(trees.length);
  trees.forEach((tree, t) => {
    let node = 0;
    let i = t;
    for (; i < sampled.length; i++) {
      let next = -1;
      for (const c of tree.children[node]!) {
        if (tree.token[c] === sampled[i]) {
          next = c;
          break;
        }
      }
      if (next < 0) break;
      node = next;
    }
    lengths[t] = tree.depth[node]! + 1;
    if (i >= sampled.length && tree.children[node]!.length > 0) censored[t] = 1;
  });
  return { lengths, censored };
}
