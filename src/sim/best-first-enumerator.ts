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
 * may, for sampled laws, until its store has grown to size).
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
  private readonly heapRank: Int32Array;
  private heapSize = 0;

  constructor(maxNodes: number) {
    if (!(Number.isSafeInteger(maxNodes) && maxNodes >= 1)) throw new RangeError(`maxNodes must be a positive integer, got ${maxNodes}`);
    this.maxNodes = maxNodes;
    this.nodePriority = new Float64Array(maxNodes);
    this.nodeValue = new Float64Array(maxNodes);
    this.nodeDistribution = new Int32Array(maxNodes);
    this.nodeDepth = new Int32Array(maxNodes);
    this.heapPriority = new Float64Array(maxNodes + 2);
    this.heapParent = new Int32Array(maxNodes + 2);
    this.heapRank = new Int32Array(maxNodes + 2);
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
    sampler.reset();
    this.heapSize = 0;
    nodePriority[0] = 1;
    nodeValue[0] = 1;
    nodeDepth[0] = 0;
    cumulative[0] = 1;
    if (depthCounts !== undefined) depthCounts[0]! += 1;
    if (nodes === 1) return;
    nodeDistribution[0] = sampler.draw(rng);
    this.push(this.childPriority(sampler, 0, 0), 0, 0);
    let sum = 1;
    for (let i = 1; i < nodes; i++) {
      // Take the most promising candidate: child `rank` of `parent`.
      const priority = this.heapPriority[0]!;
      const parent = this.heapParent[0]!;
      const rank = this.heapRank[0]!;
      const d = nodeDistribution[parent]!;
      const length = sampler.lengths[d]!;
      const childValue = rank < length ? sampler.valueProbs[sampler.offsets[d]! + rank]! : sampler.tailValueProbs[d]!;
      const value = nodeValue[parent]! * childValue;
      nodePriority[i] = priority;
      nodeValue[i] = value;
      const depth = nodeDepth[parent]! + 1;
      nodeDepth[i] = depth;
      sum += value;
      cumulative[i] = sum;
      if (depthCounts !== undefined) depthCounts[depth]! += 1;
      // New candidates: its next sibling, and (if the tree grows further) its own first child.
      // The larger replaces the top of the heap (one sift down instead of a pop and a push).
      const hasSibling = rank + 1 < length + sampler.tailCounts[d]!;
      const siblingPriority = hasSibling ? this.childPriority(sampler, parent, rank + 1) : 0;
      if (i + 1 < nodes) {
        nodeDistribution[i] = sampler.draw(rng);
        const firstChildPriority = this.childPriority(sampler, i, 0);
        if (!hasSibling) {
          this.replaceTop(firstChildPriority, i, 0);
        } else if (firstChildPriority >= siblingPriority) {
          this.replaceTop(firstChildPriority, i, 0);
          this.push(siblingPriority, parent, rank + 1);
        } else {
          this.replaceTop(siblingPriority, parent, rank + 1);
          this.push(firstChildPriority, i, 0);
        }
      } else if (hasSibling) {
        this.replaceTop(siblingPriority, parent, rank + 1);
      } else {
        this.popTop();
      }
    }
  }

  /** Drafting priority Q(parent)·q of child `rank` of node `parent` (the child must exist). */
  private childPriority(sampler: ChildSampler, parent: number, rank: number): number {
    const d = this.nodeDistribution[parent]!;
    const q = rank < sampler.lengths[d]! ? sampler.rankProbs[sampler.offsets[d]! + rank]! : sampler.tailRankProbs[d]!;
    return this.nodePriority[parent]! * q;
  }

  /** Adds a candidate to the heap (sift the hole up from the end). */
  private push(priority: number, parent: number, rank: number): void {
    const heapPriority = this.heapPriority;
    const heapParent = this.heapParent;
    const heapRank = this.heapRank;
    let at = this.heapSize++;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (heapPriority[up]! >= priority) break;
      heapPriority[at] = heapPriority[up]!;
      heapParent[at] = heapParent[up]!;
      heapRank[at] = heapRank[up]!;
      at = up;
    }
    heapPriority[at] = priority;
    heapParent[at] = parent;
    heapRank[at] = rank;
  }

  /** Removes the top of the heap. */
  private popTop(): void {
    const size = --this.heapSize;
    if (size > 0) this.replaceTop(this.heapPriority[size]!, this.heapParent[size]!, this.heapRank[size]!);
  }

  /** Replaces the top of the heap by a candidate (sift the hole down from the top). */
  private replaceTop(priority: number, parent: number, rank: number): void {
    const heapPriority = this.heapPriority;
    const heapParent = this.heapParent;
    const heapRank = this.heapRank;
    const size = this.heapSize;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && heapPriority[right]! > heapPriority[child]!) child = right;
      if (heapPriority[child]! <= priority) break;
      heapPriority[at] = heapPriority[child]!;
      heapParent[at] = heapParent[child]!;
      heapRank[at] = heapRank[child]!;
      at = child;
    }
    heapPriority[at] = priority;
    heapParent[at] = parent;
    heapRank[at] = rank;
  }
}
