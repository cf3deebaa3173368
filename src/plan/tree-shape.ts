/**
 * The draft-tree shape to run at budget P, when all we know of the verifier is its mean entropy μ.
 *
 * Model (an estimate, labelled so): every node's children have the same ranked acceptance
 * probabilities p_1 ≥ p_2 ≥ …, taken geometric, p_r = (1 − θ)·θ^(r−1), with θ chosen so the law's
 * entropy equals μ. A static tree's value is then Σ over nodes of the product of the rank
 * probabilities along the node's path (Lemma 1 with the ranks as tokens), and the best static tree
 * of P nodes is the P rank paths of largest product: found best-first with a heap, pushing a
 * node's first child and its next sibling when it is taken. The result gives the EAGLE depth and
 * top_k, a chain-or-tree verdict, and the rank paths (Medusa / vLLM tree format, root implicit).
 */
import FlatQueue from 'flatqueue';
import { validateBudget, validateMu } from '../theory/index.js';

/** Entropy (nats) of the geometric law p_r = (1 − θ)θ^(r−1): −ln(1 − θ) − θ·ln θ/(1 − θ). */
export function geometricEntropy(theta: number): number {
  if (theta <= 0) return 0;
  if (theta >= 1) return Number.POSITIVE_INFINITY;
  return -Math.log(1 - theta) - (theta * Math.log(theta)) / (1 - theta);
}

/**
 * The θ whose geometric law has entropy μ (bisection; the entropy increases with θ).
 * @example geometricThetaForEntropy(geometricEntropy(0.3)) // ≈ 0.3
 */
