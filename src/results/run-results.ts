/**
 * The results of a run directory: the records of `units.jsonl` → `buildResults` → `results.json`
 * (and the run's trace), and the chain measure → results used by `specbound measure` and
 * `specbound report`.
 */
import path from 'node:path';
import type { MeasureConfig } from '../measure/config.js';
import { RESULTS_FILE, writeFileAtomic } from '../measure/run-dir.js';
import { readRunRecords, runMeasurement, type MeasureOptions, type MeasureOutcome } from '../measure/run-measure.js';
import { writeMeasurementTrace } from '../measure/write-trace.js';
import { buildResults, type BuildResultsOptions } from './build-results.js';
import type { Report } from './results-schema.js';

/** The results of a finished run directory, written to `results.json` (and its trace). */
export async function resultsOfRun(runDir: string, config: MeasureConfig, options: BuildResultsOptions = {}): Promise<Report> {
  // Results come from the log alone (what a resumed run would read), in unit order.
  const { units, statics } = readRunRecords(runDir);
  const report = await buildResults(config, [...units, ...statics], options);
  await writeMeasurementTrace(runDir, config, units);
  writeFileAtomic(path.join(runDir, RESULTS_FILE), `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

export interface MeasuredResults extends MeasureOutcome {
  /** The results, or undefined when the measurement stopped early (`stopAfterUnits`). */
  readonly report: Report | undefined;
}

/** Measures (or continues) `options.config` in `options.outDir`, then computes the results when complete. */
export async function measureAndBuildResults(options: MeasureOptions & Pick<BuildResultsOptions, 'simulate'>): Promise<MeasuredResults> {
  const outcome = await runMeasurement(options);
  if (!outcome.complete) return { ...outcome, report: undefined };
  const report = await resultsOfRun(options.outDir, options.config, {
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.simulate === undefined ? {} : { simulate: options.simulate }),
  });
  return { ...outcome, report };
}
