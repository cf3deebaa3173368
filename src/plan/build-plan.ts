/**
 * `specbound plan` without the command line: reads the inputs the user named (a run directory's
 * report.json, a Table 1 preset or μ/μ₂, a deployment's metrics, latency tables), builds the
 * latency models and runs the planner. Returns the JSON-ready result; `format-plan.ts` prints it.
 */
import { readInputFile, readInputJson } from '../core/input-file.js';
import path from 'node:path';
import { InputFileError, InvalidValueError } from '../core/errors.js';
import { ReportSchema, type Report } from '../results/results-schema.js';
import { usableEstimates } from '../results/theory-at-estimates.js';
import { getPreset, validateEntropyStats, type EntropyStats } from '../theory/index.js';
import { deploymentChainCurve, limitCurve, runCurve, theorem1Curve, theorem1Where, type AcceptedCurve } from './accepted-curve.js';
import { deploymentDrafterModel, drafterCurve, drafterRankProbabilities, muCeDrafterModel, publishedDrafterModel } from './drafter-model.js';
import { iidCeiling } from './iid-ceiling.js';
import { architectureFromConfig, eagleHeadArchitecture, getArchitecturePreset, type ModelArchitecture } from './architecture-presets.js';
import { deploymentMetricsFromText, type DeploymentMetrics } from './deployment-metrics.js';
import { compareDeployment, type DeploymentComparison } from './deployment-comparison.js';
import type { DrafterKind } from './drafter-latency.js';
import type { EngineConfigs } from './engine-configs.js';
import { getGpuPreset, type GpuSpec } from './gpu-presets.js';
import type { LatencyModel, NumberKind } from './latency.js';
import { measuredLatency, parseLatencyCsv, type MeasuredLatency } from './measured-latency.js';
import { MAX_BATCH, planAtBatch, planBatches, type BatchPlan } from './batch-plan.js';
import { ceilingLabelOf, type ChainPlan, type CostSummary, type Plan, type PlanPoint } from './planner.js';
import { readTextSource, type ReadTextOptions } from './read-text-source.js';
import { rooflineLatency } from './roofline.js';
import type { TreeShape } from './tree-shape.js';

export interface PlanOptions {
  readonly run?: string;
  readonly preset?: string;
  readonly mu?: number;
  readonly mu2?: number;
  readonly metrics?: string;
  readonly gpu?: string;
  /** Overrides of the GPU preset: bytes/s and FLOP/s. */
  readonly memoryBandwidth?: number;
  readonly matrixFlops?: number;
  readonly arch?: string;
  readonly draftArch?: string;
  readonly drafter?: DrafterKind;
  readonly curve?: string;
  readonly usdPerGpuHour?: number;
  readonly latencyCsv?: string;
  readonly drafterLatencyCsv?: string;
  readonly PMax?: number;
  readonly devices?: number;
  readonly bytesPerParameter?: number;
  readonly contextLength?: number;
  readonly efficiency?: number;
  readonly overheadMs?: number;
  readonly parameters?: number;
  readonly draftModel?: string;
  readonly eagleHead?: string;
  /** Batch sizes to plan for (`--batch 1,8,32,128`); the detailed plan is for the smallest. */
  readonly batches?: readonly number[];
  /** The drafter's μ_CE (nats), for the Lemma 7 drafter model with --preset/--mu. */
  readonly muCE?: number;
  readonly read?: ReadTextOptions;
}

export interface PlanPointJson {
  P: number;
  expectedAccepted: number;
  speedup: number;
  tokensPerSecond: number;
  verifierMs: number;
  drafterMs: number;
  kind: NumberKind;
  speedupKind: NumberKind;
  ceiling?: number;
  ceilingSpeedup?: number;
  theorem1?: number;
}

