/**
 * The gain of adaptivity on a run's positions: the best fixed budget's throughput, the adaptive
 * oracle's (Dinkelbach, `dinkelbach.ts`), their ratio, each with a 95% interval from the sequence
 * bootstrap that μ uses (`stats/bootstrap.ts`: whole sequences resampled, so the dependence of
 * positions within a sequence stays inside each resample), and the adaptive oracle's frontier
 * (throughput against mean budget as λ sweeps) for the figure.
 */
import type { Rng } from '../core/rng.js';
import { bootstrapWeightedIntervals, type RatioColumns } from '../stats/bootstrap.js';
import { pointOf, type AdaptiveProblem, type PolicyPoint } from './dinkelbach.js';

export interface IntervalEstimate {
  readonly estimate: number;
  readonly ci95: [number, number];
}

export interface FrontierPoint extends PolicyPoint {
  /** The price of time λ the policy maximised f − λ·T at (R* for the Dinkelbach point). */
  readonly lambda: number;
}

export interface AdaptiveGain {
  readonly positions: number;
  readonly sequences: number;
  /** Best fixed budget: its P, throughput (tokens per unit of T) with CI, and E[X] there. */
  readonly fixed: { readonly P: number; readonly meanTokens: number; readonly throughput: IntervalEstimate };
  /** Best adaptive policy knowing p: R* with CI, and its mean budget and tokens per step. */
  readonly adaptive: { readonly meanBudget: number; readonly meanTokens: number; readonly iterations: number; readonly throughput: IntervalEstimate };
  /** R* / best fixed throughput (≥ 1 in every resample: a fixed P is one of the policies). */
  readonly gain: IntervalEstimate;
  /** The adaptive oracle's policies at λ = R*·2^(k/4), k = −16..16, and λ = 0: throughput against mean budget. */
  readonly frontier: FrontierPoint[];
  /** Intervals of the extra ratios Σ numerators / Σ denominators, from the same resamples (paired). */
  readonly extraCi95: [number, number][];
}

/** λ values of the frontier: R*·2^(k/4) for k = −16..16, plus 0 (the largest useful budgets). */
export function frontierLambdas(lambdaStar: number): number[] {
  const out = [0];
  for (let k = -16; k <= 16; k++) out.push(lambdaStar * 2 ** (k / 4));
  return out;
}

/** The gain of adaptivity with sequence-bootstrap intervals (`resamples` draws from `rng`). */
export function adaptiveGain(problem: AdaptiveProblem, rng: Rng, resamples = 1000, extraRatios: readonly RatioColumns[] = []): AdaptiveGain {
  const star = problem.dinkelbach();
  const fixed = problem.bestFixed();
  // A fixed P is one of the adaptive policies, so R* >= the best fixed throughput; the two are summed
  // in different orders, and a difference in the last bits must not read as a negative gain.
  const adaptiveOf = (a: number, b: number) => Math.max(a, b);
  const starPoint = pointOf(star.policy);
  const [fixedCi, adaptiveCi, gainCi, ...extraCi95] = bootstrapWeightedIntervals(
    problem.sequences,
    (weights) => {
      const b = problem.bestFixed(weights).throughput;
      const a = adaptiveOf(problem.dinkelbach(weights).lambda, b);
      return [b, a, a / b, ...extraRatios.map((c) => weightedRatio(c, weights))];
    },
    rng,
    resamples,
  );
  const frontier = frontierLambdas(star.lambda).map((lambda) => ({ lambda, ...pointOf(problem.policyAt(lambda)) }));
  return {
    positions: problem.positions,
    sequences: problem.sequences,
    fixed: { P: fixed.P, meanTokens: fixed.meanTokens, throughput: { estimate: fixed.throughput, ci95: fixedCi! } },
    adaptive: { meanBudget: starPoint.meanBudget, meanTokens: starPoint.meanTokens, iterations: star.iterations, throughput: { estimate: adaptiveOf(star.lambda, fixed.throughput), ci95: adaptiveCi! } },
    gain: { estimate: adaptiveOf(star.lambda, fixed.throughput) / fixed.throughput, ci95: gainCi! },
    frontier,
    extraCi95,
  };
}

function weightedRatio(c: RatioColumns, weights: Float64Array): number {
  let a = 0;
  let b = 0;
  for (let s = 0; s < weights.length; s++) {
    const w = weights[s]!;
    if (w === 0) continue;
    a += w * c.numerators[s]!;
    b += w * c.denominators[s]!;
  }
  return b > 0 ? a / b : Number.NaN;
}
