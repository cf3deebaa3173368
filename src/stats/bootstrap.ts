/**
 * Percentile bootstrap over sequences for ratio estimators Σ_s aₛ / Σ_s bₛ (sequence sums a over
 * position counts b). Resampling whole sequences keeps the dependence between positions of one
 * generated sequence inside each resample: positions are NOT independent draws, so resampling
 * positions would understate the error.
 */
import type { Rng } from '../core/rng.js';
import { quantileSorted } from './quantile.js';

/** One ratio to bootstrap: per-sequence numerators and denominators (same length, same order). */
export interface RatioColumns {
  readonly numerators: Float64Array;
  readonly denominators: Float64Array;
}

/**
 * 95% percentile intervals [2.5%, 97.5%] of Σ a′ / Σ b′ (sums over the resampled sequences) over `resamples` resamples of the
 * sequences with replacement, for each ratio; all ratios share the same resampled sequences.
 * Resamples whose denominator is 0 are skipped. With fewer than 2 sequences the interval is the
 * point estimate (a sequence bootstrap cannot see any spread).
 */
export function bootstrapRatioIntervals(columns: readonly RatioColumns[], rng: Rng, resamples = 1000): [number, number][] {
  const m = columns[0]?.numerators.length ?? 0;
  const point = columns.map((c) => ratio(sum(c.numerators), sum(c.denominators)));
  if (m < 2 || resamples < 2) return point.map((p) => [p, p]);
  const draws = columns.map(() => new Float64Array(resamples));
  const a = new Float64Array(columns.length);
  const b = new Float64Array(columns.length);
  for (let r = 0; r < resamples; r++) {
    a.fill(0);
    b.fill(0);
    for (let i = 0; i < m; i++) {
      const s = rng.int(m);
      for (let c = 0; c < columns.length; c++) {
        a[c]! += columns[c]!.numerators[s]!;
        b[c]! += columns[c]!.denominators[s]!;
      }
    }
    for (let c = 0; c < columns.length; c++) draws[c]![r] = ratio(a[c]!, b[c]!);
  }
  return draws.map((d, c) => {
    const finite = d.filter((v) => !Number.isNaN(v)).sort();
    if (finite.length === 0) return [point[c]!, point[c]!];
    return [quantileSorted(finite, 0.025), quantileSorted(finite, 0.975)];
  });
}

function sum(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

/**
 * 95% percentile intervals of any statistics of sequence-clustered data, by the same resampling as
 * `bootstrapRatioIntervals`: each resample draws m sequences with replacement, and `statistic`
 * receives how often each sequence was drawn (weights[s] ∈ {0, 1, 2, …}, Σ = m) and returns the
 * statistics of that resample (NaN = undefined in that resample, skipped). For statistics that
 * are not ratios of sums, such as the throughput of the best adaptive policy (`adaptive/`).
 * With fewer than 2 sequences every interval is the statistic of the data itself.
 */
export function bootstrapWeightedIntervals(
  sequences: number,
  statistic: (weights: Float64Array) => readonly number[],
  rng: Rng,
  resamples = 1000,
): [number, number][] {
  const ones = new Float64Array(sequences).fill(1);
  const point = statistic(ones);
  if (sequences < 2 || resamples < 2) return point.map((p) => [p, p]);
  const draws = point.map(() => new Float64Array(resamples));
  const weights = new Float64Array(sequences);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < sequences; i++) weights[rng.int(sequences)]! += 1;
    const values = statistic(weights);
    for (let c = 0; c < point.length; c++) draws[c]![r] = values[c] ?? Number.NaN;
  }
  return draws.map((d, c) => {
    const finite = d.filter((v) => !Number.isNaN(v)).sort();
    if (finite.length === 0) return [point[c]!, point[c]!];
    return [quantileSorted(finite, 0.025), quantileSorted(finite, 0.975)];
  });
}
