/**
 * Lemma 1 (Pankratov & Alistarh §3): the draft tree of budget P that maximises E[X] is the P nodes
 * of largest path probability P(v); E[X*](P) = Σ of those P(v). Best-first enumeration with a
 * max-heap yields the nodes in that order, so one pass to Pmax gives E[X*](P) for every P ≤ Pmax.
 *
 * Lazy (docs/conventions.md): taking a node pushes only its most probable child; taking the k-th child of a
 * parent pushes the (k+1)-th. Every node waiting in the heap is therefore the best child of its
 * parent not yet taken, and the heap holds at most one entry per taken node, plus one.
 *
 * Model calls are batched without changing the result: the sequential algorithm needs a taken
 * node's distribution before it can push that node's first child, so when a taken node's
 * distribution is missing, the distributions of the best few waiting candidates are requested in
 * the same call (they are the likeliest next nodes). Distributions depend only on the path, so
 * fetching early never changes which node comes next.
 *
 * Ties (equal ln P(v) exactly) are broken deterministically: shallower first, then smaller token
 * id, then the candidate created first.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import type { DistributionCallOptions, TreeSession } from '../models/model.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from './draft-tree.js';
import { CandidateHeap } from './candidate-heap.js';
import { RankedChildren } from './ranked-children.js';

export interface OptimalTreeOptions {
  /**
   * Distributions requested per model call: the taken node plus the best waiting candidates,
   * fetched speculatively. 1 = strictly one node per call. Default 8.
   */
  readonly batchSize?: number;
  /** Optional cap on node depth (root 0); Infinity by default (Lemma 1 has no cap). */
  readonly maxDepth?: number;
  /**
   * Stop before the first node whose ln P(v) is below this (the tree then has fewer than pMax
   * nodes): a confidence threshold on the enumerated model's path probability. None by default.
   */
  readonly minLogProbability?: number;
  readonly signal?: AbortSignal;
  /** Called after each node is taken. */
  readonly onProgress?: (nodes: number, pMax: number) => void;
}

export interface OptimalTreeResult {
  /** The optimal tree of budget `size` (= Pmax unless the model's support ran out). */
  readonly tree: DraftTree;
  /** P(v) of node i under the enumerated model; nodes come in decreasing P(v). */
  readonly pathProbabilities: Float64Array;
  /** expectedAcceptedLengths[P − 1] = E[X*](P) = Σ of the first P node probabilities, for P = 1..size. */
  readonly expectedAcceptedLengths: Float64Array;
  /** Calls to `session.expand`. */
  readonly modelCalls: number;
  /** Distributions requested, including speculative ones never used. */
  readonly requestedDistributions: number;
}

export const DEFAULT_OPTIMAL_TREE_BATCH = 8;

/**
 * The Lemma 1 optimal tree of up to `pMax` nodes (root included) under the model behind
 * `session` (the verifier for the oracle tree, a drafter's q for the q-greedy tree).
 * Open the session with `openTreeSession(model, prefix)`.
 *
 * @example (await buildOptimalTree(session, 64)).expectedAcceptedLengths[7] // E[X*](8)
 */
