/**
 * Interpolated Kneser-Ney (Chen & Goodman 1998, §3.5, one discount per order) over the counts of
 * ngram-counts.ts. For a context whose last n−1 tokens are h (h′ = h without its first token):
 *
 *   p_n(w | h) = max(a(h w) − D_n, 0) / Σ_v a(h v)  +  γ(h) · p_{n−1}(w | h′),
 *   γ(h)      = D_n · N₁₊(h •) / Σ_v a(h v),
 *
 * where a = raw counts c at the model's top order and continuation counts N₁₊(• g) below it,
 * N₁₊(h •) = number of distinct w with a(h w) > 0, and p_n(w | h) = p_{n−1}(w | h′) when h was
 * never seen. The recursion ends at p_0(w) = 1/V (with `uniformFloor`; every token gets p > 0)
 * or, without it, at an unsmoothed level: the first level n ≤ `lowestOrder` whose context has
 * continuations uses D_n = 0, e.g. p_1(w) = a(w) / Σ a, so tokens never seen there get p = 0
 * exactly (with `lowestOrder` 2: every token never seen after the previous one). Discounts default to D_n = n₁ / (n₁ + 2 n₂) from the numbers
 * of n-grams with adjusted count 1 and 2 (Ney, Essen & Kneser 1994). BOS is never predicted by
 * the count levels (only the uniform floor gives it mass).
 */
import type { CountArray, NgramCounts } from './ngram-counts.js';
import { findChild } from './ngram-counts.js';
import { BOS_ID } from './tokenizer.js';

export interface KneserNeyOptions {
  /** Model order N (≤ the order of the counts). */
  readonly order: number;
  /** End the recursion at the uniform distribution (every token > 0) instead of the raw unigram level. */
  readonly uniformFloor: boolean;
  /** D_1 … D_N; estimated from the counts when absent. */
  readonly discounts?: readonly number[];
  /**
   * Without the floor: the recursion stops at the first level n ≤ lowestOrder whose context has
   * continuations, unsmoothed there (default 1: the unigram level).
   */
  readonly lowestOrder?: number;
}

export class KneserNeyModel {
  readonly order: number;
  readonly vocabSize: number;
  readonly uniformFloor: boolean;
  readonly lowestOrder: number;
  /** D_n for n = 1 … order (index n − 1); without the floor the bottom level uses 0 instead. */
  readonly discounts: Float64Array;
  private readonly counts: NgramCounts;
  /** Adjusted counts a(·) used at each level: continuation counts below the top, raw counts at it. */
  private readonly used: CountArray[];
  /** Scratch: context node of each order during `probabilities`. */
  private readonly contextNodes: Int32Array;

  constructor(counts: NgramCounts, options: KneserNeyOptions) {
    if (!Number.isInteger(options.order) || options.order < 1 || options.order > counts.order) {
      throw new RangeError(`order must be an integer in 1..${counts.order}, got ${options.order}`);
    }
    this.counts = counts;
    this.order = options.order;
    this.vocabSize = counts.vocabSize;
    this.uniformFloor = options.uniformFloor;
    this.used = [];
    for (let n = 1; n <= this.order; n++) {
      const level = counts.levels[n - 1]!;
      const used = n === this.order ? level.count : level.continuation;
      if (used.length !== level.token.length) {
        throw new RangeError(`the counts lack the ${n === this.order ? 'raw' : 'continuation'} counts of level ${n} that an order-${this.order} model needs`);
      }
      this.used.push(used);
    }
    this.discounts = new Float64Array(this.order);
    for (let n = 1; n <= this.order; n++) {
      const given = options.discounts?.[n - 1];
      this.discounts[n - 1] = given ?? estimateDiscount(this.used[n - 1]!);
    }
    this.lowestOrder = options.lowestOrder ?? 1;
    if (!Number.isInteger(this.lowestOrder) || this.lowestOrder < 1 || this.lowestOrder > this.order) {
      throw new RangeError(`lowestOrder must be an integer in 1..${this.order}, got ${this.lowestOrder}`);
    }
    this.contextNodes = new Int32Array(this.order + 1);
  }

