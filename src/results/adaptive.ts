/**
 * The adaptive-budget analysis of a run (issue 16), per task and overall: from each tree
 * position's recorded oracle curve E[X*_t](P) (P = 1..P-max) the adaptive oracle's throughput
 * (`adaptive/dinkelbach.ts`), the best fixed P's, the gain with sequence-bootstrap intervals, and
 * the adaptive drafters' threshold sweeps from what the drafter recorded about itself
 * (`adaptive/drafter-policies.ts`). Sequences are units, as for μ.
 */
import { createRng } from '../core/rng.js';
import { adaptiveGain } from '../adaptive/adaptive-gain.js';
import { AdaptiveProblem, curveAt } from '../adaptive/dinkelbach.js';
import { adaptiveDrafterSweeps, type DrafterPosition } from '../adaptive/drafter-policies.js';
import type { LatencyCurve } from '../adaptive/latency-curve.js';
import { budgetGrid } from '../measure/budget-grid.js';
import type { UnitRecord } from '../measure/records.js';
import type { AdaptiveSection, AdaptiveSummary } from './adaptive-schema.js';

/** Resamples of the adaptive bootstrap (each reruns Dinkelbach; 400 keeps a report under a second or two). */
export const ADAPTIVE_RESAMPLES = 400;

/** The adaptive summary of one set of units, or undefined when they hold no tree positions. */
export function adaptiveSummary(units: readonly UnitRecord[], latency: LatencyCurve, seed: number, resamples = ADAPTIVE_RESAMPLES): AdaptiveSummary | undefined {
  const curves: number[][] = [];
  const sequenceOf: number[] = [];
  const drafterPositions: DrafterPosition[] = [];
  units.forEach((u, s) => {
    for (const tree of u.trees) {
      curves.push(tree.oracle);
      sequenceOf.push(s);
      const own = tree.drafterOwn;
      const q = tree.drafters['q-greedy'];
      const chain = tree.drafters.chain;
      drafterPositions.push({
        sequence: s,
        ...(own !== undefined && q !== undefined ? { qGreedy: { value: q, Q: own.qGreedyQ } } : {}),
        ...(own !== undefined && chain !== undefined ? { chain: { value: chain, entropy: own.chainEntropy } } : {}),
      });
    }
  });
  if (curves.length === 0) return undefined;
  const PMax = Math.min(latency.costs.length, Math.max(...curves.map((c) => c.length)));
  const costs = latency.costs.slice(0, PMax);
  const problem = new AdaptiveProblem(curves, sequenceOf, costs);
  const sweeps = adaptiveDrafterSweeps(drafterPositions, costs);
  const gain = adaptiveGain(problem, createRng(seed, 0xada9), resamples, sweeps.map((s) => s.bestColumns));
  const fixedSums = problem.fixedSums();
  const fixedCurve = budgetGrid(PMax).map((P) => {
    const meanTokens = fixedSums.tokens[P - 1]! / fixedSums.positions;
    return { P, meanTokens, meanBudget: P, throughput: meanTokens / costs[P - 1]! };
  });
  const drafters: AdaptiveSummary['drafters'] = {};
  sweeps.forEach((s, i) => {
    const best = s.points[s.best]!;
    drafters[s.name] = {
      points: s.points,
      best: { ...best, throughputCi95: gain.extraCi95[i]! },
      ...(s.calibratedLambda === undefined ? {} : { calibratedLambda: s.calibratedLambda }),
    };
  });
  const fixedDrafters: NonNullable<AdaptiveSummary['fixedDrafters']> = {};
  const names = new Set<string>();
  for (const u of units) for (const tree of u.trees) for (const name of Object.keys(tree.drafters)) names.add(name);
  for (const name of [...names].sort()) {
    const rows = units.flatMap((u) => u.trees.map((t) => t.drafters[name]).filter((v): v is number[] => v !== undefined));
    if (rows.length === 0) continue;
    let best: { P: number; meanTokens: number; throughput: number } | undefined;
    for (let P = 1; P <= PMax; P++) {
      let sum = 0;
      for (const v of rows) sum += curveAt(v, P);
      const meanTokens = sum / rows.length;
      const throughput = meanTokens / costs[P - 1]!;
      if (best === undefined || throughput > best.throughput) best = { P, meanTokens, throughput };
    }
    const curve = budgetGrid(PMax).map((P) => {
      let sum = 0;
      for (const v of rows) sum += curveAt(v, P);
      return { P, meanBudget: P, meanTokens: sum / rows.length, throughput: sum / rows.length / costs[P - 1]! };
    });
    fixedDrafters[name] = { ...best!, curve };
  }
  return {
    positions: gain.positions,
    sequences: gain.sequences,
    fixed: gain.fixed,
    adaptive: gain.adaptive,
    gain: gain.gain,
    fixedCurve,
    frontier: gain.frontier,
    drafters,
    fixedDrafters,
  };
}

/** Overall and per task. */
export function adaptiveSection(units: readonly UnitRecord[], latency: LatencyCurve, seed: number): AdaptiveSection | undefined {
  const overall = adaptiveSummary(units, latency, seed);
  if (overall === undefined) return undefined;
  const tasks: AdaptiveSection['tasks'] = {};
  for (const task of [...new Set(units.map((u) => u.task))]) {
    const sub = adaptiveSummary(units.filter((u) => u.task === task), latency, seed);
    if (sub !== undefined) tasks[task] = sub;
  }
  return { latency: { label: latency.label, unit: latency.unit, description: latency.description }, overall, tasks };
}