export async function buildOptimalTree(session: TreeSession, pMax: number, options: OptimalTreeOptions = {}): Promise<OptimalTreeResult> {
  if (!Number.isSafeInteger(pMax) || pMax < 1) throw new RangeError(`buildOptimalTree: pMax must be an integer >= 1, got ${pMax}`);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_OPTIMAL_TREE_BATCH));
  const maxDepth = options.maxDepth ?? Infinity;
  const callOptions: DistributionCallOptions = options.signal === undefined ? {} : { signal: options.signal };

  // Taken nodes (tree order).
  const nodes: DraftNodeSpec[] = [];
  const nodeLogProb: number[] = [0];
  const nodeDepth: number[] = [0];
  const nodeSession: number[] = [0];
  const nodeChildren: (RankedChildren | undefined)[] = [new RankedChildren(session.root)];

  // Candidates: the best untaken child of some taken node.
  const cParent: number[] = [];
  const cRank: number[] = [];
  const cToken: number[] = [];
  const cLogProb: number[] = [];
  const cDepth: number[] = [];
  const cSession: number[] = [];
  const cDistribution: (TokenDistribution | undefined)[] = [];
  // Max-heap order: larger ln P(v), then shallower, then smaller token id, then created first.
  const heap = new CandidateHeap((a, b) => {
    const la = cLogProb[a]!;
    const lb = cLogProb[b]!;
    if (la !== lb) return la > lb;
    return (cDepth[a]! - cDepth[b]! || cToken[a]! - cToken[b]! || a - b) < 0;
  });

  const pushChild = (parent: number, k: number): void => {
    if (nodeDepth[parent]! >= maxDepth) return;
    const ranked = nodeChildren[parent]!;
    const token = ranked.token(k);
    if (token < 0) return;
    const lp = nodeLogProb[parent]! + ranked.logProb(k);
    const c = cParent.length;
    cParent.push(parent);
    cRank.push(k);
    cToken.push(token);
    cLogProb.push(lp);
    cDepth.push(nodeDepth[parent]! + 1);
    cSession.push(-1);
    cDistribution.push(undefined);
    heap.push(c);
  };

  let modelCalls = 0;
  let requested = 0;
  const fetch = async (c: number): Promise<void> => {
    const batch = [c];
    const popped: number[] = [];
    // Look at most 4·batchSize entries deep: the top of the heap is mostly prefetched already.
    while (batch.length < batchSize && popped.length < 4 * batchSize && heap.length > 0) {
      const x = heap.pop();
      popped.push(x);
      if (cSession[x]! < 0 && cDepth[x]! < maxDepth) batch.push(x);
    }
    for (const x of popped) heap.push(x);
    const results = await session.expand(
      batch.map((x) => ({ parent: nodeSession[cParent[x]!]!, token: cToken[x]! })),
      callOptions,
    );
    modelCalls++;
    requested += batch.length;
    if (results.length !== batch.length) throw new Error(`tree session returned ${results.length} nodes for ${batch.length} requests`);
    batch.forEach((x, i) => {
      cSession[x] = results[i]!.node;
      cDistribution[x] = results[i]!.distribution;
    });
  };

  pushChild(0, 0);
  const minLogProbability = options.minLogProbability ?? -Infinity;
  while (nodes.length + 1 < pMax && heap.length > 0) {
    if (cLogProb[heap.peek()]! < minLogProbability) break;
    const c = heap.pop();
    const v = nodes.length + 1;
    const parent = cParent[c]!;
    nodes.push({ parent, token: cToken[c]!, rank: cRank[c]!, score: cLogProb[c]! });
    nodeLogProb.push(cLogProb[c]!);
    nodeDepth.push(cDepth[c]!);
    options.onProgress?.(v + 1, pMax);
    pushChild(parent, cRank[c]! + 1);
    if (v + 1 >= pMax) break;
    if (nodeDepth[v]! < maxDepth) {
      if (cSession[c]! < 0) await fetch(c);
      nodeSession.push(cSession[c]!);
      nodeChildren.push(new RankedChildren(cDistribution[c]!));
      cDistribution[c] = undefined;
      pushChild(v, 0);
    } else {
      nodeSession.push(-1);
      nodeChildren.push(undefined);
    }
  }

  const tree = createDraftTree(nodes);
  const pathProbabilities = new Float64Array(tree.size);
  const expectedAcceptedLengths = new Float64Array(tree.size);
  let sum = 0;
  for (let i = 0; i < tree.size; i++) {
    pathProbabilities[i] = Math.exp(nodeLogProb[i]!);
    sum += pathProbabilities[i]!;
    expectedAcceptedLengths[i] = sum;
  }
  return { tree, pathProbabilities, expectedAcceptedLengths, modelCalls, requestedDistributions: requested };
}
