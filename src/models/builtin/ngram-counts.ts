/**
 * N-gram counts of a token stream as a sorted trie on typed arrays: everything the Kneser-Ney
 * estimator needs, compact enough to cache on disk and map back without parsing.
 *
 * Level n (1 … order) holds every distinct n-gram g in lexicographic order of token ids, which
 * is the order of (node of g's first n−1 tokens, last token). The children of a level-(n−1)
 * node h (the n-grams h·w) are the contiguous range `childStart[h] … childStart[h+1]` of level
 * n, sorted by w, so a lookup is a binary search. The root (the empty context, level 0) has every
 * level-1 node as child.
 *
 * Per n-gram: `count` = c(g), its number of occurrences; `continuation` (levels below the top)
 * = the Kneser-Ney adjusted count: N₁₊(• g), the number of distinct tokens seen before g, or
 * c(g) when g starts with BOS (nothing can precede BOS, as in KenLM), and 0 for the unigram BOS
 * itself (BOS is never predicted).
 *
 * The stream is documents `BOS t₁ … t_k EOS` back to back; no n-gram crosses a document end.
 *
 * Counting sorts every position by the `order` tokens that start there (LSD radix sort), so the
 * n-grams of every level are runs of consecutive sorted positions, and one pass in that order
 * yields every level's nodes, counts, children ranges and continuation counts.
 */
import { BOS_ID, EOS_ID } from './tokenizer.js';

export type TokenArray = Uint8Array | Uint16Array;
export type CountArray = Uint16Array | Uint32Array;

export interface NgramLevel {
  /** Last token of each n-gram at this level. */
  readonly token: TokenArray;
  /** c(g); may be dropped (empty) by `compactCounts` at levels no model uses it. */
  readonly count: CountArray;
  /** Kneser-Ney adjusted count (see file comment); empty at the top level. */
  readonly continuation: CountArray;
  /** Children of node j at the next level: [childStart[j], childStart[j+1]); empty at the top level. */
  readonly childStart: Uint32Array;
}

export interface NgramCounts {
  readonly order: number;
  readonly vocabSize: number;
  /** levels[n − 1] holds the n-grams. */
  readonly levels: readonly NgramLevel[];
}

/** Counts all n-grams up to `order` in `stream` (see the file comment for the layout). */
export function countNgrams(stream: Uint16Array, order: number, vocabSize: number): NgramCounts {
  if (!Number.isInteger(order) || order < 1 || order > 255) throw new RangeError(`order must be an integer in 1..255, got ${order}`);
  const length = stream.length;
  for (let i = 0; i < length; i++) {
    if (stream[i]! >= vocabSize) throw new RangeError(`token ${stream[i]} at ${i} is outside the vocabulary of ${vocabSize}`);
  }
  // validLength[i]: how many tokens the n-grams starting at i may have (stop after EOS, at the end, at order).
  const validLength = new Uint8Array(length);
  let nextEos = length;
  for (let i = length - 1; i >= 0; i--) {
    if (stream[i] === EOS_ID) nextEos = i;
    const toEnd = nextEos < length ? nextEos - i + 1 : length - i;
    validLength[i] = Math.min(order, toEnd);
  }
  const sorted = sortPositions(stream, validLength, order, vocabSize);
  // Per sorted index: the n-gram's valid length, its shared prefix with the previous one, and
  // the token before it (for continuation counts; none at a document start).
  const lengthAt = new Uint8Array(length);
  const commonPrefix = new Uint8Array(length);
  const previousAt = new Int32Array(length);
  for (let k = 0; k < length; k++) {
    const b = sorted[k]!;
    const len = validLength[b]!;
    lengthAt[k] = len;
    previousAt[k] = b > 0 && stream[b - 1] !== EOS_ID && stream[b] !== BOS_ID ? stream[b - 1]! : -1;
    if (k === 0) continue;
    const a = sorted[k - 1]!;
    const limit = Math.min(validLength[a]!, len);
    let d = 0;
    while (d < limit && stream[a + d] === stream[b + d]) d++;
    commonPrefix[k] = d;
  }
  // A level-n node starts at sorted index k when commonPrefix[k] < n ≤ lengthAt[k].
  const nodeCount = new Int32Array(order + 1);
  for (let k = 0; k < length; k++) {
    const len = lengthAt[k]!;
    for (let n = commonPrefix[k]! + 1; n <= len; n++) nodeCount[n]!++;
  }
  const tokens: Uint16Array[] = [];
  const counts: Uint32Array[] = [];
  const continuations: Uint32Array[] = [];
  const childStarts: Uint32Array[] = [];
  const startsWithBos: Uint8Array[] = [];
  for (let n = 1; n <= order; n++) {
    tokens.push(new Uint16Array(nodeCount[n]!));
    counts.push(new Uint32Array(nodeCount[n]!));
    continuations.push(new Uint32Array(n < order ? nodeCount[n]! : 0));
    childStarts.push(new Uint32Array(n < order ? nodeCount[n]! + 1 : 0));
    startsWithBos.push(new Uint8Array(nodeCount[n]!));
  }
  // One pass in sorted order: the occurrences of each n-gram g are consecutive, so N₁₊(• g) is
  // the number of distinct tokens before them, counted with one "last node seen" stamp per
  // (level, token).
  const current = new Int32Array(order + 1).fill(-1);
  const seenBefore = new Int32Array(order * vocabSize).fill(-1);
  for (let k = 0; k < length; k++) {
    const i = sorted[k]!;
    const len = lengthAt[k]!;
    for (let n = commonPrefix[k]! + 1; n <= len; n++) {
      const id = ++current[n]!;
      tokens[n - 1]![id] = stream[i + n - 1]!;
      startsWithBos[n - 1]![id] = stream[i] === BOS_ID ? 1 : 0;
      if (n < order) childStarts[n - 1]![id] = current[n + 1]! + 1;
    }
    const previous = previousAt[k]!;
    for (let n = 1; n <= len; n++) {
      const node = current[n]!;
      counts[n - 1]![node]!++;
      if (previous >= 0 && n < order) {
        const stamp = (n - 1) * vocabSize + previous;
        if (seenBefore[stamp] !== node) {
          seenBefore[stamp] = node;
          continuations[n - 1]![node]!++;
        }
      }
    }
  }
  for (let n = 1; n < order; n++) childStarts[n - 1]![nodeCount[n]!] = nodeCount[n + 1]!;

  const levels: NgramLevel[] = [];
  for (let n = 1; n <= order; n++) {
    const continuation = continuations[n - 1]!;
    const bos = startsWithBos[n - 1]!;
    const count = counts[n - 1]!;
    for (let j = 0; j < continuation.length; j++) if (bos[j] === 1) continuation[j] = count[j]!;
    if (n === 1 && n < order) {
      const token = tokens[0]!;
      for (let j = 0; j < token.length; j++) if (token[j] === BOS_ID) continuation[j] = 0;
    }
    levels.push({ token: tokens[n - 1]!, count, continuation, childStart: childStarts[n - 1]! });
  }
  return { order, vocabSize, levels };
}

