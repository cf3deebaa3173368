/**
 * The fast best-first enumerator of one i.i.d. token tree (Lemma 1 with the lazy scheme described in src/tree/optimal-tree.ts).
 *
 * Nodes leave a max-heap in decreasing order of drafting priority (Q(v) = Π q along the path; for
 * a verifier-only law Q = P, the oracle tree). When a node is taken, its child distribution is
 * drawn from the law and only its first child is pushed; when the k-th child of a parent is
 * taken, the (k+1)-th is pushed. The heap therefore never holds more than P + 1 entries, the cost
 * is O(P log P) per tree whatever the vocabulary, and the first P nodes taken are the optimal tree
 * of budget P for every P ≤ maxNodes at once. The value of each node is its verifier probability
 * P(v) = Π p, and E[X](P) of the tree is the sum of the first P values (the root counts: P(root) = 1).
 *
 * Everything lives in typed arrays allocated once; a tree allocates nothing (the law's sampler
 * may, for sampled laws, until its store has grown to size). A sampler with lazy ranks (see
 * `ChildSampler.drawTop`) is asked for child k + 1 of a node just before its priority is read.
 *
 * Speed (issue 18; bench/sim.bench.ts against the same algorithm in C): the heap, the law lookups
 * and the node bookkeeping are one loop over local variables, not methods reading fields, and a
 * heap entry is (priority, parent) with the candidate's rank kept per node (each node has at most
 * one child in the heap), so a sift moves two arrays, not three. Heap order and ties are those of
 * the textbook binary heap this replaced, so seeded results are unchanged bit for bit.
 */
import type { Rng } from '../core/rng.js';
import type { ChildSampler } from './child-law.js';

export class BestFirstEnumerator {
  /** Largest tree (nodes including the root) this enumerator builds. */
  readonly maxNodes: number;
  private readonly nodePriority: Float64Array;
  private readonly nodeValue: Float64Array;
  private readonly nodeDistribution: Int32Array;
  private readonly nodeDepth: Int32Array;
  // The heap: candidate "child `rank` of node `parent`" with priority Q(parent)·q(child).
  private readonly heapPriority: Float64Array;
  private readonly heapParent: Int32Array;
  /** The rank of node v's child that is v's candidate in the heap (a node has at most one at a time). */
  private readonly nodeNextRank: Int32Array;

  constructor(maxNodes: number) {
    if (!(Number.isSafeInteger(maxNodes) && maxNodes >= 1)) throw new RangeError(`maxNodes must be a positive integer, got ${maxNodes}`);
    this.maxNodes = maxNodes;
    this.nodePriority = new Float64Array(maxNodes);
    this.nodeValue = new Float64Array(maxNodes);
    this.nodeDistribution = new Int32Array(maxNodes);
    this.nodeDepth = new Int32Array(maxNodes);
    this.heapPriority = new Float64Array(maxNodes + 2);
    this.heapParent = new Int32Array(maxNodes + 2);
    this.nodeNextRank = new Int32Array(maxNodes);
  }

