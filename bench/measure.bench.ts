/**
 * The main job's speed: `specbound report` with no arguments (the built-in pair on the built-in
 * prompts, MEASURE_DEFAULTS), measured from scratch in a temporary run directory (the built-in
 * model's training cache is used if present; its training time is benchmarked in builtin.bench).
 * Target: under 60 s on 2 cores, training included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MEASURE_CONFIG_VERSION, MEASURE_DEFAULTS, type MeasureConfig } from '../src/measure/config.js';
import { measureAndBuildResults } from '../src/results/run-results.js';
import { writeReport } from '../src/report/write-report.js';
import type { BenchResult } from './run.js';

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-measure-'));
  try {
    const config: MeasureConfig = {
      version: MEASURE_CONFIG_VERSION,
      ...MEASURE_DEFAULTS,
      keepTop: Math.max(MEASURE_DEFAULTS.keepTop, MEASURE_DEFAULTS.PMax - 1),
      target: 'builtin',
      draft: 'builtin-draft',
      prompts: 'builtin',
    };
    const t0 = performance.now();
    const outcome = await measureAndBuildResults({ config, outDir: dir });
    const measured = performance.now();
    writeReport(outcome.report!, dir);
    const done = performance.now();
    const positions = outcome.report!.stats.overall.positions;
    const treePositions = Math.ceil(positions / config.treeEvery);
    return [
      { name: 'default report, built-in pair (measure + report)', value: (done - t0) / 1000, unit: 's', target: 60, notes: `${positions} positions, ~${treePositions} tree positions at P-max ${config.PMax}; includes model load` },
      { name: 'default report: positions measured per second', value: positions / ((measured - t0) / 1000), unit: 'positions/s', notes: 'each with oracle + 5 drafting strategies every 4th position; limited by model calls (n-gram lookups over the vocabulary)' },
      { name: 'default report: writing report.json/md/html + SVG figures', value: (done - measured) / 1000, unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