export interface PlanResult {
  input: {
    source: { kind: 'run' | 'preset' | 'entropy' | 'metrics'; name: string; mu?: number; mu2?: number };
    curve: { name: string; description: string };
    verifier: { architecture: string; gpu: string; devices: number; latency: string; kind: NumberKind; T1Ms: number };
    drafter: { kind: DrafterKind; latency: string; model?: string };
    /** What the ceiling column is (the simulated i.i.d. optimum, the run's oracle, or Theorem 1). */
    ceiling?: { name: string; label: string; description: string };
  };
  best: PlanPointJson & { kinds: { expectedAccepted: NumberKind; speedup: NumberKind; tokensPerSecond: NumberKind } };
  baseline: { verifierMs: number; tokensPerSecond: number; kind: NumberKind };
  curve: PlanPointJson[];
  tree: TreeShape & { kind: NumberKind; basis: string };
  cost?: CostSummary & { savingFraction: number };
  configs: EngineConfigs;
  /** The best chain for engines that draft chains only (vLLM main, llama.cpp, TensorRT-LLM). */
  chain?: ChainPlan;
  /** Per batch size (`--batch`): best P, speedup, cost; the break-even batch; the chain schedule. */
  batch?: BatchPlan & { planned: number };
  deployment?: DeploymentComparison & { speedupAtBudget?: number; plannedSpeedup?: number };
  notes: string[];
}

/** Reads and validates `RUN_DIR/report.json` (or a report.json path). */
export async function readRunReport(location: string): Promise<{ report: Report; file: string }> {
  const file = location.endsWith('.json') ? location : path.join(location, 'report.json');
  const json = await readInputJson(file, { missingHint: '(run `specbound report RUN_DIR` first)' });
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputFileError(file, undefined, `not a specbound report: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}`);
  }
  return { report: parsed.data, file };
}

async function readArchitecture(name: string, source: string): Promise<ModelArchitecture> {
  if (name.toLowerCase().endsWith('.json')) {
    return architectureFromConfig(await readInputJson(name), name);
  }
  return getArchitecturePreset(name, source);
}

async function readLatencyTable(file: string, what: string): Promise<MeasuredLatency> {
  const rows = parseLatencyCsv(await readInputFile(file), file);
  return measuredLatency(rows, `measured ${what} table ${file} (${rows.length} rows, k = ${rows[0]!.k}..${rows[rows.length - 1]!.k}, linear interpolation)`);
}

function pointJson(p: PlanPoint): PlanPointJson {
  return {
    P: p.P,
    expectedAccepted: p.expectedAccepted,
    speedup: p.speedup,
    tokensPerSecond: p.tokensPerSecond,
    verifierMs: p.verifierMs,
    drafterMs: p.drafterMs,
    kind: p.kind,
    speedupKind: p.speedupKind,
    ...(p.ceiling === undefined ? {} : { ceiling: p.ceiling }),
    ...(p.ceilingSpeedup === undefined ? {} : { ceilingSpeedup: p.ceilingSpeedup }),
    ...(p.theorem1 === undefined ? {} : { theorem1: p.theorem1 }),
  };
}

