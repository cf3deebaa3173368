/**
 * The planner's ceiling for a verifier known only by (μ, μ₂): the simulated optimum E[X*](P) of
 * the paper's i.i.d. model (Assumption 2) on the law calibrated to (μ, μ₂) (`sim/calibrated-law`),
 * for every P ≤ P-max. docs/conventions.md: "the simulated i.i.d. optimum is the real ceiling under the
 * paper's model" (Theorem 1 is loose by ~1 + μ₂/μ in slope, and ln P/μ is not a bound).
 *
 * One enumeration of 2,000 seeded trees gives every P at once and takes ~0.1 s for P-max 1024, so
 * plan stays fast; results are cached per (μ, μ₂, P-max) for the life of the process (`plan
 * --batch` and the web page ask for the same ceiling many times).
 */
import { calibratedLaw } from '../sim/calibrated-law.js';
import { simulateIid } from '../sim/simulate-iid.js';
import type { EntropyStats } from '../theory/index.js';
import type { AcceptedCurve } from './accepted-curve.js';

/** Trees simulated for the ceiling (standard error ≈ 0.2 tokens at P = 1024 for Llama-3.1-8B's row). */
export const CEILING_TREES = 2000;
/** Seed of the ceiling's simulation (fixed: the same inputs give the same plan). */
export const CEILING_SEED = 1;

export interface IidCeiling extends AcceptedCurve {
  /** Monte Carlo standard error of each point (same order as `points`). */
  readonly se: readonly number[];
}

const cache = new Map<string, Promise<IidCeiling | undefined>>();

/**
 * E[X*](P) of the i.i.d. model for P = 1..PMax, or undefined when no law of the calibrated family
 * has these moments (then the caller falls back to Theorem 1 and says so).
 */
export function iidCeiling(stats: EntropyStats, PMax: number): Promise<IidCeiling | undefined> {
  const key = `${stats.mu}|${stats.mu2}|${PMax}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = simulateCeiling(stats, PMax);
    cache.set(key, hit);
  }
  return hit;
}

async function simulateCeiling(stats: EntropyStats, PMax: number): Promise<IidCeiling | undefined> {
  let law;
  try {
    law = calibratedLaw({ mu: stats.mu, mu2: stats.mu2 }, 'plan ceiling');
  } catch {
    return undefined;
  }
  const r = await simulateIid({ law, maxNodes: PMax, trees: CEILING_TREES, seed: CEILING_SEED, workers: 1 });
  const fmt = (x: number) => Number(x.toPrecision(4));
  return {
    name: 'iid',
    description: `simulated i.i.d. optimum E[X*](P) of the law calibrated to mu = ${fmt(stats.mu)}, mu2 = ${fmt(stats.mu2)} (${CEILING_TREES} trees, seed ${CEILING_SEED}): the speed-of-light of any drafter under the paper's model`,
    points: r.rows.map((row) => ({ P: row.P, expectedAccepted: Math.min(row.P, Math.max(1, row.mean)), kind: 'estimate' as const })),
    se: r.rows.map((row) => row.se),
  };
}
