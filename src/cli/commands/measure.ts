/**
 * `specbound measure`: measure a verifier (and drafter) on a prompt set into a resumable run
 * directory. The options are shared with `specbound report`, which measures when needed.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { MEASURE_CONFIG_VERSION, MEASURE_DEFAULTS, type MeasureConfig } from '../../measure/config.js';
import type { MeasuredResults } from '../../results/run-results.js';
import { STRATEGIES } from '../../tree/strategies/registry.js';
import { parseInteger, parseNumber } from '../parse.js';

export interface MeasureFlags {
  target?: string;
  draft?: string;
  prompts?: string;
  promptsPerTask?: string;
  samples?: string;
  maxNewTokens?: string;
  maxPromptTokens?: string;
  temperature?: string;
  PMax?: string;
  treeEvery?: string;
  iidTrees?: string;
  seed?: string;
  concurrency?: string;
  chatTemplate?: string;
}

/** Defaults of the measurement settings (MEASURE_DEFAULTS, or a stored run's configuration). */
export type MeasureDefaults = { readonly [K in keyof typeof MEASURE_DEFAULTS]: number };

/** Adds the measurement options (no defaults in commander, so `report` can tell what was given). */
export function addMeasureOptions(cmd: Command, defaults: MeasureDefaults = MEASURE_DEFAULTS): Command {
  return cmd
    .option('--target <model>', 'the verifier: builtin, llama2c:PATH, llama2c-skip:PATH#layers=..., openai:URL#model=NAME, gguf:PATH[#threads=N&mode=exact|fast] (exact, the default: float32 KV cache, no flash attention; fast moves log-probs by up to 0.02 nats on stories260K)')
    .option('--draft <model>', 'the drafter (same spellings; must share the target\'s tokenizer); without it only the oracle and i.i.d. curves are measured')
    .option('--prompts <set>', 'builtin, or a prompt file: Spec-Bench/MT-bench question.jsonl, HumanEval or GSM8K JSONL, any JSONL with a "prompt"/"text" field, or plain text (one prompt per line); detected by content')
    .option('--prompts-per-task <n>', `use at most n prompts of each task, in file order (default ${defaults.promptsPerTask})`)
    .option('--samples <n>', `continuations sampled per prompt (default ${defaults.samples})`)
    .option('--max-new-tokens <n>', `tokens generated per continuation (default ${defaults.maxNewTokens})`)
    .option('--max-prompt-tokens <n>', `longer prompts keep their last n tokens, so small-context models fit (default ${defaults.maxPromptTokens})`)
    .option('--temperature <T>', `sampling temperature of the verifier and drafter, >= 0; 0 = greedy verification (the speed-of-light is then P; drafters draft at T = 1) (default ${defaults.temperature})`)
    .option('--P-max <n>', `largest draft budget P, tree nodes including the root (default ${defaults.PMax})`)
    .option('--tree-every <k>', `build the oracle and drafter trees at every k-th generated position, to bound the cost (default ${defaults.treeEvery})`)
    .option('--iid-trees <n>', `trees of the i.i.d. branching-random-walk simulation (default ${defaults.iidTrees})`)
    .option('--chat-template <how>', 'auto (default): conversational prompts (MT-bench, Spec-Bench, the built-in conversation/math/summarisation ones) go through the target\'s chat template when it has one (a gguf: model\'s tokenizer.chat_template), plain text otherwise; off: always plain text; server: an openai: target\'s server applies its own template (vLLM\'s POST /tokenize with messages, add_generation_prompt true); FILE: a Jinja chat template file, for any model (./server for a file named server). The template used is recorded in the run config')
    .option('--seed <s>', `seed of every random draw; the same seed gives the same numbers, interrupted or not (default ${defaults.seed})`)
    .option('--concurrency <n>', 'continuations measured at once (default: the models\' concurrency: 1 in-process, an openai: model\'s &concurrency=N, default 16)');
}

