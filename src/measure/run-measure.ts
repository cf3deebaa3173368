/**
 * `specbound measure`: a resumable measurement in a run directory.
 *
 * The work is split into units (one sampled continuation of one prompt), each measured with
 * randomness derived from (seed, unit index) and appended to `units.jsonl` when complete. A rerun
 * with the same configuration skips the completed units, and the results are always computed from
 * the log's records in unit order, so an interrupted and resumed run ends with exactly the numbers
 * of an uninterrupted one. This stage only samples models and appends records; the numbers are
 * computed from them by `results/` (`buildResults`).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputFileError, InvalidValueError, SpecboundError } from '../core/errors.js';
import type { LanguageModel } from '../models/model.js';
import { loadModel } from '../models/registry.js';
import { measuredDynamicStrategies } from '../tree/strategies/registry.js';
import type { DraftingStrategy } from '../tree/strategy.js';
import { canonicalConfig, checkSameConfig, validateMeasureConfig, type MeasureConfig } from './config.js';
import { applyChatTemplate, limitPerTask, loadPromptSet, type Prompt } from './prompts/index.js';
import { chatTemplateLabel, resolveChatTemplate, type PromptChatTemplate } from '../models/chat-template.js';
import { writeFileAtomicSync } from '../core/atomic-file.js';
import { CONFIG_FILE, discardRun, ensureRunDir, readJsonFile, UNITS_FILE, UnitLog } from './run-dir.js';
import { withRunDirLock } from './run-lock.js';
import { parseMeasureRecord, type MeasureRecord, type StaticUnitRecord, type UnitRecord } from './records.js';
import { RunTrace, runTraceHeader } from './run-trace.js';
import { measureUnit, type MeasuredUnit } from './unit.js';
import { measuredAcceptance, measureStaticUnit, staticTreePlans } from './static-unit.js';
import { budgetGrid } from './budget-grid.js';

export interface MeasureProgress {
  /** What is being done: `measuring`, `static trees`. */
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
  /** Discard what the run directory holds (its units, results, trace and report) and start over. */
  readonly fresh?: boolean;
}

