/** Quantiles of a sample (R's type 7: linear interpolation between order statistics). */

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of the values of `sorted` (ascending, no NaN), by linear
 * interpolation between order statistics (R `quantile(type = 7)`, d3 `quantileSorted`).
 *
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // → 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  return lo + 1 < n ? a + (sorted[lo + 1]! - a) * (h - lo) : a;
}

/** Median of a non-empty list (the mean of the two middle values when the length is even). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
