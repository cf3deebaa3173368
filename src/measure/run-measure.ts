/**
 * `specbound measure`: a resumable measurement in a run directory.
 *
 * The work is split into units (one sampled continuation of one prompt), each measured with
 * randomness derived from (seed, unit index) and appended to `units.jsonl` when complete. A rerun
 * with the same configuration skips the completed units, and the results are always computed from
 * the log's records in unit order, so an interrupted and resumed run ends with exactly the numbers
 * of an uninterrupted one. `results.json` (`ReportSchema`) is written last, atomically.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { InvalidValueError, SpecboundError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import type { LanguageModel } from '../models/model.js';
import { loadModel } from '../models/registry.js';
import { REPORT_VERSION, ReportSchema, type Report } from '../report/report-schema.js';
import { chainStrategy } from '../tree/strategies/chain.js';
import { eagleDepthFor, eagleStrategy } from '../tree/strategies/eagle.js';
import { qGreedyStrategy } from '../tree/strategies/lemma1.js';
import type { DraftingStrategy } from '../tree/strategy.js';
import { curvesOf, entropyHistogram, type StaticUnitRecord } from './aggregate.js';
import { canonicalConfig, checkSameConfig, validateMeasureConfig, type MeasureConfig } from './config.js';
import { simulateIidCurve, simulateIidRows } from './iid.js';
import { withTemperature } from '../distribution/temperature.js';
import { limitPerTask, loadPromptSet, type Prompt } from './prompts/index.js';
import { decodeDistribution } from './recorded-distribution.js';
import { CONFIG_FILE, ensureRunDir, readJsonFile, RESULTS_FILE, UnitLog, writeFileAtomic } from './run-dir.js';
import { temperatureSweep } from './temperature-sweep.js';
import { writeMeasurementTrace } from './write-trace.js';
import { measureUnit, type UnitRecord } from './unit.js';
import { measuredAcceptance, measureStaticUnit, staticTreePlans } from './static-unit.js';
import { budgetGrid } from './budget-grid.js';

export const GENERATOR = 'specbound 0.1.0';

export interface MeasureProgress {
  /** What is being done: `measuring`, `simulating`, … */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export interface MeasureOptions {
  readonly config: MeasureConfig;
  readonly outDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MeasureProgress) => void;
  /** Units in flight at once (useful for remote models); default 1 for local models, 8 for `openai:`. */
  readonly concurrency?: number;
  /** Models already loaded (tests); otherwise loaded from the config's spellings. */
  readonly models?: { readonly verifier: LanguageModel; readonly drafter?: LanguageModel };
  /** Prompts already loaded (tests); otherwise read from `config.prompts`. */
  readonly prompts?: readonly Prompt[];
  /** Stop after this many new units (tests of resumption); the run is left incomplete. */
  readonly stopAfterUnits?: number;
}

export interface MeasureOutcome {
  /** The results, or undefined when stopped early (`stopAfterUnits`). */
  readonly report: Report | undefined;
  readonly unitsTotal: number;
  /** Units found complete in the run directory before this call. */
  readonly unitsResumed: number;
  readonly unitsMeasured: number;
}

/** The prompts a configuration measures (at most `promptsPerTask` of each task). */
export function selectPrompts(config: MeasureConfig): Prompt[] {
  return limitPerTask(loadPromptSet(config.prompts).prompts, config.promptsPerTask);
}

function promptsDigest(prompts: readonly Prompt[]): string {
  const h = createHash('sha256');
  for (const p of prompts) h.update(`${p.task}\u0000${p.text}\u0001`);
  return h.digest('hex').slice(0, 16);
}

/** The dynamic drafting strategies measured with a drafter (trees nested in P, built once at P-max). */
export function dynamicStrategies(PMax: number, batchSize?: number): DraftingStrategy[] {
  return [qGreedyStrategy(batchSize === undefined ? {} : { batchSize }), chainStrategy(), eagleStrategy({ depth: eagleDepthFor(PMax, {}) })];
}

/**
 * Distributions per call when enumerating a Lemma 1 tree: in-process models with tree sessions
 * pay per node, so speculative fetching only wastes work (1); remote models pay per round trip (8).
 */
export function lemma1BatchSize(model: LanguageModel): number {
  return model.openTree === undefined ? 8 : 1;
}

/**
 * Context length of a model, for capping generation and tree depth: the backend's
 * `contextLength` when it has one, else a llama2.c checkpoint's `seq_len` (the interface has no
 * such field yet; backends without either are taken as unlimited).
 */