export interface MeasureOutcome {
  /** Whether every unit is measured (false when stopped early, `stopAfterUnits`). */
  readonly complete: boolean;
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

/**
 * The dynamic drafting strategies measured with a drafter (the registry's `measured` ones; trees
 * nested in P, built once at P-max, so EAGLE's automatic depth is the one for P-max).
 */
export function dynamicStrategies(batchSize?: number): DraftingStrategy[] {
  return measuredDynamicStrategies(batchSize === undefined ? {} : { batchSize });
}

/**
 * Distributions per call when enumerating a Lemma 1 tree: in-process models with tree sessions
 * pay per node, so speculative fetching only wastes work (1); remote models pay per round trip (8).
 */
export function lemma1BatchSize(model: LanguageModel): number {
  return model.openTree === undefined ? 8 : 1;
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

/**
 * Units in flight: `--concurrency`, else the largest `concurrency` of the models (1 in-process; a
 * server's request limit). Interleaving units costs an in-process model nothing (its calls run one
 * at a time anyway), while a remote one needs many requests in flight to be fast.
 */
function unitsInFlight(options: MeasureOptions, models: { readonly verifier: LanguageModel; readonly drafter?: LanguageModel | undefined }): number {
  return options.concurrency ?? Math.max(models.verifier.concurrency, models.drafter?.concurrency ?? 1);
}

async function runPool(indices: readonly number[], concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, indices.length)) }, async () => {
    while (next < indices.length) {
      const i = indices[next++]!;
      await work(i);
      // Let the event loop turn between units: a local model computes synchronously, and without
      // this a Ctrl-C (a signal handler is a macrotask) would wait until the whole stage ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  });
  await Promise.all(workers);
}

/**
 * Runs (or continues) the measurement described by `options.config` in `options.outDir`, holding
 * the directory's lock (run-lock.ts) so no other run appends to it meanwhile.
 */
export function runMeasurement(options: MeasureOptions): Promise<MeasureOutcome> {
  return runMeasurementThen(options, (outcome) => Promise.resolve(outcome));
}

/**
 * `runMeasurement`, then `then(outcome)` still holding the directory's lock: the rest of a job
 * that writes the run directory (results.json, the report), so no other run writes there
 * between the measurement and what is computed from it (issue 19).
 */
export async function runMeasurementThen<T>(options: MeasureOptions, then: (outcome: MeasureOutcome) => Promise<T>): Promise<T> {
  const { config, outDir } = options;
  validateMeasureConfig(config);
  const prompts = options.prompts ?? selectPrompts(config);
  if (prompts.length === 0) throw new InvalidValueError('--prompts', config.prompts, 'holds no prompts');
  // Resolved before the configuration check: the template used is part of the run's configuration.
  const template = await resolveChatTemplate(config.chatTemplate ?? 'auto', config.target);
  ensureRunDir(outDir);
  return withRunDirLock(outDir, async () => then(await measureLockedRunDir(options, applyChatTemplate(prompts, template), template)));
}

async function measureLockedRunDir(options: MeasureOptions, prompts: readonly Prompt[], template: PromptChatTemplate | undefined): Promise<MeasureOutcome> {
  const { config, outDir } = options;
  const configFile = path.join(outDir, CONFIG_FILE);
  // `chatTemplateUsed` (where the template came from and its digest) only when one is used, so a
  // run without one keeps the configuration it had before chat templates existed.
  const wanted = {
    ...canonicalConfig(config),
    ...(template === undefined ? {} : { chatTemplateUsed: chatTemplateLabel(template) }),
    promptsDigest: promptsDigest(prompts),
  };
  if (options.fresh === true) discardRun(outDir);
  const log = new UnitLog(outDir);
  // A configuration binds the directory only once a unit was saved under it: a run that failed
  // before its first unit (a mistyped model, an unreachable server) leaves nothing to protect, so
  // the corrected command simply starts. The configuration is written just before the first unit.
  const unitsSaved = existsSync(path.join(outDir, UNITS_FILE)) && statSync(path.join(outDir, UNITS_FILE)).size > 0;
  const stored = unitsSaved ? readJsonFile(configFile) : undefined;
  let configWritten = false;
  if (stored !== undefined) {
    if (typeof stored !== 'object' || stored === null) throw new SpecboundError(`${configFile}: not a measurement configuration; choose another --out, or add --fresh to start over there`);
    checkSameConfig(outDir, stored as Record<string, unknown>, wanted);
    configWritten = true;
  }
  const saveConfigOnce = () => {
    if (configWritten) return;
    writeFileAtomicSync(configFile, `${JSON.stringify(wanted, null, 2)}\n`);
    configWritten = true;
  };

  const total = prompts.length * config.samples;
  const records = new Map<number, UnitRecord>();
  const statics = new Map<number, StaticUnitRecord>();
  for (const rec of readRecords(log, { prompts: prompts.length, samples: config.samples })) {
    if (rec.kind === 'unit') records.set(rec.unit, rec);
    else statics.set(rec.unit, rec);
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
      : [models.verifier.contextLength, models.drafter?.contextLength]
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
        strategies: models.drafter === undefined ? [] : dynamicStrategies(lemma1BatchSize(models.drafter)),
        oracleBatchSize: lemma1BatchSize(models.verifier),
        prompts,
        contextLength,
        signal: options.signal,
      };
      const committedEnds = [...records.values()].map((r) => r.traceEnd);
      const trace = RunTrace.open(outDir, runTraceHeader(config, models.verifier.vocabSize), committedEnds.length === 0 ? undefined : Math.max(...committedEnds));
      // Units are committed (trace positions, then the record) in unit order, so the trace lists
      // them in order whatever the concurrency; a unit finished early waits for those before it.
      const pending = new Map<number, MeasuredUnit>();
      let nextCommit = 0;
      options.onProgress?.({ phase: 'measuring', done: records.size, total });
      await runPool(runNow, unitsInFlight(options, models), async (unit) => {
        pending.set(unit, await measureUnit(ctx, unit));
        for (let m = pending.get(runNow[nextCommit]!); m !== undefined; m = pending.get(runNow[nextCommit]!)) {
          pending.delete(runNow[nextCommit++]!);
          saveConfigOnce();
          const record: UnitRecord = { ...m.record, traceEnd: trace.appendUnit(m.trace) };
          log.append(record);
          records.set(record.unit, record);
          measured++;
        }
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
        await runPool(runNow, unitsInFlight(options, models), async (unit) => {
          const record = await measureStaticUnit(ctx, records.get(unit)!);
          saveConfigOnce();
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
  if (records.size < total || staticTodo().length > 0) return { complete: false, unitsTotal: total, unitsResumed, unitsMeasured: measured };

  return { complete: true, unitsTotal: total, unitsResumed, unitsMeasured: measured };
}

/** How many prompts and samples a run has: its records must lie inside (unit = prompt · samples + sample). */
export interface UnitRange {
  readonly prompts: number;
  readonly samples: number;
}

/** Why a record cannot belong to a run of this range, or undefined when it can. */
function outOfRange(rec: MeasureRecord, { prompts, samples }: UnitRange): string | undefined {
  const total = prompts * samples;
  if (rec.unit >= total) return `unit ${rec.unit} is outside this run's ${total} units (${prompts} prompts × ${samples} samples)`;
  if (rec.kind !== 'unit') return undefined;
  if (rec.prompt >= prompts) return `prompt ${rec.prompt} is outside this run's ${prompts} prompts`;
  if (rec.sample >= samples) return `sample ${rec.sample} is outside this run's ${samples} samples`;
  if (rec.unit !== rec.prompt * samples + rec.sample) return `unit ${rec.unit} does not match prompt ${rec.prompt} × ${samples} samples + sample ${rec.sample}`;
  return undefined;
}

/**
 * The records of a unit log, validated (`MeasureRecordSchema`, and `range` when given): a bad
 * line is an InputFileError naming file:line. Records are keyed by (kind, unit): a unit logged
 * twice (two runs that appended to the same directory before it was locked) counts once, the
 * first line.
 */
function readRecords(log: UnitLog, range?: UnitRange): MeasureRecord[] {
  const seen = new Set<string>();
  const out: MeasureRecord[] = [];
  for (const { line, value } of log.readAll()) {
    const r = parseMeasureRecord(value);
    if ('error' in r) throw new InputFileError(log.file, line, r.error);
    const problem = range === undefined ? undefined : outOfRange(r.record, range);
    if (problem !== undefined) throw new InputFileError(log.file, line, `${problem}; the run directory is damaged (delete the line or the directory)`);
    const key = `${r.record.kind} ${r.record.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r.record);
  }
  return out;
}

/** The complete records of a run directory's unit log (units and static units), in unit order. */
export function readRunRecords(outDir: string, range?: UnitRange): { units: UnitRecord[]; statics: StaticUnitRecord[] } {
  const units: UnitRecord[] = [];
  const statics: StaticUnitRecord[] = [];
  for (const r of readRecords(new UnitLog(outDir), range)) {
    if (r.kind === 'unit') units.push(r);
    else statics.push(r);
  }
  units.sort((a, b) => a.unit - b.unit);
  statics.sort((a, b) => a.unit - b.unit);
  return { units, statics };
}