export function geometricThetaForEntropy(mu: number): number {
  validateMu(mu);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (geometricEntropy(mid) < mu) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface TreeShape {
  /** P: nodes including the root. */
  readonly budget: number;
  /** `chain` when every node has at most one child. */
  readonly shape: 'chain' | 'tree';
  /** Longest root-to-leaf path in drafted tokens (EAGLE `depth`, SGLang `--speculative-num-steps`). */
  readonly depth: number;
  /** Most children of any node (EAGLE `top_k`, SGLang `--speculative-eagle-topk`). */
  readonly topK: number;
  /** The P − 1 drafted nodes as 0-based rank paths, breadth-first order (root implicit). */
  readonly rankPaths: number[][];
  /** Σ of path products + 1: E[X] of this static tree under the geometric model. */
  readonly expectedAccepted: number;
}

/** A chain of P − 1 drafted tokens: rank paths [[0], [0,0], …]. */
export function chainShape(P: number, expectedAccepted = Number.NaN): TreeShape {
  validateBudget(P);
  const rankPaths: number[][] = [];
  for (let d = 1; d < P; d++) rankPaths.push(new Array<number>(d).fill(0));
  return { budget: P, shape: 'chain', depth: P - 1, topK: P > 1 ? 1 : 0, rankPaths, expectedAccepted };
}

/** Depth, branching and value of a tree, without its node list (what latency models need). */
export interface TreeShapeSummary {
  readonly shape: 'chain' | 'tree';
  readonly depth: number;
  readonly topK: number;
  readonly expectedAccepted: number;
}

/**
 * Nested best static trees for every budget up to `maxBudget`: by Lemma 1 the best tree of budget
 * P is the first P − 1 nodes of one best-first enumeration, so one enumeration gives every P.
 */
export interface TreeShapeSequence {
  readonly maxBudget: number;
  summaryAt(P: number): TreeShapeSummary;
  shapeAt(P: number): TreeShape;
}

/**
 * One best-first enumeration of rank paths under rank probabilities p_r (decreasing; ranks past
 * the array's end have probability 0), to `maxBudget` nodes including the root.
 */
export function staticTreeSequence(maxBudget: number, rankProbabilities: Float64Array): TreeShapeSequence {
  validateBudget(maxBudget);
  // Candidate nodes in typed arrays: node 0 is the root; each pop pushes at most two candidates
  // (first child, next sibling), so 2·maxBudget + 1 slots suffice.
  const capacity = 2 * maxBudget + 1;
  const parent = new Int32Array(capacity);
  const rank = new Int32Array(capacity);
  const depth = new Int32Array(capacity);
  const value = new Float64Array(capacity);
  const children = new Int32Array(capacity);
  const order = new Int32Array(maxBudget); // popped candidates, best first
  const depthAt = new Int32Array(maxBudget + 1);
  const topKAt = new Int32Array(maxBudget + 1);
  const expectedAt = new Float64Array(maxBudget + 1);
  expectedAt[1] = 1;
  value[0] = 1;
  let size = 1;
  const queue = new FlatQueue<number>();
  const push = (par: number, r: number, v: number): void => {
    parent[size] = par;
    rank[size] = r;
    depth[size] = depth[par]! + 1;
    value[size] = v;
    queue.push(size, -v);
    size++;
  };
  const p0 = rankProbabilities[0] ?? 0;
  if (maxBudget > 1 && p0 > 0) push(0, 0, p0);
  let taken = 0;
  let maxDepth = 0;
  let topK = 0;
  let expected = 1;
  while (taken < maxBudget - 1 && queue.length > 0) {
    const node = queue.pop()!;
    order[taken++] = node;
    const v = value[node]!;
    expected += v;
    const par = parent[node]!;
    children[par]! += 1;
    if (depth[node]! > maxDepth) maxDepth = depth[node]!;
    if (children[par]! > topK) topK = children[par]!;
    const P = taken + 1;
    depthAt[P] = maxDepth;
    topKAt[P] = topK;
    expectedAt[P] = expected;
    if (p0 > 0) push(node, 0, v * p0);
    const r = rank[node]!;
    const next = rankProbabilities[r + 1];
    if (next !== undefined && next > 0) push(par, r + 1, (v / rankProbabilities[r]!) * next);
  }
  // Budgets beyond what the law can fill (every remaining node has probability 0) keep the last tree.
  const filled = taken + 1;
  const clampP = (P: number): number => {
    validateBudget(P);
    if (P > maxBudget) throw new RangeError(`budget ${P} beyond the enumerated ${maxBudget}`);
    return Math.min(P, filled);
  };
  const pathOf = (node: number): number[] => {
    const path = new Array<number>(depth[node]!);
    for (let n = node, i = path.length - 1; n !== 0; n = parent[n]!, i--) path[i] = rank[n]!;
    return path;
  };
  return {
    maxBudget,
    summaryAt(P) {
      const q = clampP(P);
      return { shape: topKAt[q]! <= 1 ? 'chain' : 'tree', depth: depthAt[q]!, topK: topKAt[q]!, expectedAccepted: expectedAt[q]! };
    },
    shapeAt(P) {
      const q = clampP(P);
      const rankPaths = Array.from(order.subarray(0, q - 1), pathOf).sort((a, b) => a.length - b.length || compareRanks(a, b));
      return { budget: P, shape: topKAt[q]! <= 1 ? 'chain' : 'tree', depth: depthAt[q]!, topK: topKAt[q]!, rankPaths, expectedAccepted: expectedAt[q]! };
    },
  };
}

/** The best static tree of P nodes under rank probabilities p_r (decreasing). */
export function bestStaticTree(P: number, rankProbabilities: Float64Array): TreeShape {
  return staticTreeSequence(P, rankProbabilities).shapeAt(P);
}

/** Chains for every budget (chain-only drafters, or no μ known). */
export function chainSequence(maxBudget: number): TreeShapeSequence {
  return {
    maxBudget,
    summaryAt: (P) => ({ shape: 'chain', depth: P - 1, topK: P > 1 ? 1 : 0, expectedAccepted: Number.NaN }),
    shapeAt: (P) => chainShape(P),
  };
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Geometric rank probabilities with entropy μ, truncated once they fall below 1e-12. */
export function geometricRankProbabilities(mu: number, maxRanks = 4096): Float64Array {
  return geometricRankProbabilitiesForTheta(geometricThetaForEntropy(mu), maxRanks);
}

/**
 * The geometric law whose best static tree of budget P has E[X] = `target` (1 < target < P):
 * a shape calibrated to a measured oracle value instead of to μ. E[X] falls as θ grows (θ → 0
 * is a deterministic chain with E[X] = P, θ → 1 spreads the mass so E[X] → 1), so bisection.
 */
export function treeSequenceForTarget(maxBudget: number, P: number, target: number): TreeShapeSequence {
  let lo = 1e-9;
  let hi = 1 - 1e-9;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const value = staticTreeSequence(P, geometricRankProbabilitiesForTheta(mid)).summaryAt(P).expectedAccepted;
    if (value > target) lo = mid;
    else hi = mid;
  }
  return staticTreeSequence(maxBudget, geometricRankProbabilitiesForTheta((lo + hi) / 2));
}

/** p_r = (1 − θ)θ^r for r = 0, 1, …, truncated once below 1e-12. */
export function geometricRankProbabilitiesForTheta(theta: number, maxRanks = 4096): Float64Array {
  const out: number[] = [];
  let p = 1 - theta;
  for (let r = 0; r < maxRanks && p > 1e-12; r++) {
    out.push(p);
    p *= theta;
  }
  return Float64Array.from(out);
}

/** The best static trees up to `maxBudget` nodes for a verifier of mean entropy μ under the geometric model. */
export function treeSequenceForEntropy(maxBudget: number, mu: number): TreeShapeSequence {
  return staticTreeSequence(maxBudget, geometricRankProbabilities(mu));
}
