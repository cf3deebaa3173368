/**
 * A small valid report.json built in code against ReportSchema (the run-directory contract), so
 * the planner's tests do not depend on a measurement run. The curves are hand-made but keep the
 * properties real runs have: 1 ≤ E[X] ≤ P, oracle ≥ every drafter, i.i.d. optimum ≤ Theorem 1.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReportSchema, type Report } from '../../src/results/results-schema.js';
import { limitEstimate, reportedBound } from '../../src/theory/index.js';

export const FIXTURE_STATS = { mu: 0.683, mu2: 2.96 };
export const FIXTURE_BUDGETS = [1, 2, 4, 8, 16, 32, 64];
export const ORACLE = [1, 1.8, 2.9, 3.9, 4.8, 5.6, 6.3];
export const CHAIN = [1, 1.7, 2.4, 2.9, 3.1, 3.2, 3.25];
export const IID = [1, 1.75, 2.7, 3.6, 4.5, 5.3, 6.0];

const estimate = (v: number) => ({ estimate: v, ci95: [v * 0.95, v * 1.05] as [number, number], interval: [v, v] as [number, number] });
const curve = (values: readonly number[]) => FIXTURE_BUDGETS.map((P, i) => ({ P, mean: values[i]!, se: 0.01 }));

export function fixtureReport(): Report {
  const overall = { positions: 2000, sequences: 40, mu: estimate(FIXTURE_STATS.mu), mu2: estimate(FIXTURE_STATS.mu2), tailMass: 0 };
  return ReportSchema.parse({
    version: 1,
    generator: 'specbound test fixture',
    config: { target: 'llama2c:fixture.bin', draft: 'llama2c-skip:fixture.bin#layers=0', prompts: 'builtin', samples: 4, maxNewTokens: 64, temperature: 1, PMax: 64, seed: 1 },
    stats: { overall, tasks: { story: overall } },
    curves: {
      oracle: curve(ORACLE),
      iid: curve(IID),
      theorem1: FIXTURE_BUDGETS.map((P) => ({ P, mean: reportedBound(FIXTURE_STATS, P).value })),
      limit: FIXTURE_BUDGETS.map((P) => ({ P, mean: limitEstimate(FIXTURE_STATS.mu, P) })),
      drafters: { chain: curve(CHAIN) },
    },
  });
}

/** Writes the fixture as `DIR/report.json` in a fresh temporary folder and returns DIR. */
export async function writeFixtureRun(report: Report = fixtureReport()): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-plan-run-'));
  await writeFile(path.join(dir, 'report.json'), JSON.stringify(report, null, 2));
  return dir;
}