  /**
   * Writes p(w | context) for every token w into `out` (length V). Only the last order − 1
   * tokens of `context` matter.
   *
   * Evaluated top-down: p_N = α_N + γ_N (α_{N−1} + γ_{N−1}(… + γ_1 p_0)), so each level adds its
   * discounted counts with weight Π_{m>n} γ_m and the cost is O(V + children) rather than
   * O(order · V).
   */
  probabilities(context: readonly number[], out: Float64Array): void {
    const nodes = this.contextNodes;
    this.contextNodesOf(context, nodes);
    this.probabilitiesAt(nodes, out);
  }

  /**
   * Fills `nodes[n]` (n = 2 … order) with the trie node of the context of order n (the last n − 1
   * tokens of `context`), −1 when unseen or longer than the context; nodes[0], nodes[1] = −1
   * (the root). A context containing an unseen one is unseen too.
   */
  contextNodesOf(context: readonly number[], nodes: Int32Array): void {
    const length = context.length;
    nodes.fill(-1);
    const maxOrder = Math.min(this.order, length + 1);
    for (let n = 2; n <= maxOrder; n++) {
      let node = -1;
      for (let k = 1; k < n && (k === 1 || node >= 0); k++) node = findChild(this.counts, k, node, context[length - n + k]!);
      if (node < 0) break;
      nodes[n] = node;
    }
  }

  /**
   * The context nodes after appending `token` to a context whose nodes are `parent`: the order-n
   * context is the order-(n−1) one followed by `token`, one child lookup per order.
   */
  childContextNodes(parent: Int32Array, token: number, nodes: Int32Array): void {
    nodes[0] = -1;
    nodes[1] = -1;
    for (let n = 2; n <= this.order; n++) {
      const above = parent[n - 1]!;
      nodes[n] = n === 2 ? findChild(this.counts, 1, -1, token) : above >= 0 ? findChild(this.counts, n - 1, above, token) : -1;
    }
  }

  /** p(w | context) for the context whose nodes (from `contextNodesOf`) are `nodes`. */
  probabilitiesAt(nodes: Int32Array, out: Float64Array): void {
    const levels = this.counts.levels;
    let longest = 1;
    while (longest < this.order && nodes[longest + 1]! >= 0) longest++;
    out.fill(0);
    let weight = 1;
    for (let n = longest; n >= 1; n--) {
      let from = 0;
      let to: number;
      if (n === 1) to = levels[0]!.token.length;
      else {
        const starts = levels[n - 2]!.childStart;
        from = starts[nodes[n]!]!;
        to = starts[nodes[n]! + 1]!;
      }
      const used = this.used[n - 1]!;
      const tokens = levels[n - 1]!.token;
      let total = 0;
      let distinct = 0;
      for (let j = from; j < to; j++) {
        const a = n === 1 && tokens[j] === BOS_ID ? 0 : used[j]!; // BOS is never predicted
        total += a;
        if (a > 0) distinct++;
      }
      if (total === 0) continue; // p_n = p_{n−1}
      const bottom = !this.uniformFloor && n <= this.lowestOrder;
      const discount = bottom ? 0 : this.discounts[n - 1]!;
      const scale = weight / total;
      for (let j = from; j < to; j++) {
        const a = n === 1 && tokens[j] === BOS_ID ? 0 : used[j]!;
        if (a > discount) out[tokens[j]!]! += scale * (a - discount);
      }
      weight *= (discount * distinct) / total;
      if (bottom) break;
    }
    if (this.uniformFloor && weight > 0) {
      const floor = weight / this.vocabSize;
      for (let w = 0; w < out.length; w++) out[w]! += floor;
    }
  }
}

/**
 * D = n₁ / (n₁ + 2 n₂) over the nonzero adjusted counts, kept within [0.05, 0.95] so that every
 * level passes some mass down (with the floor, every token keeps p > 0) and keeps some of its own
 * (tiny corpora where no count is 1 or 2 would give 0 or 1); 0.5 when neither 1 nor 2 occurs.
 */
export function estimateDiscount(adjustedCounts: CountArray): number {
  let n1 = 0;
  let n2 = 0;
  for (let j = 0; j < adjustedCounts.length; j++) {
    const a = adjustedCounts[j];
    if (a === 1) n1++;
    else if (a === 2) n2++;
  }
  if (n1 + 2 * n2 === 0) return 0.5;
  return Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2)));
}
