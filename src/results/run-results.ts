/**
 * The results of a run directory: the records of `units.jsonl` and the distributions of its
 * trace → `buildResults` → `results.json`, and the chain measure → results used by
 * `specbound measure` and `specbound report`.
 *
 * Results are cached: `results.json` carries the sha256 of what it was computed from (the
 * results version, `config.json`, `units.jsonl` and `trace.jsonl.gz`). When the run directory's
 * files still have that digest, the results are read back instead of computed again, so `report RUN_DIR` on a
 * finished run does no simulation, writes nothing into RUN_DIR and renders byte-identical files.
 * A run directory that cannot be written (read-only) is only read, whatever its cache holds.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MeasureConfig } from '../measure/config.js';
import { writeFileAtomicSync } from '../core/atomic-file.js';
import { CONFIG_FILE, readJsonFile, RESULTS_FILE, UNITS_FILE } from '../measure/run-dir.js';
import { readRunRecords, runMeasurementThen, type MeasureOptions, type MeasureOutcome } from '../measure/run-measure.js';
import { readRunDistributions, TRACE_FILE } from '../measure/run-trace.js';
import { buildResults, GENERATOR, type BuildResultsOptions } from './build-results.js';
import { REPORT_VERSION, ReportSchema, type Report } from './results-schema.js';

/** sha256 of the inputs of a run's results: the results version and the bytes of config.json, units.jsonl and the trace. */
export function runDigest(runDir: string): string {
  const h = createHash('sha256');
  h.update(`${GENERATOR}\u0000results ${REPORT_VERSION}\u0000`);
  for (const name of [CONFIG_FILE, UNITS_FILE, TRACE_FILE]) {
    const file = path.join(runDir, name);
    h.update(`${name}\u0000`);
    if (existsSync(file)) h.update(readFileSync(file));
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** The results stored in a run directory when they were computed from its current files, else undefined. */
export function cachedResults(runDir: string, digest: string = runDigest(runDir)): Report | undefined {
  const stored = readJsonFile(path.join(runDir, RESULTS_FILE));
  if (typeof stored !== 'object' || stored === null || (stored as { digest?: unknown }).digest !== digest) return undefined;
  const parsed = ReportSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The results of a finished run directory: read from `results.json` when its digest matches the
 * directory's files, else computed from the log and the run's trace (and written, when the
 * directory can be written).
 */
export async function resultsOfRun(runDir: string, config: MeasureConfig, options: BuildResultsOptions = {}): Promise<Report> {
  const digest = runDigest(runDir);
  const cached = cachedResults(runDir, digest);
  if (cached !== undefined) return cached;
  // Results come from the log alone (what a resumed run would read), in unit order.
  const { units, statics } = readRunRecords(runDir);
  const distributions = (await readRunDistributions(runDir, units)).flat();
  const built = await buildResults(config, [...units, ...statics], distributions, options);
  const report = ReportSchema.parse({ ...built, digest });
  // A run directory this process cannot write (read-only file system, another user's) is only
  // read: the results are computed in memory and the report is rendered elsewhere (--out).
  if (!writable(runDir)) return report;
  writeFileAtomicSync(path.join(runDir, RESULTS_FILE), `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface MeasuredResults extends MeasureOutcome {
  /** The results, or undefined when the measurement stopped early (`stopAfterUnits`). */
  readonly report: Report | undefined;
}

/**
 * Measures (or continues) `options.config` in `options.outDir`, then computes (or reads) the
 * results when complete, then runs `finish` (writing the report) — the whole job under the run
 * directory's lock (run-lock.ts), so a second run into the directory exits 2 at any stage.
 */
export async function measureAndBuildResults(
  options: MeasureOptions & Pick<BuildResultsOptions, 'simulate'>,
  finish?: (results: MeasuredResults) => Promise<void>,
): Promise<MeasuredResults> {
  return runMeasurementThen(options, async (outcome) => {
    const results: MeasuredResults = !outcome.complete
      ? { ...outcome, report: undefined }
      : {
          ...outcome,
          report: await resultsOfRun(options.outDir, options.config, {
            ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
            ...(options.simulate === undefined ? {} : { simulate: options.simulate }),
          }),
        };
    await finish?.(results);
    return results;
  });
}
