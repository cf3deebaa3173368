/**
 * The configuration of a measurement run, stored as `config.json` in the run directory. Two runs
 * with the same configuration produce the same numbers (every random draw is derived from
 * (seed, unit index)), so a run directory can only be continued with the configuration it was
 * created with.
 */
import { InvalidValueError, SpecboundError } from '../core/errors.js';

export const MEASURE_CONFIG_VERSION = 1;

export interface MeasureConfig {
  readonly version: typeof MEASURE_CONFIG_VERSION;
  /** Verifier model spelling (`builtin`, `llama2c:PATH`, `openai:URL#model=NAME`). */
  readonly target: string;
  /** Drafter model spelling; absent: no drafter curves. */
  readonly draft?: string;
  /** `builtin` or the prompt file's path as given. */
  readonly prompts: string;
  /** At most this many prompts of each task (in file order). */
  readonly promptsPerTask: number;
  /** Continuations sampled per prompt. */
  readonly samples: number;
  /** Tokens generated per continuation (fewer if the model emits EOS). */
  readonly maxNewTokens: number;
  /** Prompts longer than this keep their last tokens (BOS kept), so small-context models fit. */
  readonly maxPromptTokens: number;
  /**
   * Sampling temperature of the verifier (and the drafter), T ≥ 0. T = 0 is greedy verification:
   * the verifier's next token is its argmax, E[X*](P) = P, and the drafter drafts from its q at T = 1.
   */
  readonly temperature: number;
  /** Largest draft budget P (nodes including the root). */
  readonly PMax: number;
  /** Trees (oracle, drafters) are built at every `treeEvery`-th generated position. */
  readonly treeEvery: number;
  /** Tokens kept per recorded distribution when the vocabulary is larger than `denseUpTo` (top-k with tail mass). */
  readonly keepTop: number;
  /** Vocabularies up to this size are recorded dense (complete). */
  readonly denseUpTo: number;
  /** Trees of the i.i.d. branching-random-walk simulation. */
  readonly iidTrees: number;
  readonly seed: number;
  /**
   * `--chat-template`: `off`, `server` (an openai: target's server applies its template), or a Jinja template file's absolute path; absent: `auto` (the
   * target's own template when it has one, for conversational prompts). models/chat-template.ts.
   */
  readonly chatTemplate?: string;
}

/**
 * The one set of defaults of a measurement, for `specbound measure` and `specbound report` alike
 * (their --help prints these values). They are sized so the built-in pair on the built-in prompts
 * finishes in about a minute on a laptop (2 prompts per task × 2 samples × 48 tokens, trees up to
 * P = 64 at every 4th position; 8000 i.i.d. trees, so the simulation's standard error — 0.015 at
 * P = 60 on the built-in pair — stays well below the real oracle's, 0.079); for numbers to publish raise --prompts-per-task and --samples
 * (the confidence intervals shrink with the number of sequences) and --P-max for large budgets.
 */
export const MEASURE_DEFAULTS = {
  promptsPerTask: 2,
  samples: 2,
  maxNewTokens: 48,
  maxPromptTokens: 256,
  temperature: 1,
  PMax: 64,
  treeEvery: 4,
  keepTop: 256,
  denseUpTo: 4096,
  iidTrees: 8000,
  seed: 1,
} as const;

/** Checks the ranges of a configuration, naming the flag of any bad value. */
export function validateMeasureConfig(config: MeasureConfig): void {
  const int = (flag: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new InvalidValueError(flag, v, `must be an integer in ${min}..${max}`);
  };
  int('--prompts-per-task', config.promptsPerTask, 1);
  int('--samples', config.samples, 1);
  int('--max-new-tokens', config.maxNewTokens, 1, 100_000);
  int('--max-prompt-tokens', config.maxPromptTokens, 1);
  int('--P-max', config.PMax, 1, 65_536);
  int('--tree-every', config.treeEvery, 1);
  int('--keep-top', config.keepTop, 1);
  int('--iid-trees', config.iidTrees, 2);
  int('--seed', config.seed, -(2 ** 31), 2 ** 31 - 1);
  if (!(config.temperature >= 0 && Number.isFinite(config.temperature))) {
    throw new InvalidValueError('--temperature', config.temperature, 'must be a finite number >= 0 (0 = greedy verification)');
  }
  if (config.keepTop < config.PMax - 1) {
    throw new InvalidValueError('--keep-top', config.keepTop, `must be >= P-max - 1 = ${config.PMax - 1} so the i.i.d. simulation is exact up to P-max`);
  }
}

/** The configuration as canonical JSON (fixed key order), for config.json and comparisons. */
export function canonicalConfig(config: MeasureConfig): Record<string, unknown> {
  const keys: (keyof MeasureConfig)[] = [
    'version', 'target', 'draft', 'prompts', 'promptsPerTask', 'samples', 'maxNewTokens', 'maxPromptTokens',
    'temperature', 'PMax', 'treeEvery', 'keepTop', 'denseUpTo', 'iidTrees', 'seed', 'chatTemplate',
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (config[k] !== undefined) out[k] = config[k];
  return out;
}

/** Throws a one-line error listing what differs between a run directory's configuration and the command's. */
export function checkSameConfig(runDir: string, stored: Record<string, unknown>, want: Record<string, unknown>): void {
  const keys = new Set([...Object.keys(stored), ...Object.keys(want)]);
  const diffs: string[] = [];
  for (const k of keys) {
    if (JSON.stringify(stored[k]) !== JSON.stringify(want[k])) diffs.push(`${k} ${JSON.stringify(stored[k]) ?? '(none)'} there, ${JSON.stringify(want[k]) ?? '(none)'} here`);
  }
  if (diffs.length > 0) {
    throw new SpecboundError(
      `run directory ${runDir} holds a measurement with another configuration (${diffs.join('; ')}); run the same command as before to continue it, add --fresh to discard it and start over, or choose another --out`,
    );
  }
}
