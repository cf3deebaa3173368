/**
 * `specbound report [RUN_DIR]`: writes report.json, report.md (+ figures/*.svg) and a
 * self-contained report.html for a measurement, measuring first when needed. With no RUN_DIR and
 * no --target it measures the built-in model pair on the built-in prompts into
 * ./specbound-report/ with settings sized to finish in about a minute on a laptop.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidValueError, SpecboundError } from '../../core/errors.js';
import { MEASURE_DEFAULTS, type MeasureConfig } from '../../measure/config.js';
import type { Report } from '../../results/results-schema.js';
import { addMeasureOptions, announceCost, configFromFlags, DRY_RUN_OPTION, FRESH_OPTION, measureWithProgress, type MeasureFlags } from './measure.js';

export const DEFAULT_REPORT_DIR = 'specbound-report';

const MEASURE_FLAG_NAMES: (keyof MeasureFlags)[] = [
  'target', 'draft', 'prompts', 'promptsPerTask', 'samples', 'maxNewTokens', 'maxPromptTokens', 'temperature', 'PMax', 'treeEvery', 'iidTrees', 'seed', 'chatTemplate',
];

type ReportFlags = MeasureFlags & { out?: string; json?: boolean; fresh?: boolean; dryRun?: boolean; gpu?: string; arch?: string; speedup?: boolean; latency?: string };

/**
 * T(P) of the adaptive-budget analysis from --latency: constant, linear:C, roofline (the verifier's
 * batch-1 roofline of --gpu/--arch, ms) or csv:FILE (a measured "k,ms" table, e.g. from specbound profile).
 */
async function adaptiveLatency(spec: string, PMax: number, gpuName: string, archName: string) {
  const { latencyFromModels, parseLatencySpec } = await import('../../adaptive/latency-curve.js');
  if (spec === 'roofline') {
    const [{ rooflineLatency }, { getGpuPreset }, { getArchitecturePreset }] = await Promise.all([
      import('../../plan/roofline.js'),
      import('../../plan/gpu-presets.js'),
      import('../../plan/architecture-presets.js'),
    ]);
    return latencyFromModels(PMax, rooflineLatency({ gpu: getGpuPreset(gpuName, '--gpu'), arch: getArchitecturePreset(archName, '--arch') }), undefined, 'roofline');
  }
  if (spec.startsWith('csv:')) {
    const file = spec.slice(4);
    const [{ parseLatencyCsv, measuredLatency }, { readTextSource }] = await Promise.all([import('../../plan/measured-latency.js'), import('../../plan/read-text-source.js')]);
    const text = await readTextSource(file);
    return latencyFromModels(PMax, measuredLatency(parseLatencyCsv(text, file), `measured table ${file}`), undefined, spec);
  }
  if (spec !== 'constant' && !spec.startsWith('linear:')) {
    throw new InvalidValueError('latency', spec, 'expected constant, linear:C (e.g. linear:0.05), roofline or csv:FILE', '--latency');
  }
  return parseLatencySpec(spec, PMax, '--latency');
}

/** The latency model of the report's speedup figure: a batch-1 roofline (plan/roofline.ts) of an example deployment. */
async function speedupLatency(gpuName: string, archName: string) {
  const [{ rooflineLatency }, { getGpuPreset }, { getArchitecturePreset }] = await Promise.all([
    import('../../plan/roofline.js'),
    import('../../plan/gpu-presets.js'),
    import('../../plan/architecture-presets.js'),
  ]);
  const gpu = getGpuPreset(gpuName, '--gpu');
  const arch = getArchitecturePreset(archName, '--arch');
  const roofline = rooflineLatency({ gpu, arch });
  return { verifierMs: (k: number) => roofline.milliseconds(k), description: `roofline of ${arch.name} on ${gpu.name}, batch 1` };
}

/** The stored configuration of a run directory, without the fields added for checking. */
async function storedConfig(runDir: string): Promise<MeasureConfig | undefined> {
  const { readJsonFile, CONFIG_FILE } = await import('../../measure/run-dir.js');
  const stored = readJsonFile(path.join(runDir, CONFIG_FILE));
  if (stored === undefined) return undefined;
  if (typeof stored !== 'object' || stored === null || !('target' in stored)) throw new SpecboundError(`${path.join(runDir, CONFIG_FILE)}: not a measurement configuration`);
  const { promptsDigest: _digest, chatTemplateUsed: _template, ...config } = stored as Record<string, unknown>;
  return config as unknown as MeasureConfig;
}

