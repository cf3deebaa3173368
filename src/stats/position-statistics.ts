/**
 * The one per-position estimator: what one position (the verifier's next-token distribution p
 * and, with a drafter, its q at the same prefix) contributes to μ, μ₂, μ_CE and π₀ (docs/conventions.md,
 * "The quantities"). Every path that estimates these quantities goes through
 * `positionStatistics`: `measure` stores its result per position in the unit records
 * (`measure/records.ts`), `StatsAccumulator.add` (and so `specbound stats` on a trace) and the
 * temperature sweep call it. Change how μ is estimated here, and only here.
 *
 * Complete (dense) p gives points; top-k (sparse) p gives [tail concentrated, tail spread]
 * intervals for H and Σ p (ln p)² (`distribution/tail-shapes.ts`), with the low end as the
 * estimate. The result is JSON-safe (a cross-entropy that is undefined is null, not NaN), so the
 * records hold exactly what this function returned.
 */
import { z } from 'zod';
import { crossEntropyIntervals, crossEntropyTerms } from '../distribution/cross-entropy.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { denseSums } from '../distribution/exp-sums.js';
import { entropyInterval, secondLogMomentInterval } from '../distribution/moments.js';

export const PositionStatisticsSchema = z.object({
  /** H(p) = −Σ p ln p in nats (the low end, tail concentrated, for top-k p). */
  entropy: z.number(),
  /** High end of H(p) (tail spread evenly); = entropy for complete p. */
  entropyHigh: z.number(),
  /** Σ p (ln p)² in nats² (low end for top-k p). */
  secondLogMoment: z.number(),
  secondLogMomentHigh: z.number(),
  /** Mass p does not list (top-k); 0 for complete p. */
  tailMass: z.number(),
  /** With a drafter: −Σ_{q>0} p ln q / Σ_{q>0} p; null when q covers none of p. */
  crossEntropy: z.number().nullable().optional(),
  /** With a drafter: Σ p·1(q = 0). */
  missingMass: z.number().optional(),
  /**
   * With a drafter, when p or q is top-k: the ends of μ_CE's and π₀'s terms over every tail
   * (`crossEntropyIntervals`); `crossEntropy`/`missingMass` are then the listed-tokens values
   * clamped into them. crossEntropyHigh null = unbounded (a top-k q may be tiny on an unlisted token).
   */
  crossEntropyLow: z.number().optional(),
  crossEntropyHigh: z.number().nullable().optional(),
  missingMassLow: z.number().optional(),
  missingMassHigh: z.number().optional(),
});
export type PositionStatistics = z.infer<typeof PositionStatisticsSchema>;

/** The statistics of one position: p the verifier's distribution, q the drafter's at the same prefix (optional). */
export function positionStatistics(p: TokenDistribution, q?: TokenDistribution): PositionStatistics {
  if (p.kind === 'dense' && (q === undefined || (q.kind === 'dense' && q.logProbs.length === p.logProbs.length))) {
    return denseStatistics(p.logProbs, q?.logProbs);
  }
  const [entropy, entropyHigh] = entropyInterval(p);
  const [secondLogMoment, secondLogMomentHigh] = secondLogMomentInterval(p);
  const out: PositionStatistics = { entropy, entropyHigh, secondLogMoment, secondLogMomentHigh, tailMass: p.kind === 'sparse' ? p.tailMass : 0 };
  if (q === undefined) return out;
  const ce = crossEntropyTerms(p, q);
  if (p.kind === 'dense' && (q.kind === 'dense' || !(q.tailMass > 0))) {
    return { ...out, crossEntropy: Number.isFinite(ce.crossEntropy) ? ce.crossEntropy : null, missingMass: ce.missingMass };
  }
  // Top-k p or q: the listed-tokens value says nothing about the tail; keep the ends over every tail.
  const iv = crossEntropyIntervals(p, q);
  if (Number.isNaN(iv.crossEntropy[0]) && !Number.isNaN(ce.crossEntropy)) iv.crossEntropy.splice(0, 2, ce.crossEntropy, ce.crossEntropy);
  const clamp = (x: number, [lo, hi]: [number, number]) => (Number.isNaN(x) ? lo : Math.min(hi, Math.max(lo, x)));
  const point = clamp(ce.crossEntropy, iv.crossEntropy);
  const defined = !Number.isNaN(point);
  return {
    ...out,
    crossEntropy: defined ? point : null,
    ...(defined ? { crossEntropyLow: iv.crossEntropy[0], crossEntropyHigh: Number.isFinite(iv.crossEntropy[1]) ? iv.crossEntropy[1] : null } : {}),
    missingMass: clamp(ce.missingMass, iv.missingMass),
    missingMassLow: iv.missingMass[0],
    missingMassHigh: iv.missingMass[1],
  };
}

/**
 * Complete p (and complete q): H, Σ p (ln p)² and the cross-entropy terms in ONE pass with one
 * exponential per token, instead of a pass and an exponential per quantity (entropyInterval,
 * secondLogMomentInterval, crossEntropyTerms). Each sum is the same expression accumulated in the
 * same order as in those functions, so the results are identical to the bit (tested). The pass runs
 * in WebAssembly SIMD (`distribution/exp-sums.ts`, the same numbers to the bit: V8's exp algorithm,
 * the same additions in the same order), else in `denseStatisticsLoop`.
 */
function denseStatistics(lp: Float64Array | Float32Array, lq: Float64Array | Float32Array | undefined): PositionStatistics {
  const sums = denseSums(lp, lq);
  if (sums === undefined) return denseStatisticsLoop(lp, lq);
  return completeStatistics(sums.entropy, sums.second, lq === undefined ? undefined : sums);
}

/** The statistics of a complete p (point values, no tail) from its sums, with μ_CE's when q was given. */
function completeStatistics(entropy: number, second: number, ce: { num: number; covered: number; missing: number } | undefined): PositionStatistics {
  const point = { entropy, entropyHigh: entropy, secondLogMoment: second, secondLogMomentHigh: second, tailMass: 0 };
  if (ce === undefined) return point;
  const crossEntropy = ce.covered > 0 ? ce.num / ce.covered : Number.NaN;
  return { ...point, crossEntropy: Number.isFinite(crossEntropy) ? crossEntropy : null, missingMass: ce.missing };
}

/** `denseStatistics` in JavaScript (one Math.exp per token): where WebAssembly SIMD is missing, and the kernel's reference. */
export function denseStatisticsLoop(lp: Float64Array | Float32Array, lq: Float64Array | Float32Array | undefined): PositionStatistics {
  const n = lp.length;
  let entropy = 0;
  let second = 0;
  if (lq === undefined) {
    for (let i = 0; i < n; i++) {
      const l = lp[i]!;
      if (l > -Infinity) {
        const e = Math.exp(l);
        entropy -= e * l;
        second += e * l * l;
      }
    }
    return completeStatistics(entropy, second, undefined);
  }
  let num = 0;
  let covered = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const l = lp[i]!;
    if (!(l > -Infinity)) continue;
    const e = Math.exp(l);
    entropy -= e * l;
    second += e * l * l;
    const m = lq[i]!;
    if (m > -Infinity) {
      num -= e * m;
      covered += e;
    } else missing += e;
  }
  return completeStatistics(entropy, second, { num, covered, missing });
}