/** The configuration from the flags, with `defaults` for what was not given. */
export function configFromFlags(flags: MeasureFlags, defaults: MeasureDefaults = MEASURE_DEFAULTS, fallback: { target?: string; draft?: string; prompts?: string; chatTemplate?: string } = {}): MeasureConfig {
  const target = flags.target ?? fallback.target;
  if (target === undefined) throw new InvalidValueError('--target', '(missing)', 'give the verifier model, e.g. --target builtin or --target llama2c:PATH');
  const given = flags.prompts ?? fallback.prompts;
  if (given === undefined) throw new InvalidValueError('--prompts', '(missing)', 'give builtin or a prompt file');
  // A prompt file is stored by absolute path, so `report RUN_DIR` works from any directory.
  const prompts = given === 'builtin' || flags.prompts === undefined ? given : path.resolve(given);
  const draft = flags.draft ?? fallback.draft;
  const int = (flag: string, v: string | undefined, d: number, min = 1) => (v === undefined ? d : parseInteger(flag, v, { min }));
  return {
    version: MEASURE_CONFIG_VERSION,
    target,
    ...(draft === undefined ? {} : { draft }),
    prompts,
    promptsPerTask: int('--prompts-per-task', flags.promptsPerTask, defaults.promptsPerTask),
    samples: int('--samples', flags.samples, defaults.samples),
    maxNewTokens: int('--max-new-tokens', flags.maxNewTokens, defaults.maxNewTokens),
    maxPromptTokens: int('--max-prompt-tokens', flags.maxPromptTokens, defaults.maxPromptTokens),
    temperature: flags.temperature === undefined ? defaults.temperature : parseNumber('--temperature', flags.temperature, { min: 0 }),
    PMax: int('--P-max', flags.PMax, defaults.PMax),
    treeEvery: int('--tree-every', flags.treeEvery, defaults.treeEvery),
    keepTop: Math.max(defaults.keepTop, int('--P-max', flags.PMax, defaults.PMax) - 1),
    denseUpTo: defaults.denseUpTo,
    iidTrees: int('--iid-trees', flags.iidTrees, defaults.iidTrees, 2),
    seed: flags.seed === undefined ? defaults.seed : parseInteger('--seed', flags.seed, { min: -(2 ** 31), max: 2 ** 31 - 1 }),
    ...chatTemplateSetting(flags.chatTemplate, fallback.chatTemplate),
  };
}

/** `--chat-template`: absent from the config for `auto` (the default); a file is stored by absolute path, like a prompt file. */
function chatTemplateSetting(given: string | undefined, fallback: string | undefined): { chatTemplate?: string } {
  if (given === undefined) return fallback === undefined ? {} : { chatTemplate: fallback };
  if (given === 'auto') return {};
  if (given === 'off' || given === 'server') return { chatTemplate: given };
  if (given.trim() === '') throw new InvalidValueError('--chat-template', given, 'expected auto, off, server or a Jinja template file');
  return { chatTemplate: path.resolve(given) };
}

/**
 * Runs a measurement, then its results stage, with a progress bar on stderr; returns the outcome.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops at once: completed units are already in the run directory's
 * append-only log (a unit is written whole or not at all, so even SIGKILL loses only the unit in
 * flight). The handler restores the terminal (the bar hides the cursor and turns line wrap off),
 * says how many units are saved and exits 130 (128 + SIGINT, the shell convention).
 *
 * After the results, `run.finish` (the report's writing and output) runs still under the run
 * directory's lock, so the whole job is one writer's (issue 19).
 */