export function contextLengthOf(model: LanguageModel): number | undefined {
  const m = model as { contextLength?: unknown; checkpoint?: { config?: { seqLen?: unknown } } };
  const n = m.contextLength ?? m.checkpoint?.config?.seqLen;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

async function loadModels(config: MeasureConfig): Promise<{ verifier: LanguageModel; drafter?: LanguageModel }> {
  const verifier = await loadModel(config.target, '--target');
  if (config.draft === undefined) return { verifier };
  const drafter = await loadModel(config.draft, '--draft');
  if (drafter.vocabSize !== verifier.vocabSize) {
    throw new InvalidValueError('--draft', config.draft, `its vocabulary has ${drafter.vocabSize} tokens but the target's has ${verifier.vocabSize}; a drafter must share the target's tokenizer`);
  }
  return { verifier, drafter };
}

function concurrency(options: MeasureOptions, config: MeasureConfig): number {
  return options.concurrency ?? (config.target.startsWith('openai:') ? 8 : 1);
}

async function runPool(indices: readonly number[], concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, indices.length)) }, async () => {
    while (next < indices.length) {
      const i = indices[next++]!;
      await work(i);
    }
  });
  await Promise.all(workers);
}

/** Runs (or continues) the measurement described by `options.config` in `options.outDir`. */
export async function runMeasurement(options: MeasureOptions): Promise<MeasureOutcome> {
  const { config, outDir } = options;
  validateMeasureConfig(config);
  const prompts = options.prompts ?? selectPrompts(config);
  if (prompts.length === 0) throw new InvalidValueError('--prompts', config.prompts, 'holds no prompts');
  ensureRunDir(outDir);
  const configFile = path.join(outDir, CONFIG_FILE);
  const wanted = { ...canonicalConfig(config), promptsDigest: promptsDigest(prompts) };
  const stored = readJsonFile(configFile);
  if (stored !== undefined) {
    if (typeof stored !== 'object' || stored === null) throw new SpecboundError(`${configFile}: not a measurement configuration; choose another --out`);
    checkSameConfig(outDir, stored as Record<string, unknown>, wanted);
  } else {
    writeFileAtomic(configFile, `${JSON.stringify(wanted, null, 2)}\n`);
  }

  const log = new UnitLog(outDir);
  const total = prompts.length * config.samples;
  const records = new Map<number, UnitRecord>();
  const statics = new Map<number, StaticUnitRecord>();
  for (const r of log.readAll()) {
    const rec = r as { kind?: unknown; unit?: unknown };
    if (typeof rec.unit !== 'number' || rec.unit < 0 || rec.unit >= total) continue;
    if (rec.kind === 'unit') records.set(rec.unit, r as UnitRecord);
    else if (rec.kind === 'static') statics.set(rec.unit, r as StaticUnitRecord);
  }
  const unitsResumed = records.size;
  const todo = Array.from({ length: total }, (_, i) => i).filter((i) => !records.has(i));
  let staticsNeeded = config.draft !== undefined || options.models?.drafter !== undefined;
  const staticTodo = () => (staticsNeeded ? Array.from({ length: total }, (_, i) => i).filter((i) => !statics.has(i)) : []);
  let budgetLeft = options.stopAfterUnits ?? Infinity;

  const needModels = todo.length > 0 || staticTodo().length > 0;
  const models = options.models ?? (needModels ? await loadModels(config) : undefined);
  let measured = 0;
  const contextLength =
    models === undefined
      ? undefined
      : [contextLengthOf(models.verifier), models.drafter === undefined ? undefined : contextLengthOf(models.drafter)]
          .filter((n): n is number => n !== undefined)
          .reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined);
  try {
    if (models !== undefined && todo.length > 0 && budgetLeft > 0) {
      const runNow = todo.slice(0, Math.min(todo.length, budgetLeft));
      budgetLeft -= runNow.length;
      const ctx = {
        config,
        verifier: models.verifier,
        drafter: models.drafter,
        strategies: models.drafter === undefined ? [] : dynamicStrategies(config.PMax, lemma1BatchSize(models.drafter)),
        oracleBatchSize: lemma1BatchSize(models.verifier),
        prompts,
        contextLength,
        signal: options.signal,
      };
      options.onProgress?.({ phase: 'measuring', done: records.size, total });
      await runPool(runNow, concurrency(options, config), async (unit) => {
        const record = await measureUnit(ctx, unit);
        log.append(record);
        records.set(unit, record);
        measured++;
        options.onProgress?.({ phase: 'measuring', done: records.size, total });
      });
    }
    // Second pass: static trees from the drafter's positional acceptance over every first-pass unit.
    const secondPass = staticTodo();
    if (models?.drafter !== undefined && records.size === total && secondPass.length > 0 && budgetLeft > 0) {
      const ordered = [...records.values()].sort((a, b) => a.unit - b.unit);
      const acceptance = measuredAcceptance(ordered);
      if (acceptance === undefined) staticsNeeded = false;
      else {
        const runNow = secondPass.slice(0, Math.min(secondPass.length, budgetLeft));
        budgetLeft -= runNow.length;
        const ctx = {
          config,
          verifier: models.verifier,
          drafter: models.drafter,
          prompts,
          plans: staticTreePlans(acceptance, budgetGrid(config.PMax)),
          contextLength,
          signal: options.signal,
        };
        options.onProgress?.({ phase: 'static trees', done: statics.size, total });
        await runPool(runNow, concurrency(options, config), async (unit) => {
          const record = await measureStaticUnit(ctx, records.get(unit)!);
          log.append(record);
          statics.set(unit, record);
          measured++;
          options.onProgress?.({ phase: 'static trees', done: statics.size, total });
        });
      }
    }
  } finally {
    if (options.models === undefined && models !== undefined) {
      await models.verifier.close?.();
      await models.drafter?.close?.();
    }
  }
  if (records.size < total || staticTodo().length > 0) return { report: undefined, unitsTotal: total, unitsResumed, unitsMeasured: measured };

  // Results come from the log alone (what a resumed run would read), in unit order.
  const all: UnitRecord[] = [];
  const staticAll: StaticUnitRecord[] = [];
  for (const r of log.readAll()) {
    const rec = r as { kind?: unknown };
    if (rec.kind === 'unit') all.push(r as UnitRecord);
    else if (rec.kind === 'static') staticAll.push(r as StaticUnitRecord);
  }
  all.sort((a, b) => a.unit - b.unit);
  staticAll.sort((a, b) => a.unit - b.unit);
  const report = await buildReport(config, all, staticAll, options.onProgress);
  await writeMeasurementTrace(outDir, config, all);
  writeFileAtomic(path.join(outDir, RESULTS_FILE), `${JSON.stringify(report, null, 1)}\n`);
  return { report, unitsTotal: total, unitsResumed, unitsMeasured: measured };
}

