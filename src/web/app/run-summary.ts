/**
 * What the runs list shows for each run at a budget P the user picks: the real oracle E[X*](P),
 * the best drafter at P and its share of the oracle. Pure functions (tested in node).
 */
import { curvePointAt, curveValueAt } from '../../report/figures.js';

export interface CurvePoint {
  readonly P: number;
  readonly mean: number;
}

/** The `/api/runs` summary of one run directory (src/web/runs.ts). */
export interface RunSummary {
  readonly name: string;
  readonly resultsFile: string;
  readonly target: string;
  readonly draft: string | null;
  readonly prompts: string;
  readonly mu: number;
  readonly positions: number;
  readonly PMax: number;
  readonly oracle: readonly CurvePoint[];
  readonly drafters: Readonly<Record<string, readonly CurvePoint[]>>;
  readonly modified: string;
  readonly files: readonly string[];
}

export interface RunAtP {
  /** The budget the values are read at: the largest measured budget ≤ the one asked for. */
  readonly P: number | undefined;
  readonly oracle: number | undefined;
  /** The drafter with the largest E[X] at P; ties go to the name first in alphabetical order. */
  readonly bestDrafter: string | undefined;
  readonly bestDrafterValue: number | undefined;
  /** bestDrafterValue / oracle. */
  readonly share: number | undefined;
}

export function runAtP(run: Pick<RunSummary, 'oracle' | 'drafters'>, P: number): RunAtP {
  const oracleAt = curvePointAt(run.oracle, P);
  const oracle = oracleAt?.mean;
  let bestDrafter: string | undefined;
  let bestDrafterValue: number | undefined;
  for (const name of Object.keys(run.drafters).sort()) {
    const v = curveValueAt(run.drafters[name], P);
    if (v !== undefined && (bestDrafterValue === undefined || v > bestDrafterValue)) {
      bestDrafter = name;
      bestDrafterValue = v;
    }
  }
  return {
    P: oracleAt?.P,
    oracle,
    bestDrafter,
    bestDrafterValue,
    share: oracle === undefined || bestDrafterValue === undefined ? undefined : bestDrafterValue / oracle,
  };
}