  /**
   * Builds one tree of `nodes` (≤ maxNodes) nodes. Writes `cumulative[i]` = Σ of the first i + 1
   * node values (E[X] of this tree at budget P = i + 1). When `depthCounts` is given, adds 1 to
   * `depthCounts[depth]` for every node of the tree (depthCounts must have `nodes` entries).
   */
  run(sampler: ChildSampler, rng: Rng, cumulative: Float64Array, nodes = this.maxNodes, depthCounts?: Float64Array): void {
    if (nodes > this.maxNodes || nodes < 1) throw new RangeError(`nodes must be in [1, ${this.maxNodes}], got ${nodes}`);
    const nodePriority = this.nodePriority;
    const nodeValue = this.nodeValue;
    const nodeDistribution = this.nodeDistribution;
    const nodeDepth = this.nodeDepth;
    const heapPriority = this.heapPriority;
    const heapParent = this.heapParent;
    const nodeNextRank = this.nodeNextRank;
    sampler.reset();
    nodePriority[0] = 1;
    nodeValue[0] = 1;
    nodeDepth[0] = 0;
    cumulative[0] = 1;
    if (depthCounts !== undefined) depthCounts[0]! += 1;
    if (nodes === 1) return;
    const lazy = sampler.drawTop !== undefined && sampler.exposeRank !== undefined;
    nodeDistribution[0] = lazy ? sampler.drawTop!(rng) : sampler.draw(rng);
    // The sampler's arrays, read after every draw (a sampled law may replace them).
    let rankProbs = sampler.rankProbs;
    let valueProbs = sampler.valueProbs;
    let offsets = sampler.offsets;
    let lengths = sampler.lengths;
    let tailCounts = sampler.tailCounts;
    let tailRankProbs = sampler.tailRankProbs;
    let tailValueProbs = sampler.tailValueProbs;
    let verifierOnly = valueProbs === rankProbs && tailValueProbs === tailRankProbs;
    {
      const d0 = nodeDistribution[0];
      heapPriority[0] = 0 < lengths[d0]! ? rankProbs[offsets[d0]!]! : tailRankProbs[d0]!;
      heapParent[0] = 0;
      nodeNextRank[0] = 0;
    }
    let size = 1;
    let sum = 1;
    for (let i = 1; i < nodes; i++) {
      // Take the most promising candidate: child `rank` of `parent`.
      const priority = heapPriority[0];
      const parent: number = heapParent[0];
      const rank = nodeNextRank[parent]!;
      const d = nodeDistribution[parent]!;
      const length = lengths[d]!;
      const offset = offsets[d]!;
      // A verifier-only law values a node by its priority (P = Q: the same products of the same arrays).
      const value = verifierOnly ? priority : nodeValue[parent]! * (rank < length ? valueProbs[offset + rank]! : tailValueProbs[d]!);
      nodePriority[i] = priority;
      nodeValue[i] = value;
      sum += value;
      cumulative[i] = sum;
      if (depthCounts !== undefined) {
        const depth = nodeDepth[parent]! + 1;
        nodeDepth[i] = depth;
        depthCounts[depth]! += 1;
      }
      // New candidates: its next sibling, and (if the tree grows further) its own first child.
      // The larger replaces the top of the heap (one sift down instead of a pop and a push).
      const next = rank + 1;
      const hasSibling = next < length + tailCounts[d]!;
      if (lazy && next < length) sampler.exposeRank!(d, next);
      const siblingPriority = hasSibling ? nodePriority[parent]! * (next < length ? rankProbs[offset + next]! : tailRankProbs[d]!) : 0;
      // (topPriority, topParent) replaces the top; (pushPriority, pushParent) is pushed if pushParent >= 0 (ranks live in nodeNextRank).
      let topPriority: number;
      let topParent: number;
      let pushPriority = 0;
      let pushParent = -1;
      if (i + 1 < nodes) {
        const di = lazy ? sampler.drawTop!(rng) : sampler.draw(rng);
        nodeDistribution[i] = di;
        rankProbs = sampler.rankProbs;
        valueProbs = sampler.valueProbs;
        offsets = sampler.offsets;
        lengths = sampler.lengths;
        tailCounts = sampler.tailCounts;
        tailRankProbs = sampler.tailRankProbs;
        tailValueProbs = sampler.tailValueProbs;
        verifierOnly = valueProbs === rankProbs && tailValueProbs === tailRankProbs;
        const firstChildPriority = priority * (0 < lengths[di]! ? rankProbs[offsets[di]!]! : tailRankProbs[di]!);
        if (!hasSibling || firstChildPriority >= siblingPriority) {
          topPriority = firstChildPriority;
          topParent = i;
          if (hasSibling) {
            pushPriority = siblingPriority;
            pushParent = parent;
          }
        } else {
          topPriority = siblingPriority;
          topParent = parent;
          pushPriority = firstChildPriority;
          pushParent = i;
        }
        // Node i's first child and parent's next child are its candidates (each node has at most one).
        nodeNextRank[i] = 0;
        nodeNextRank[parent] = next;
      } else if (hasSibling) {
        topPriority = siblingPriority;
        topParent = parent;
        nodeNextRank[parent] = next;
      } else {
        // Pop: the last entry replaces the top.
        size--;
        if (size === 0) continue;
        topPriority = heapPriority[size]!;
        topParent = heapParent[size]!;
      }
      // Replace the top (sift the hole down from the top).
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        const right = child + 1;
        if (right < size && heapPriority[right]! > heapPriority[child]!) child = right;
        if (heapPriority[child]! <= topPriority) break;
        heapPriority[at] = heapPriority[child]!;
        heapParent[at] = heapParent[child]!;
        at = child;
      }
      heapPriority[at] = topPriority;
      heapParent[at] = topParent;
      if (pushParent >= 0) {
        // Push (sift the hole up from the end).
        at = size++;
        while (at > 0) {
          const up = (at - 1) >> 1;
          if (heapPriority[up]! >= pushPriority) break;
          heapPriority[at] = heapPriority[up]!;
          heapParent[at] = heapParent[up]!;
          at = up;
        }
        heapPriority[at] = pushPriority;
        heapParent[at] = pushParent;
      }
    }
  }
}