export async function measureWithProgress(
  config: MeasureConfig,
  outDir: string,
  concurrency: string | undefined,
  run: { readonly fresh?: boolean; readonly finish?: (results: MeasuredResults) => Promise<void> } = {},
) {
  const [{ measureAndBuildResults }, { createProgress, stopAllProgress }] = await Promise.all([import('../../results/run-results.js'), import('../progress.js')]);
  let bar: ReturnType<typeof createProgress> | undefined;
  let phase = '';
  let units: { done: number; total: number; stage: string } | undefined;
  let reporting = false;
  const interrupted = (signal: NodeJS.Signals) => {
    stopAllProgress();
    if (process.stderr.isTTY === true) process.stderr.write('\x1b[?25h\x1b[?7h'); // cursor on, line wrap on
    const saved = reporting
      ? `the results are saved in ${outDir}, the report is not written completely`
      : units === undefined
        ? 'no unit was measured yet'
        : units.done >= units.total
          ? `all ${units.total} units are saved in ${outDir}, the results are not written yet`
          : `${units.done} of ${units.total} units${units.stage === 'measuring' ? '' : ` of the ${units.stage} stage`} saved in ${outDir}`;
    process.stderr.write(`\nspecbound: interrupted (${signal}): ${saved}; run the same command to continue\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const finish = run.finish;
    const outcome = await measureAndBuildResults({
      config,
      outDir,
      ...(run.fresh === true ? { fresh: true } : {}),
      ...(concurrency === undefined ? {} : { concurrency: parseInteger('--concurrency', concurrency, { min: 1, max: 1024 }) }),
      onProgress(p) {
        // Units are what the run directory saves: continuations, then their static-tree passes.
        if (p.phase === 'measuring' || p.phase === 'static trees') units = { done: p.done, total: p.total, stage: p.phase };
        if (p.phase !== phase) {
          bar?.stop();
          phase = p.phase;
          bar = createProgress(p.phase.padEnd(17), p.total);
        }
        bar?.update(p.done, p.total);
      },
    }, finish === undefined ? undefined : async (results) => {
      bar?.stop();
      bar = undefined;
      reporting = true;
      await finish(results);
    });
    return outcome;
  } finally {
    bar?.stop();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/** The strategies a measurement with a drafter scores (from the one registry). */
function measuredStrategyNames(): string {
  return STRATEGIES.filter((s) => s.measured).map((s) => s.name).join(', ');
}

/** Examples printed after `measure --help` (and `report --help`). */
export const MEASURE_EXAMPLES = `
Examples:
  # the built-in pair on the built-in prompts (the default prompt set), into runs/builtin
  specbound measure --target builtin --draft builtin-draft --out runs/builtin
  # Karpathy's stories260K with a layer-skip self-drafter, on MT-bench (prompt files are detected by content)
  specbound measure --target llama2c:../shared/models/stories260K/stories260K.bin \\
    --draft 'llama2c-skip:../shared/models/stories260K/stories260K.bin#layers=0,1,2' \\
    --prompts ../shared/data/mtbench_question.jsonl --out runs/stories260K
  # a served model (top-k logprobs: mu and mu2 come out as intervals); --dry-run prints what it would send
  specbound measure --target 'openai:http://127.0.0.1:8000/v1#model=NAME&logprobs=20' --out runs/served --dry-run

Interrupt with Ctrl-C at any time and run the same command to continue; --fresh discards a run
directory's measurement and starts over. Remote models: see src/models/openai/README.md for the
request pattern, SPECBOUND_OPENAI_API_KEY, retries and concurrency.`;

/** --dry-run, shared by measure and report. */
export const DRY_RUN_OPTION = ['--dry-run', 'print what the run would ask of a remote model (requests, prompt tokens) and stop, without measuring'] as const;

/**
 * The cost of a run against remote models (src/measure/request-budget.ts), as lines for stderr
 * (before measuring) or stdout (`--dry-run`); undefined when every model is local.
 */
export async function remoteCost(config: MeasureConfig): Promise<{ lines: string; budget: unknown } | undefined> {
  const [{ isRemoteSpelling }, { requestBudget }, { selectPrompts }] = await Promise.all([
    import('../../models/registry.js'),
    import('../../measure/request-budget.js'),
    import('../../measure/run-measure.js'),
  ]);
  const formatCount = (n: number) => n.toLocaleString('en-US');
  const verifierRemote = isRemoteSpelling(config.target, '--target');
  const drafterRemote = config.draft !== undefined && isRemoteSpelling(config.draft, '--draft');
  const prompts = selectPrompts(config).length;
  const hasDrafter = config.draft !== undefined;
  const budget = requestBudget(config, {
    prompts,
    dynamicStrategies: hasDrafter ? STRATEGIES.filter((s) => s.kind === 'dynamic' && s.measured).length : 0,
    staticStrategies: hasDrafter ? STRATEGIES.filter((s) => s.kind === 'static' && s.measured).length : 0,
    verifierRemote,
    drafterRemote,
  });
  if (!verifierRemote && !drafterRemote) return undefined;
  const lines =
    `this run sends at most ${formatCount(budget.requests)} completions requests carrying at most ${formatCount(budget.promptTokens)} prompt tokens ` +
    `(${formatCount(budget.units)} continuations of ${config.maxNewTokens} tokens, trees to P = ${config.PMax} at every ${config.treeEvery}th position), ` +
    `plus ${formatCount(budget.tokenizeRequests)} tokenize requests; &batch=B packs up to B prefixes per request, and nodes shared by several trees are asked once, ` +
    'so the real count is lower (see src/models/openai/README.md for the request pattern and SPECBOUND_OPENAI_API_KEY)';
  return { lines, budget };
}

/**
 * Before a run: with --dry-run print the cost (or that nothing is remote) and say to stop; for a
 * remote model print the cost on stderr and go on.
 */
export async function announceCost(config: MeasureConfig, flags: { dryRun?: boolean; json?: boolean }): Promise<boolean> {
  const cost = await remoteCost(config);
  if (flags.dryRun === true) {
    if (flags.json === true) {
      const { printJson } = await import('../output.js');
      printJson({ remote: cost !== undefined, ...(cost === undefined ? {} : { atMost: cost.budget }) });
    } else process.stdout.write(`${cost === undefined ? 'every model is local: this run sends no request' : cost.lines}\n`);
    return true;
  }
  if (cost !== undefined) process.stderr.write(`specbound: ${cost.lines}\n`);
  return false;
}

/** --fresh, shared by measure and report. */
export const FRESH_OPTION = ['--fresh', 'discard what the run directory holds (units, results, trace, report) and start over; without it an existing run is continued'] as const;

export function register(program: Command): void {
  const cmd = program
    .command('measure')
    .description(
      'Measure a verifier (and drafter) on a prompt set: mu, mu2 (and mu_CE, pi0) per task with CIs, the real oracle E[X*](P)\n' +
        `(Lemma 1 on the true model), each drafting strategy's E[X](P) (${measuredStrategyNames()}), the i.i.d. simulation and the bounds.\n` +
        '--target names the model to measure (`specbound report` alone measures the built-in pair); without --prompts: the built-in prompt set.\n' +
        'The defaults are those of `specbound report` (one set, in src/measure/config.ts). Resumable: rerun the same command to\n' +
        'continue an interrupted run; results go to RUN_DIR/results.json, and `specbound report RUN_DIR` renders them.',
    )
    .requiredOption('--out <dir>', 'the run directory (created; an existing one is continued if its configuration matches)')
    .option(...FRESH_OPTION)
    .option(...DRY_RUN_OPTION)
    .option('--json', 'print the results (report.json contents) as JSON on stdout')
    .addHelpText('after', MEASURE_EXAMPLES);
  addMeasureOptions(cmd).action(async (flags: MeasureFlags & { out: string; json?: boolean; fresh?: boolean; dryRun?: boolean }) => {
    const config = configFromFlags(flags, MEASURE_DEFAULTS, { prompts: 'builtin' });
    if (await announceCost(config, flags)) return;
    const outcome = await measureWithProgress(config, flags.out, flags.concurrency, { fresh: flags.fresh === true });
    const report = outcome.report!;
    if (flags.json === true) {
      const { printJson } = await import('../output.js');
      printJson(report);
      return;
    }
    const { formatTable } = await import('../../core/text-table.js');
    const { curvesTable, statsTable } = await import('../../report/tables.js');
    const stats = statsTable(report);
    const curves = curvesTable(report);
    process.stdout.write(
      `${outcome.unitsResumed > 0 ? `continued a run: ${outcome.unitsResumed} of ${outcome.unitsTotal} continuations were already measured\n` : ''}` +
        `${formatTable(stats.headers, stats.rows)}\n\n${formatTable(curves.headers, curves.rows)}\n\nresults: ${flags.out}/results.json (specbound report ${flags.out} writes the report)\n`,
    );
  });
}