async function action(runDir: string | undefined, flags: ReportFlags): Promise<void> {
  const measureFlagsGiven = MEASURE_FLAG_NAMES.some((k) => flags[k] !== undefined);
  let dir: string;
  let config: MeasureConfig | undefined;
  if (runDir === undefined) {
    dir = flags.out ?? DEFAULT_REPORT_DIR;
    const builtinPair = flags.target === undefined;
    config = configFromFlags(flags, MEASURE_DEFAULTS, builtinPair ? { target: 'builtin', draft: 'builtin-draft', prompts: 'builtin' } : { prompts: 'builtin' });
  } else {
    dir = runDir;
    if (!existsSync(runDir) && !measureFlagsGiven) throw new InvalidValueError('RUN_DIR', runDir, 'does not exist; give a run directory of specbound measure, or --target to measure into it');
    const stored = await storedConfig(runDir);
    config = measureFlagsGiven ? configFromFlags(flags, stored ?? MEASURE_DEFAULTS, stored === undefined ? {} : { target: stored.target, prompts: stored.prompts, ...(stored.draft === undefined ? {} : { draft: stored.draft }), ...(stored.chatTemplate === undefined ? {} : { chatTemplate: stored.chatTemplate }) }) : stored;
    if (config === undefined) throw new InvalidValueError('RUN_DIR', runDir, 'holds no measurement (no config.json); give --target to measure into it');
  }
  if (await announceCost(config, flags)) return;
  // Checked before measuring, so a bad --latency costs nothing.
  const latency = flags.latency === undefined ? undefined : await adaptiveLatency(flags.latency, config.PMax, flags.gpu ?? 'h100-sxm', flags.arch ?? 'llama-3.1-8b');
  const outDir = runDir !== undefined && flags.out !== undefined ? flags.out : dir;
  const speedup = flags.speedup === false ? undefined : await speedupLatency(flags.gpu ?? 'h100-sxm', flags.arch ?? 'llama-3.1-8b');
  /** Renders (and prints) the report; called holding the lock of every directory it writes. */
  const render = async (results: Report): Promise<void> => {
    let report = results;
    if (latency !== undefined) {
      // The results hold the analysis at the default T(P); another T(P) is one more pass over the records.
      const [{ adaptiveSection }, { readRunRecords }] = await Promise.all([import('../../results/adaptive.js'), import('../../measure/run-measure.js')]);
      const adaptive = adaptiveSection(readRunRecords(dir).units, latency, config.seed);
      if (adaptive !== undefined) report = { ...report, adaptive };
    }
    const { writeReport } = await import('../../report/write-report.js');
    const written = writeReport(report, outDir, speedup === undefined ? {} : { latency: speedup });
    // Printed before the locks are released: the output is part of the job.
    if (flags.json === true) {
      const { printJson } = await import('../output.js');
      printJson(report);
      return;
    }
    const { findings } = await import('../../report/narrative.js');
    process.stdout.write(`${findings(report).map((f) => `- ${f}`).join('\n')}\n\nwrote ${written.html}\n      ${written.markdown}\n      ${written.json}\n`);
  };
  const elsewhere = !sameDirectory(outDir, dir);
  /** --out ELSEWHERE is written by this run only: it is locked like a run directory (issue 19). */
  const renderLocked = async (results: Report): Promise<void> => {
    if (!elsewhere) return render(results);
    const [{ makeDirectory }, { withRunDirLock }] = await Promise.all([import('../../core/make-directory.js'), import('../../measure/run-lock.js')]);
    makeDirectory(path.join(outDir, 'figures')); // what writeReport makes first (so a failure names the same path)
    return withRunDirLock(outDir, () => render(results));
  };
  if (runDir !== undefined && elsewhere && !measureFlagsGiven && flags.fresh !== true) {
    // A finished run whose results.json is current is only read (nothing is measured or written in
    // RUN_DIR), so it does not take RUN_DIR's lock: it renders even while another run holds it.
    const { cachedResults } = await import('../../results/run-results.js');
    const cached = cachedResults(runDir);
    if (cached !== undefined) return renderLocked(cached);
  }
  await measureWithProgress(config, dir, flags.concurrency, {
    fresh: flags.fresh === true,
    finish: async (outcome) => renderLocked(outcome.report!),
  });
}

/** Whether two paths name one directory (a directory not yet made is another). */
function sameDirectory(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .argument('[RUN_DIR]', 'a run directory of specbound measure (measured or continued first if incomplete)')
    .description(
      'Write report.json, report.md and a self-contained report.html (SVG figures: E[X] against P with the real oracle,\n' +
        'the i.i.d. simulation, each drafter, Theorem 1 and ln P/mu; drafters against Lemma 7; entropy histogram; temperature sweep).\n' +
        'With no RUN_DIR: measures --target (default: the built-in pair builtin / builtin-draft on the built-in prompts) into --out.',
    )
    .option('--out <dir>', `where to write (default: RUN_DIR, or ./${DEFAULT_REPORT_DIR} when measuring without RUN_DIR)`)
    .option('--json', 'print report.json on stdout as well')
    .option(...FRESH_OPTION)
    .option(...DRY_RUN_OPTION)
    .option('--gpu <name>', 'GPU of the speedup figure\'s latency model (a roofline; see specbound plan --help for the presets)', 'h100-sxm')
    .option('--arch <name>', 'verifier architecture of the speedup figure\'s latency model (a preset of specbound plan)', 'llama-3.1-8b')
    .option('--latency <curve>', 'T(P) of the adaptive-budget analysis: constant (the paper\'s), linear:C (each drafted node costs C plain steps; default linear:0.05), roofline (the --gpu/--arch roofline, ms) or csv:FILE (measured "k,ms")')
    .option('--no-speedup', 'leave out the speedup figure (its latency model is an example, not your deployment)');
  addMeasureOptions(cmd, MEASURE_DEFAULTS).action(action);
}