/**
 * Positions sorted by the (up to `order`) tokens starting there, shorter first on ties: LSD radix
 * sort, several tokens per pass (digit = token + 1, 0 past the n-gram's end).
 */
function sortPositions(stream: Uint16Array, validLength: Uint8Array, order: number, vocabSize: number): Int32Array {
  const length = stream.length;
  const base = vocabSize + 1;
  const perPass = Math.max(1, Math.floor(Math.log(65536) / Math.log(base) + 1e-9));
  let from = new Int32Array(length);
  for (let i = 0; i < length; i++) from[i] = i;
  let to = new Int32Array(length);
  const digits = new Uint32Array(length); // this pass's digit of each position, computed in position order
  for (let end = order; end > 0; end -= perPass) {
    const start = Math.max(0, end - perPass);
    let buckets = 1;
    for (let d = start; d < end; d++) buckets *= base;
    const histogram = new Uint32Array(buckets + 1);
    for (let i = 0; i < length; i++) {
      const len = validLength[i]!;
      let key = 0;
      for (let d = start; d < end; d++) key = key * base + (d < len ? stream[i + d]! + 1 : 0);
      digits[i] = key;
      histogram[key + 1]!++;
    }
    for (let b = 0; b < buckets; b++) histogram[b + 1]! += histogram[b]!;
    for (let k = 0; k < length; k++) {
      const i = from[k]!;
      to[histogram[digits[i]!]!++] = i;
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Keeps what the models need and narrows the arrays: raw counts only at the levels in
 * `rawCountLevels` (each model's top order), 8-bit tokens when the vocabulary allows, 16-bit
 * counts where they fit.
 */
export function compactCounts(counts: NgramCounts, rawCountLevels: readonly number[]): NgramCounts {
  const narrowTokens = counts.vocabSize <= 256;
  return {
    order: counts.order,
    vocabSize: counts.vocabSize,
    levels: counts.levels.map((level, index) => ({
      token: narrowTokens ? Uint8Array.from(level.token) : level.token,
      count: rawCountLevels.includes(index + 1) ? narrowCounts(level.count) : new Uint16Array(0),
      continuation: narrowCounts(level.continuation),
      childStart: level.childStart,
    })),
  };
}

function narrowCounts(a: CountArray): CountArray {
  let max = 0;
  for (let j = 0; j < a.length; j++) if (a[j]! > max) max = a[j]!;
  return max < 65536 && a instanceof Uint32Array ? Uint16Array.from(a) : a;
}

/** Node id of the child `token` of `parent` at `level` (1-based; the parent is the root when level = 1), or −1. */
export function findChild(counts: NgramCounts, level: number, parent: number, token: number): number {
  const tokens = counts.levels[level - 1]!.token;
  let lo = 0;
  let hi = tokens.length;
  if (level > 1) {
    const starts = counts.levels[level - 2]!.childStart;
    lo = starts[parent]!;
    hi = starts[parent + 1]!;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = tokens[mid]!;
    if (t === token) return mid;
    if (t < token) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}
