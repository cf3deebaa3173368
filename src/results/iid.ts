/**
 * The i.i.d. branching-random-walk optimum from the recorded distributions: every node of the
 * token tree draws its child distribution uniformly from the bank of the verifier's recorded
 * next-token distributions (`sim/` empirical law, the paper's Assumption 2 fitted to this
 * workload), and the optimal tree's E[X*](P) is averaged over simulated trees (`simulateIid`).
 * The gap between this curve and the real oracle is how much the model's context dependence
 * matters.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import type { Curve } from './results-schema.js';
import { empiricalLaw } from '../sim/empirical-law.js';
import { simulateIid, type SimulateIidOptions, type SimulateIidResult } from '../sim/simulate-iid.js';
import { budgetGrid } from '../measure/budget-grid.js';

/** Simulations of fewer tree nodes than this run in the calling thread. */
export const WORKERS_FROM_NODES = 4_000_000;

export interface IidSettings {
  readonly PMax: number;
  readonly iidTrees: number;
  readonly seed: number;
  readonly keepTop: number;
}

/** The simulator called (tests pass a counting wrapper of `simulateIid`). */
export type Simulator = (options: SimulateIidOptions) => Promise<SimulateIidResult>;

/** E[X*](P) of the i.i.d. optimum for every P ≤ P-max (index P − 1), with standard errors. */
export async function simulateIidRows(
  bank: readonly TokenDistribution[],
  settings: IidSettings,
  trees = settings.iidTrees,
  simulate: Simulator = simulateIid,
): Promise<{ P: number; mean: number; se: number }[]> {
  if (bank.length === 0) return [];
  const law = empiricalLaw(bank, { keepTop: Math.max(settings.keepTop, settings.PMax), source: 'recorded distributions' });
  // Worker threads pay off only for big simulations (starting one costs about as much as ~10⁶ nodes).
  const workers = trees * settings.PMax >= WORKERS_FROM_NODES ? undefined : 1;
  const result = await simulate({ law, maxNodes: settings.PMax, trees, seed: settings.seed, ...(workers === undefined ? {} : { workers }) });
  return result.rows;
}

/** The i.i.d. optimum at the report's budgets. */
export async function simulateIidCurve(bank: readonly TokenDistribution[], settings: IidSettings, simulate: Simulator = simulateIid): Promise<Curve> {
  const rows = await simulateIidRows(bank, settings, settings.iidTrees, simulate);
  if (rows.length === 0) return [];
  return budgetGrid(settings.PMax).map((P) => {
    const row = rows[P - 1]!;
    return { P, mean: row.mean, se: row.se };
  });
}
