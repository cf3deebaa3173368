/**
 * The temperature sweep: μ, μ₂ and the bounds at a fixed budget for sampling temperatures
 * 0.3 … 1.5, computed from the recorded distributions. A distribution recorded at temperature T
 * becomes the one at T' by `withTemperature(d, T'/T)` (p^(1/T') ∝ (p^(1/T))^(T/T')), exact for
 * complete distributions; top-k ones take their tail as spread evenly (see `distribution/temperature`).
 * The prefixes stay those sampled at T: the sweep shows how the same contexts would look at T'.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import { withTemperature } from '../distribution/temperature.js';
import { positionStatistics } from '../stats/position-statistics.js';
import { theoryAtEstimates } from './theory-at-estimates.js';

export const SWEEP_TEMPERATURES = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5];

export interface SweepRow {
  temperature: number;
  mu: number;
  mu2: number;
  theorem1: number;
  limit: number;
  P: number;
  iid?: number;
}

/** μ, μ₂, Theorem 1 and ln P/μ at budget `P` for each temperature, from distributions recorded at `recordedAt` (temperatures where no theory applies, μ = 0, are left out). */
export function temperatureSweep(distributions: readonly TokenDistribution[], recordedAt: number, P: number, temperatures = SWEEP_TEMPERATURES): SweepRow[] {
  if (distributions.length === 0) return [];
  return temperatures.flatMap((T) => {
    let mu = 0;
    let mu2 = 0;
    for (const d of distributions) {
      const s = positionStatistics(withTemperature(d, T / recordedAt));
      mu += s.entropy;
      mu2 += s.secondLogMoment;
    }
    mu /= distributions.length;
    mu2 /= distributions.length;
    // A deterministic model at this temperature (μ = 0) has no bound to show (theory-at-estimates.ts).
    const [row] = theoryAtEstimates({ mu, mu2 }, [P]);
    if (row === undefined) return [];
    // Complete distributions: ln P/μ is a point (low = high), clamped to [1, P].
    return [{ temperature: T, mu, mu2, theorem1: row.reported, limit: row.limit.low, P }];
  });
}
