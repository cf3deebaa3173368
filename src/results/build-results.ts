/**
 * The results stage: every number of a measurement from its records. `buildResults(config,
 * records)` aggregates the units (the Table 1 analog per task and overall, the real oracle and
 * drafter curves with clustered standard errors), applies the theory at the estimates
 * (`theory-at-estimates.ts`), simulates the i.i.d. optimum from the recorded distributions and
 * runs the temperature sweep. Deterministic in the records and the seed: the same records give
 * the same results whatever run (interrupted, resumed, concurrent) produced them.
 */
import { VERSION } from '../core/version.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { withTemperature } from '../distribution/temperature.js';
import type { MeasureConfig } from '../measure/config.js';
import type { MeasureRecord, StaticUnitRecord, UnitRecord } from '../measure/records.js';
import { measuredAcceptance } from '../measure/static-unit.js';
import { curvesOf, entropyHistogram } from './aggregate.js';
import { simulateIidCurve, simulateIidRows, type Simulator } from './iid.js';
import { REPORT_VERSION, ReportSchema, type Report } from './results-schema.js';
import { temperatureSweep } from './temperature-sweep.js';
import { adaptiveSection } from './adaptive.js';
import { greedySection } from './greedy.js';
import { DEFAULT_LATENCY_SPEC, parseLatencySpec, type LatencyCurve } from '../adaptive/latency-curve.js';

/** `generator` of results.json: the package name and its version (package.json). */
export const GENERATOR = `specbound ${VERSION}`;

/** Progress of a long stage: `measuring`, `simulating i.i.d.`, … */
export interface StageProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export interface BuildResultsOptions {
  readonly onProgress?: ((p: StageProgress) => void) | undefined;
  /** T(P) of the adaptive-budget analysis (default `linear:0.05`, DEFAULT_LATENCY_SPEC). */
  readonly latency?: LatencyCurve | undefined;
  /** The i.i.d. simulator (default `sim/simulateIid`); tests pass a counting wrapper. */
  readonly simulate?: Simulator | undefined;
}

/**
 * Every number of the results from the completed records (any order; sorted by unit here) and
 * the verifier's recorded distributions (the i.i.d. bank and the sweep; the run's trace, in unit
 * order: `measure/run-trace.ts`).
 */
export async function buildResults(
  config: MeasureConfig,
  records: readonly MeasureRecord[],
  distributions: readonly TokenDistribution[],
  options: BuildResultsOptions = {},
): Promise<Report> {
  const units = records.filter((r): r is UnitRecord => r.kind === 'unit').sort((a, b) => a.unit - b.unit);
  const statics = records.filter((r): r is StaticUnitRecord => r.kind === 'static').sort((a, b) => a.unit - b.unit);
  const { onProgress } = options;
  const overall = curvesOf(units, statics, config.PMax, config.seed);
  const tasks = [...new Set(units.map((r) => r.task))];
  const taskReports: NonNullable<Report['tasks']> = {};
  const taskStats: Record<string, Report['stats']['overall']> = {};
  for (const task of tasks) {
    const sub = curvesOf(
      units.filter((r) => r.task === task),
      statics,
      config.PMax,
      config.seed,
    );
    taskStats[task] = sub.stats;
    taskReports[task] = { stats: sub.stats, curves: sub.curves };
  }
  const acceptance = measuredAcceptance(units);
  const bank = distributions;
  const sweepP = Math.min(config.PMax, 64);
  // Greedy verification (T = 0) recorded one-hot distributions: no other temperature can be recovered from them.
  const sweep = config.temperature === 0 ? [] : temperatureSweep(bank, config.temperature, sweepP);
  const simulate = options.simulate;
  onProgress?.({ phase: 'simulating i.i.d.', done: 0, total: 1 + sweep.length });
  const iid = await simulateIidCurve(bank, config, simulate);
  // The i.i.d. optimum at each sweep temperature, with a quarter of the trees (it only draws one point each).
  for (let i = 0; i < sweep.length; i++) {
    onProgress?.({ phase: 'simulating i.i.d.', done: 1 + i, total: 1 + sweep.length });
    const row = sweep[i]!;
    const tempered = bank.map((d) => withTemperature(d, row.temperature / config.temperature));
    const rows = await simulateIidRows(tempered, { ...config, PMax: sweepP }, Math.max(2, Math.ceil(config.iidTrees / 4)), simulate);
    row.iid = rows[sweepP - 1]!.mean;
  }
  onProgress?.({ phase: 'simulating i.i.d.', done: 1 + sweep.length, total: 1 + sweep.length });
  const adaptive = adaptiveSection(units, options.latency ?? parseLatencySpec(DEFAULT_LATENCY_SPEC, config.PMax), config.seed);
  const greedy = config.temperature === 0 ? greedySection(units, config.PMax, config.treeEvery) : undefined;
  const report: Report = {
    version: REPORT_VERSION,
    generator: GENERATOR,
    config: {
      target: config.target,
      ...(config.draft === undefined ? {} : { draft: config.draft }),
      prompts: config.prompts,
      samples: config.samples,
      maxNewTokens: config.maxNewTokens,
      temperature: config.temperature,
      PMax: config.PMax,
      seed: config.seed,
      promptsPerTask: config.promptsPerTask,
      treeEvery: config.treeEvery,
      iidTrees: config.iidTrees,
    },
    stats: { overall: overall.stats, tasks: taskStats },
    curves: { ...overall.curves, iid },
    tasks: taskReports,
    ...(acceptance === undefined ? {} : { drafterAcceptance: acceptance }),
    entropyHistogram: entropyHistogram(units),
    temperatureSweep: sweep,
    ...(adaptive === undefined ? {} : { adaptive }),
    ...(greedy === undefined ? {} : { greedy }),
  };
  return ReportSchema.parse(report);
}