/** Runs the whole planning pipeline. */
export async function buildPlan(options: PlanOptions): Promise<{ result: PlanResult; plan: Plan; deploymentPoint?: { P: number; speedup: number } }> {
  const notes: string[] = [];
  const drafter = options.drafter ?? 'eagle';
  const sources = [options.run !== undefined, options.preset !== undefined, options.mu !== undefined || options.mu2 !== undefined].filter(Boolean).length;
  if (sources > 1) throw new InvalidValueError('source', [options.run, options.preset, options.mu].filter((v) => v !== undefined).join(' + '), 'give only one of --run, --preset, --mu/--mu2', 'plan');
  if (sources === 0 && options.metrics === undefined) {
    throw new InvalidValueError('source', 'none', 'give --run RUN_DIR, --preset NAME, --mu X --mu2 Y, or --metrics FILE_OR_URL', 'plan');
  }
  if ((options.mu === undefined) !== (options.mu2 === undefined)) {
    throw new InvalidValueError(options.mu === undefined ? '--mu' : '--mu2', 'missing', '--mu and --mu2 go together (nats and nats^2)', 'plan');
  }

  // Where E[X](P) and μ, μ₂ come from.
  let report: Report | undefined;
  let reportFile: string | undefined;
  let stats: EntropyStats | undefined;
  let sourceInfo: PlanResult['input']['source'];
  let defaultArch: string | undefined;
  let presetModelId: string | undefined;
  let drafterBasis: string | undefined;
  if (options.run !== undefined) {
    ({ report, file: reportFile } = await readRunReport(options.run));
    // The run's point estimates under the one rule of results/theory-at-estimates.ts (μ₂ taken as max(μ₂, μ²)), as its report used them.
    const estimates = { mu: report.stats.overall.mu.estimate, mu2: report.stats.overall.mu2.estimate };
    const usable = usableEstimates(estimates);
    const runStats: EntropyStats = usable === undefined ? estimates : { mu: usable.mu[0], mu2: usable.mu2[0] };
    validateEntropyStats(runStats, reportFile);
    stats = runStats;
    sourceInfo = { kind: 'run', name: reportFile, mu: runStats.mu, mu2: runStats.mu2 };
  } else if (options.preset !== undefined) {
    const preset = getPreset(options.preset);
    presetModelId = preset.name.split('/')[0];
    stats = { mu: preset.mu, mu2: preset.mu2 };
    sourceInfo = { kind: 'preset', name: preset.name, mu: preset.mu, mu2: preset.mu2 };
    try {
      defaultArch = getArchitecturePreset(preset.name).id;
    } catch {
      defaultArch = undefined;
    }
  } else if (options.mu !== undefined && options.mu2 !== undefined) {
    stats = { mu: options.mu, mu2: options.mu2 };
    validateEntropyStats(stats, '--mu/--mu2');
    sourceInfo = { kind: 'entropy', name: '--mu/--mu2', mu: options.mu, mu2: options.mu2 };
  } else {
    sourceInfo = { kind: 'metrics', name: options.metrics ?? '' };
  }

  let deployment: DeploymentMetrics | undefined;
  if (options.metrics !== undefined) {
    deployment = deploymentMetricsFromText(await readTextSource(options.metrics, options.read), options.metrics);
  }

  // Hardware and model.
  const baseGpu = getGpuPreset(options.gpu ?? 'h100-sxm');
  const gpu: GpuSpec = {
    ...baseGpu,
    ...(options.memoryBandwidth === undefined ? {} : { memoryBandwidth: options.memoryBandwidth }),
    ...(options.matrixFlops === undefined ? {} : { matrixFlops: options.matrixFlops }),
    ...(options.memoryBandwidth === undefined && options.matrixFlops === undefined ? {} : { name: `${baseGpu.name} (overridden)` }),
  };
  if (options.arch === undefined && defaultArch === undefined) notes.push('verifier architecture not given: llama-3.1-8b assumed (choose with --arch)');
  const arch = await readArchitecture(options.arch ?? defaultArch ?? 'llama-3.1-8b', '--arch');
  const devices = options.devices ?? 1;
  const rooflineCommon = {
    gpu,
    devices,
    ...(options.bytesPerParameter === undefined ? {} : { bytesPerParameter: options.bytesPerParameter }),
    ...(options.contextLength === undefined ? {} : { contextLength: options.contextLength }),
    ...(options.efficiency === undefined ? {} : { efficiency: options.efficiency }),
    ...(options.overheadMs === undefined ? {} : { overheadMs: options.overheadMs }),
  };
  let verifier: LatencyModel;
  let verifierTable: MeasuredLatency | undefined;
  if (options.latencyCsv !== undefined) {
    verifierTable = await readLatencyTable(options.latencyCsv, 'verifier latency');
    verifier = verifierTable;
  } else {
    const roof = rooflineLatency({ arch, ...rooflineCommon, ...(options.parameters === undefined ? {} : { parameters: options.parameters }) });
    if (roof.weightBytes > gpu.memoryBytes * devices) {
      notes.push(`the weights (${(roof.weightBytes / 1e9).toFixed(1)} GB) do not fit in ${devices} × ${(gpu.memoryBytes / 1e9).toFixed(0)} GB: use --gpus N or fewer --bytes-per-param`);
    }
    verifier = roof;
  }
  let draftPass: LatencyModel | undefined;
  let draftModelName = options.draftModel ?? arch.draftModel ?? '<draft model>';
  const eagleHead = options.eagleHead ?? arch.eagleHead ?? `<EAGLE-3 head for ${arch.name}>`;
  if (drafter !== 'ngram') {
    if (options.drafterLatencyCsv !== undefined) {
      draftPass = await readLatencyTable(options.drafterLatencyCsv, 'draft-pass latency');
    } else if (drafter === 'eagle') {
      draftPass = rooflineLatency({ arch: eagleHeadArchitecture(arch), ...rooflineCommon });
    } else {
      const draftArchName = options.draftArch ?? arch.draftArchitecture;
      if (draftArchName === undefined) {
        throw new InvalidValueError('draft-arch', 'missing', `no default draft model for ${arch.name}; give --draft-arch NAME or --drafter-latency-csv FILE`, '--drafter ' + drafter);
      }
      const draftArch = await readArchitecture(draftArchName, '--draft-arch');
      if (options.draftModel === undefined && options.draftArch !== undefined) draftModelName = draftArch.name;
      draftPass = rooflineLatency({ arch: draftArch, ...rooflineCommon });
    }
  }

  // The curve to optimise, the ceiling above it, and the drafter's chain for chain-only engines.
  let curve: AcceptedCurve;
  let ceiling: AcceptedCurve | undefined;
  let chainCurve: AcceptedCurve | undefined;
  let shapeRanks: { probabilities: Float64Array; label: string } | undefined;
  const PMaxDefault = options.PMax ?? 1024;
  if (report !== undefined) {
    curve = runCurve(report, options.curve, drafter, options.PMax ?? Number.MAX_SAFE_INTEGER, reportFile ?? 'run');
    const maxP = curve.points.reduce((m, p) => Math.max(m, p.P), 1);
    if (options.curve === undefined && curve.name === 'oracle') {
      const muCE = report.stats.overall.muCE?.estimate;
      if (muCE !== undefined && Number.isFinite(muCE) && muCE > 0) {
        // No measured drafter curve, but the run measured mu_CE: Lemma 7's drafter, capped at the measured oracle.
        const model = muCeDrafterModel(muCE, reportFile ?? 'run');
        const budgets = new Set(curve.points.map((p) => p.P));
        const full = drafterCurve(model, drafter, maxP, curve);
        ceiling = curve;
        curve = { ...full, points: full.points.filter((p) => budgets.has(p.P)) };
        shapeRanks = { probabilities: drafterRankProbabilities(model), label: `alpha = ${model.alpha.toFixed(4)}` };
        drafterBasis = model.basis;
        notes.push(`the run has no measured curve for a ${drafter} drafter: planning on a drafter model from the run's mu_CE (Lemma 7), capped at the run's measured oracle`);
      } else {
        notes.push(`the run has no measured curve for a ${drafter} drafter: planning on the oracle, the ceiling no real drafter reaches`);
      }
    }
    if (ceiling === undefined && curve.name !== 'oracle' && report.curves.oracle.length > 0) ceiling = runCurve(report, 'oracle', drafter, maxP, reportFile ?? 'run');
    if (report.curves.drafters['chain'] !== undefined && report.curves.drafters['chain'].length > 0 && curve.name !== 'chain') chainCurve = runCurve(report, 'chain', drafter, maxP, reportFile ?? 'run');
  } else if (stats !== undefined) {
    const PMax = PMaxDefault;
    ceiling = await iidCeiling(stats, PMax);
    if (ceiling === undefined) notes.push('no law of the calibrated family has these mu and mu2, so there is no simulated i.i.d. ceiling; Theorem 1 (where it applies) is the only reference');
    const which = options.curve ?? 'drafter';
    // The drafter: a deployment's per-position acceptance, else mu_CE (Lemma 7), else published measurements.
    const model =
      deployment !== undefined && deployment.perPositionAcceptance.length > 0
        ? deploymentDrafterModel(deployment.perPositionAcceptance, `${deployment.engine} ${deployment.source}`)
        : options.muCE !== undefined
          ? muCeDrafterModel(options.muCE, '--mu-ce')
          : publishedDrafterModel(presetModelId);
    if (which === 'drafter') curve = drafterCurve(model, drafter, PMax, ceiling);
    else if (which === 'iid') {
      if (ceiling === undefined) throw new InvalidValueError('curve', which, 'no simulated i.i.d. optimum for these mu and mu2', '--curve');
      curve = ceiling;
      notes.push('planning on the i.i.d. optimum: the speed-of-light, which no real drafter reaches');
    } else if (which === 'limit') curve = limitCurve(stats, PMax);
    else if (which === 'theorem1') curve = theorem1Curve(stats, Array.from({ length: PMax }, (_, i) => i + 1));
    else throw new InvalidValueError('curve', which, 'with --preset or --mu/--mu2 the curves are "drafter" (default: a drafter model capped at the i.i.d. optimum), "iid" (the optimum), "limit" (ln P/mu) and "theorem1" (bound)', '--curve');
    chainCurve = drafterCurve(model, 'chain-of', PMax, ceiling);
    shapeRanks = { probabilities: drafterRankProbabilities(model), label: `alpha = ${model.alpha.toFixed(4)}` };
    drafterBasis = model.basis;
    if (ceiling === undefined) ceiling = theorem1Curve(stats, curve.points.map((p) => p.P));
  } else if (deployment !== undefined) {
    if (deployment.perPositionAcceptance.length > 0) {
      curve = deploymentChainCurve(deployment.perPositionAcceptance, options.PMax ?? Math.max(16, 2 * (deployment.budget ?? 1)), `${deployment.engine} ${deployment.source}`);
    } else if (deployment.budget !== undefined) {
      curve = {
        name: 'deployment',
        description: `${deployment.engine} ${deployment.source}: one measured point (no per-position acceptance)`,
        points: [
          { P: 1, expectedAccepted: 1, kind: 'measured' },
          ...(deployment.budget > 1 ? [{ P: deployment.budget, expectedAccepted: deployment.meanAcceptanceLength, kind: 'measured' as const }] : []),
        ],
      };
    } else {
      throw new InputFileError(deployment.source, undefined, 'neither per-position acceptance nor the budget is known: nothing to plan from');
    }
    chainCurve = curve;
  } else {
    throw new Error('unreachable: no curve source');
  }
  // Theorem 1 only where it applies (below 1 + mu2/mu^2 it is the trivial bound P and says nothing).
  const theorem1 = stats === undefined ? undefined : theorem1Where(stats, curve.points.map((p) => p.P));
  // With a run, calibrate the tree shape to its measured oracle at the largest budget planned.
  const maxPlanned = curve.points.reduce((m, p) => Math.max(m, p.P), 1);
  const oraclePoint = report?.curves.oracle.filter((p) => p.P <= maxPlanned).sort((a, b) => b.P - a.P)[0];
  const shapeTarget = oraclePoint === undefined ? undefined : { P: oraclePoint.P, expectedAccepted: oraclePoint.mean, label: "the run's oracle E[X*]" };

  const planInput = {
    curve,
    ...(ceiling === undefined ? {} : { ceiling }),
    ...(theorem1 === undefined ? {} : { theorem1 }),
    ...(chainCurve === undefined ? {} : { chainCurve }),
    ...(shapeRanks === undefined ? {} : { shapeRanks }),
    ...(stats === undefined ? {} : { stats }),
    ...(shapeTarget === undefined ? {} : { shapeTarget }),
    verifier,
    ...(draftPass === undefined ? {} : { draftPass }),
    drafter,
    ...(options.usdPerGpuHour === undefined ? {} : { usdPerGpuHour: options.usdPerGpuHour }),
    devices,
    draftModel: draftModelName,
    eagleHead,
  };
  // Batch sizes: the best P, speedup and cost per batch size, the break-even batch, and the chain
  // schedule written into the engine settings; the detailed plan is for the smallest batch asked.
  let batchPlan: BatchPlan | undefined;
  const mainBatch = options.batches === undefined || options.batches.length === 0 ? 1 : Math.min(...options.batches);
  if (options.batches !== undefined && options.batches.length > 0) {
    batchPlan = planBatches(planInput, options.batches);
    if (batchPlan.breakEvenBatch !== undefined) notes.push(`break-even batch: from ${batchPlan.breakEvenBatch} sequences per pass on, no speculation (P = 1) is best under this latency model`);
    else {
      notes.push(
        `no break-even batch up to ${MAX_BATCH}: ` +
          (verifierTable === undefined
            ? `under this roofline each sequence's KV cache (context ${options.contextLength ?? 1024}) is read once per pass however many tokens it verifies, so the pass stays memory-bound per sequence and a short draft keeps paying at any batch (shorter contexts break even: try --context 128); real servers add per-token costs this model leaves out, so time them (--latency-csv)`
            : 'the measured table never makes P = 1 best; check its rows at large k')
      );
    }
  }
  const result = planAtBatch(
    {
      ...planInput,
      ...(batchPlan === undefined || batchPlan.chainSchedule.length < 2 ? {} : { batchSchedule: batchPlan.chainSchedule }),
      ...(batchPlan?.chainBreakEvenBatch === undefined ? {} : { breakEvenBatch: batchPlan.chainBreakEvenBatch }),
    },
    mainBatch,
  );
  if (result.cost !== undefined) notes.push(mainBatch === 1 ? "cost assumes one sequence at a time on the devices (batch 1, the paper's setting); see --batch" : `cost is for batch ${mainBatch} (${mainBatch} sequences share each pass)`);

  if (verifierTable?.extrapolates(result.best.P) === true) {
    // Beyond the table the latency is a guess (the last slope, never decreasing), so the chosen P may be an artefact of it.
    const lastK = verifierTable.rows[verifierTable.rows.length - 1]!.k;
    notes.push(`the best P = ${result.best.P} lies beyond the verifier latency table (k up to ${lastK}): T_v(${result.best.P}) is extrapolated, not measured; time larger k (e.g. specbound profile --k 1..${result.best.P}) before trusting this P`);
  }

  let deploymentJson: PlanResult['deployment'];
  let deploymentPoint: { P: number; speedup: number } | undefined;
  if (deployment !== undefined) {
    const comparison = compareDeployment(deployment, {
      ...(report === undefined ? {} : { report }),
      ...(ceiling !== undefined && ceiling.name === 'iid' ? { iid: ceiling } : {}),
      ...(stats === undefined ? {} : { stats }),
      ...(reportFile === undefined ? {} : { runLabel: reportFile }),
    });
    let speedupAtBudget: number | undefined;
    if (deployment.budget !== undefined && deployment.meanAcceptanceLength <= deployment.budget) {
      speedupAtBudget = result.evaluate(deployment.budget, deployment.meanAcceptanceLength).speedup;
      deploymentPoint = { P: deployment.budget, speedup: speedupAtBudget };
    }
    deploymentJson = { ...comparison, ...(speedupAtBudget === undefined ? {} : { speedupAtBudget }), plannedSpeedup: result.best.speedup };
  }

  const best = pointJson(result.best);
  const json: PlanResult = {
    input: {
      source: sourceInfo,
      curve: { name: curve.name, description: curve.description },
      verifier: { architecture: arch.name, gpu: gpu.name, devices, latency: verifier.description, kind: verifier.kind, T1Ms: result.baseline.verifierMs },
      drafter: { kind: drafter, latency: drafter === 'ngram' ? 'n-gram lookup, taken as free' : (draftPass?.description ?? ''), ...(drafterBasis === undefined ? {} : { model: drafterBasis }) },
      ...(ceiling === undefined ? {} : { ceiling: { name: ceiling.name, label: ceilingLabelOf(ceiling), description: ceiling.description } }),
    },
    best: { ...best, kinds: { expectedAccepted: best.kind, speedup: best.speedupKind, tokensPerSecond: best.speedupKind } },
    baseline: { ...result.baseline },
    curve: result.curve.map(pointJson),
    tree: { ...result.tree, rankPaths: result.tree.rankPaths },
    ...(result.cost === undefined ? {} : { cost: { ...result.cost, savingFraction: 1 - result.cost.withSpeculation / result.cost.withoutSpeculation } }),
    configs: result.configs,
    ...(result.chain === undefined ? {} : { chain: result.chain }),
    ...(batchPlan === undefined ? {} : { batch: { ...batchPlan, planned: mainBatch } }),
    ...(deploymentJson === undefined ? {} : { deployment: deploymentJson }),
    notes: [...notes, ...result.notes, ...result.configs.notes],
  };
  return { result: json, plan: result, ...(deploymentPoint === undefined ? {} : { deploymentPoint }) };
}
