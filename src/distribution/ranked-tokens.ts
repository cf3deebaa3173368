/**
 * The k most probable tokens of a distribution, in decreasing probability (ties: smaller id
 * first). Used by best-first tree enumeration (push a node's most probable child, then the next).
 * Dense input costs O(V + k log k): a quickselect finds the k-th largest log-probability, one pass
 * gathers the tokens above it, and only those k are sorted.
 */
import type { RankedTokens, TokenDistribution } from './distribution.js';

let scratch = new Float64Array(0);

/**
 * The `k` most probable tokens of `d` with their probabilities. Tokens of probability 0 are never
 * returned, so the result may be shorter than `k`; for a sparse distribution at most the listed
 * ids are returned (the tail's tokens are unknown).
 *
 * @example rankedTokens(fromLogits(new Float64Array([0, 2, 1])), 2) // → ids [1, 2]
 */
export function rankedTokens(d: TokenDistribution, k: number): RankedTokens {
  if (!(k >= 0)) throw new RangeError(`rankedTokens: k must be >= 0, got ${k}`);
  if (d.kind === 'sparse') {
    let n = Math.min(Math.floor(k), d.ids.length);
    while (n > 0 && !(d.logProbs[n - 1]! > -Infinity)) n--;
    const probs = new Float64Array(n);
    for (let i = 0; i < n; i++) probs[i] = Math.exp(d.logProbs[i]!);
    return { ids: d.ids.slice(0, n), probs };
  }
  const lp = d.logProbs;
  const V = lp.length;
  if (k >= 1 && k < 2) return argmax(lp);
  let positive = 0;
  for (let i = 0; i < V; i++) if (lp[i]! > -Infinity) positive++;
  const n = Math.min(Math.floor(k), positive);
  if (n === 0) return { ids: new Int32Array(0), probs: new Float64Array(0) };
  // Threshold t = the n-th largest log-probability.
  if (scratch.length < V) scratch = new Float64Array(V);
  const work = scratch;
  for (let i = 0; i < V; i++) work[i] = lp[i]!;
  const t = selectKthLargest(work, V, n);
  const ids = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < V; i++) if (lp[i]! > t) ids[m++] = i;
  for (let i = 0; i < V && m < n; i++) if (lp[i]! === t) ids[m++] = i;
  const sorted = Array.from(ids).sort((a, b) => lp[b]! - lp[a]! || a - b);
  const probs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = sorted[i]!;
    probs[i] = Math.exp(lp[sorted[i]!]!);
  }
  return { ids, probs };
}

/** The most probable token (smaller id on ties), or nothing when every probability is 0. */
function argmax(lp: Float64Array | Float32Array): RankedTokens {
  let best = -1;
  let max = -Infinity;
  for (let i = 0; i < lp.length; i++) {
    if (lp[i]! > max) {
      max = lp[i]!;
      best = i;
    }
  }
  if (best < 0) return { ids: new Int32Array(0), probs: new Float64Array(0) };
  return { ids: Int32Array.of(best), probs: Float64Array.of(Math.exp(max)) };
}

/** The k-th largest (1-based) of a[0..n), rearranging `a` (Hoare quickselect, median-of-three). */
function selectKthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1; // index in decreasing order
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}
