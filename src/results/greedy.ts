/**
 * Greedy verification (temperature 0): every recorded verifier distribution is one-hot, so a
 * drafter tree's Σ P(v) over its first P nodes is exactly 1 + the number of them on the verifier's
 * greedy path, the X a real step would produce. Walking a sequence's positions as speculative
 * decoding does (t₀ = 0, t_{k+1} = t_k + X_{t_k}) gives the acceptance length an engine would
 * report for that drafter and budget (`tree/greedy-decoding.ts` runs it for real; a test checks
 * they agree), which differs from the average over all positions because a run skips the
 * positions inside accepted runs.
 */
import type { UnitRecord } from '../measure/records.js';
import type { GreedySection } from './adaptive-schema.js';

/** Budgets reported for greedy verification: the chain lengths engines run (k = P − 1 = 1..7, 11, 15) and larger trees up to P-max. */
export function greedyBudgets(PMax: number): number[] {
  return [2, 3, 4, 5, 6, 8, 12, 16, 32, 64, 128, 256].filter((P) => P <= PMax);
}

/** X at each tree position of a unit for one drafter and budget (undefined where the drafter was not measured). */
function valueAt(values: readonly number[], P: number): number {
  return values[Math.min(P, values.length) - 1]!;
}

/**
 * The steps of greedy speculative decoding along one unit: X of each step, starting at position
 * 0, while the position has a tree (trees at every position are needed; otherwise the walk stops
 * at the first position without one).
 */
export function decodingWalk(unit: UnitRecord, drafter: string, P: number): number[] {
  const byT = new Map<number, number[]>();
  for (const tree of unit.trees) {
    const v = tree.drafters[drafter];
    if (v !== undefined) byT.set(tree.t, v);
  }
  const steps: number[] = [];
  let t = 0;
  const n = unit.tokens.length;
  while (t < n) {
    const v = byT.get(t);
    if (v === undefined) break;
    const x = Math.round(valueAt(v, P));
    steps.push(x);
    t += x;
  }
  return steps;
}

/** Acceptance lengths of every measured drafter at the greedy budgets. */
export function greedySection(units: readonly UnitRecord[], PMax: number, treeEvery: number): GreedySection {
  const names = new Set<string>();
  for (const u of units) for (const tree of u.trees) for (const name of Object.keys(tree.drafters)) names.add(name);
  const rows: GreedySection['rows'] = [];
  for (const drafter of [...names].sort()) {
    for (const P of greedyBudgets(PMax)) {
      let sum = 0;
      let count = 0;
      for (const u of units) {
        for (const tree of u.trees) {
          const v = tree.drafters[drafter];
          if (v === undefined) continue;
          sum += valueAt(v, P);
          count++;
        }
      }
      if (count === 0) continue;
      let decoding: NonNullable<GreedySection['rows'][number]['decoding']> | undefined;
      if (treeEvery === 1) {
        const steps = units.flatMap((u) => decodingWalk(u, drafter, P));
        if (steps.length > 0) {
          const perPositionAcceptance = Array.from({ length: P - 1 }, (_, k) => steps.filter((x) => x - 1 >= k + 1).length / steps.length);
          decoding = { steps: steps.length, meanAcceptanceLength: steps.reduce((a, b) => a + b, 0) / steps.length, perPositionAcceptance };
        }
      }
      rows.push({ drafter, P, perPositionMean: sum / count, ...(decoding === undefined ? {} : { decoding }) });
    }
  }
  return { speedOfLight: 'P', rows };
}