/** Every number of the report from the completed units (deterministic in the records and the seed). */
export async function buildReport(
  config: MeasureConfig,
  records: readonly UnitRecord[],
  statics: readonly StaticUnitRecord[],
  onProgress?: (p: MeasureProgress) => void,
): Promise<Report> {
  const overall = curvesOf(records, statics, config.PMax, config.seed);
  const tasks = [...new Set(records.map((r) => r.task))];
  const taskReports: NonNullable<Report['tasks']> = {};
  const taskStats: Record<string, Report['stats']['overall']> = {};
  for (const task of tasks) {
    const sub = curvesOf(
      records.filter((r) => r.task === task),
      statics,
      config.PMax,
      config.seed,
    );
    taskStats[task] = sub.stats;
    taskReports[task] = { stats: sub.stats, curves: sub.curves };
  }
  const acceptance = measuredAcceptance(records);
  const bank: TokenDistribution[] = [];
  for (const r of records) for (const e of r.distributions) bank.push(decodeDistribution(e));
  const sweepP = Math.min(config.PMax, 64);
  const sweep = temperatureSweep(bank, config.temperature, sweepP);
  onProgress?.({ phase: 'simulating i.i.d.', done: 0, total: 1 + sweep.length });
  const iid = await simulateIidCurve(bank, config);
  // The i.i.d. optimum at each sweep temperature, with a quarter of the trees (it only draws one point each).
  for (let i = 0; i < sweep.length; i++) {
    onProgress?.({ phase: 'simulating i.i.d.', done: 1 + i, total: 1 + sweep.length });
    const row = sweep[i]!;
    const tempered = bank.map((d) => withTemperature(d, row.temperature / config.temperature));
    const rows = await simulateIidRows(tempered, { ...config, PMax: sweepP }, Math.max(2, Math.ceil(config.iidTrees / 4)));
    row.iid = rows[sweepP - 1]!.mean;
  }
  onProgress?.({ phase: 'simulating i.i.d.', done: 1 + sweep.length, total: 1 + sweep.length });
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
    entropyHistogram: entropyHistogram(records),
    temperatureSweep: sweep,
  };
  return ReportSchema.parse(report);
}
