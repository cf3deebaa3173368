/**
 * The i.i.d. branching-random-walk optimum from the recorded distributions: every node of the
 * token tree draws its child distribution uniformly from the bank of the verifier's recorded
 * next-token distributions (`sim/` empirical law, the paper's Assumption 2 fitted to this
 * workload), and the optimal tree's E[X*](P) is averaged over simulated trees. The gap between
 * this curve and the real oracle is how much the model's context dependence matters.
 */
import { createRng } from '../core/rng.js';
import type { TokenDistribution } from '../dist/distribution.js';
import type { Curve } from '../report/report-schema.js';
import { BestFirstEnumerator } from '../sim/best-first-enumerator.js';
import { empiricalLaw } from '../sim/empirical-law.js';
import { budgetGrid } from './budget-grid.js';

/** Stream key of the i.i.d. simulation in `createRng(seed, IID_STREAM, tree)`, apart from the units' streams. */
export const IID_STREAM = 0x11d;

/** E[X*](P) of the i.i.d. optimum at the report's budgets, mean and standard error over `iidTrees` trees. */
export function simulateIidCurve(bank: readonly TokenDistribution[], config: { PMax: number; iidTrees: number; seed: number; keepTop: number }): Curve {
  if (bank.length === 0) return [];
  const law = empiricalLaw(bank, { keepTop: Math.max(config.keepTop, config.PMax), source: 'recorded distributions' });
  const PMax = config.PMax;
  const sampler = law.createSampler(PMax);
  const enumerator = new BestFirstEnumerator(PMax);
  const cumulative = new Float64Array(PMax);
  const sum = new Float64Array(PMax);
  const sumSq = new Float64Array(PMax);
  for (let tree = 0; tree < config.iidTrees; tree++) {
    enumerator.run(sampler, createRng(config.seed, IID_STREAM, tree), cumulative, PMax);
    for (let i = 0; i < PMax; i++) {
      const x = cumulative[i]!;
      sum[i]! += x;
      sumSq[i]! += x * x;
    }
  }
  const n = config.iidTrees;
  return budgetGrid(PMax).map((P) => {
    const mean = sum[P - 1]! / n;
    const variance = Math.max(0, (sumSq[P - 1]! - n * mean * mean) / (n - 1));
    return { P, mean, se: Math.sqrt(variance / n) };
  });
}
