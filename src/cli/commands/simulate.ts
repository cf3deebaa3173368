/**
 * `specbound simulate`: the exact optimum E[X*](P) of the paper's i.i.d. model (a branching
 * random walk) by Monte Carlo, beside Theorem 1 and ln P/μ; with a drafter, the q-greedy tree's
 * true E[X] beside Lemma 7.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import type { ChildLaw, SimulateIidResult } from '../../sim/index.js';
import { parseBudgetList, parseInteger, parseNumber } from '../parse.js';

interface SimulateOptions {
  preset?: string;
  law?: string;
  trace?: string;
  mu?: number;
  mu2?: number;
  vocab?: number;
  PMax: number;
  trees: number;
  workers?: number;
  seed: number;
  P?: number[];
  drafterNoise?: number;
  drafterTemperature?: number;
  drafterCandidates?: number;
  traceDrafter?: boolean;
  depthProfile?: boolean;
  json?: boolean;
}

/** One printed row of `specbound simulate --json`. */
export interface SimulateRow {
  P: number;
  /** Mean over trees of E[X*](P) (the q-greedy tree's E[X] with a drafter). */
  mean: number;
  /** Its standard error. */
  se: number;
  /** min(P, Theorem 1) where Theorem 1 applies (P ≥ 1 + μ₂/μ²), else the trivial bound P. */
  theorem1: number;
  /** Whether `theorem1` is Theorem 1's value (false: the trivial bound P). */
  theorem1Applies: boolean;
  /** Corollary 1's estimate ln P / μ. */
  limit: number;
  /** With a drafter: Lemma 7's estimate min(1/π₀, ln P/μ_CE). */
  lemma7?: number;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .summary('simulate the i.i.d. model: the exact optimum E[X*](P) beside Theorem 1')
    .description(
      'Simulates the paper\'s i.i.d. token tree (Assumption 2, a branching random walk): every node draws\n' +
        'its next-token distribution independently from one law, the optimal draft tree of budget P is\n' +
        'its P most probable nodes (Lemma 1), and E[X*](P) is their total probability. Averaged over\n' +
        'many trees this is the real ceiling under the paper\'s model; Theorem 1 bounds it from above\n' +
        '(loosely) and ln P/mu is its asymptotic estimate.\n\n' +
        'The law (one of):\n' +
        '  --preset NAME             a Table 1 row (e.g. llama3.1-8b, qwen3-8b/gsm8k), simulated with a law\n' +
        '                            calibrated to its (mu, mu2): confident nodes mixed with spread ones\n' +
        '  --mu X --mu2 Y            the same calibration for your own statistics\n' +
        '  --law zipf:S:V            every node Zipf(S) over V tokens: deterministic, the result is exact\n' +
        '  --law dirichlet:ALPHA:V   every node a fresh symmetric Dirichlet(ALPHA) over V tokens (each node\n' +
        '                            draws V Gamma variates: keep V in the hundreds)\n' +
        '  --law mixture:W:EPS:S:V   probability W: near-deterministic (top token 1-EPS), else Zipf(S)\n' +
        '  --law calibrated:MU:MU2[:V]\n' +
        '  --trace FILE              an empirical bank: every distribution recorded in a specbound trace\n\n' +
        'With a drafter (--drafter-noise/--drafter-temperature on any law, or --trace-drafter with a trace\n' +
        'holding "draft" distributions) the tree is built on the drafter\'s q (q-greedy, Lemma 1 on q) and\n' +
        'scored with the verifier\'s p; the lemma7 column is min(1/pi0, ln P/mu_CE).\n\n' +
        'Columns: P (tree nodes including the root), E[X*] and its standard error, theorem1 = min(P, bound)\n' +
        '(* = below 1 + mu2/mu^2, where only the trivial bound P holds), lnP/mu.\n' +
        'The same --seed gives bit-identical output for any --workers.\n\n' +
        'Examples:\n' +
        '  specbound simulate --preset llama3.1-8b --P-max 1024 --trees 20000\n' +
        '  specbound simulate --law zipf:1.1:32000 --P-max 256 --trees 1 --json\n' +
        '  specbound simulate --preset llama3.1-8b --drafter-noise 1 --P 8,16,32,60',
    )
    .option('--preset <name>', "a row of the paper's Table 1, e.g. llama3.1-8b or llama3.1-8b/mt-bench")
    .option('--law <spec>', 'zipf:S:V, dirichlet:ALPHA:V, mixture:W:EPS:S:V or calibrated:MU:MU2[:V]')
    .option('--trace <file>', 'a specbound trace (JSONL, .gz ok): simulate its recorded distributions as an empirical bank')
    .option('--mu <nats>', 'expected next-token entropy, for a calibrated law (with --mu2)', (v) => parseNumber('--mu', v, { min: 0, exclusiveMin: true }))
    .option('--mu2 <nats2>', 'expected second log-moment E[sum p (ln p)^2], for a calibrated law (with --mu)', (v) => parseNumber('--mu2', v, { min: 0 }))
    .option('--vocab <V>', 'vocabulary size of a calibrated law (default 128256, Llama 3)', (v) => parseInteger('--vocab', v, { min: 2 }))
    .option('--P-max <n>', 'largest budget P simulated (tree nodes including the root)', (v) => parseInteger('--P-max', v, { min: 1, max: 1 << 20 }), 1024)
    .option('--trees <n>', 'number of independent trees (Monte Carlo samples)', (v) => parseInteger('--trees', v, { min: 1 }), 20_000)
    .option('--workers <n>', `worker threads (default: number of cores, here ${os.availableParallelism()}; small runs stay in one thread)`, (v) => parseInteger('--workers', v, { min: 1, max: 256 }))
    .option('--seed <n>', 'random seed; the same seed gives the same output', (v) => parseInteger('--seed', v), DEFAULT_SEED)
    .option('--P <budgets>', 'budgets to print, e.g. 8,16,32 or 2..1024:x2 (default: powers of two up to P-max, and P-max)', (v) => parseBudgetList('--P', v))
    .option('--drafter-noise <sigma>', 'simulate a drafter q with ln q = ln p / T + sigma·N(0,1) (noise 0 = the verifier itself)', (v) => parseNumber('--drafter-noise', v, { min: 0 }))
    .option('--drafter-temperature <T>', 'temperature T of that drafter (default 1)', (v) => parseNumber('--drafter-temperature', v, { min: 0, exclusiveMin: true }))
    .option('--drafter-candidates <n>', 'that drafter proposes only among the verifier\'s top n tokens (default 1024)', (v) => parseInteger('--drafter-candidates', v, { min: 1 }))
    .option('--trace-drafter', 'with --trace: use the trace\'s "draft" distributions as the drafter')
    .option('--depth-profile', 'also print the mean number of nodes per depth of the P-max tree')
    .option('--json', 'print JSON: {"law": {...}, "mu": .., "mu2": .., "rows": [{"P", "mean", "se", "theorem1", "theorem1Applies", "limit"}]}')
    .action(async (opts: SimulateOptions) => {
      await runSimulate(opts);
    });
}

async function runSimulate(opts: SimulateOptions): Promise<void> {
  const sources = [opts.preset, opts.law, opts.trace, opts.mu ?? opts.mu2].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new InvalidValueError('law', sources.length === 0 ? '(none)' : sources.join(' and '), 'give exactly one of --preset, --law, --trace or --mu with --mu2');
  }
  if (opts.traceDrafter === true && opts.trace === undefined) throw new InvalidValueError('--trace-drafter', true, 'needs --trace FILE');
  const noisyDrafter = opts.drafterNoise !== undefined || opts.drafterTemperature !== undefined || opts.drafterCandidates !== undefined;
  if (noisyDrafter && opts.traceDrafter === true) throw new InvalidValueError('--drafter-noise', opts.drafterNoise ?? '', 'use either a simulated drafter or --trace-drafter, not both');
  const budgets = opts.P ?? defaultBudgets(opts.PMax);
  const tooLarge = budgets.find((P) => P > opts.PMax);
  if (tooLarge !== undefined) throw new InvalidValueError('--P', tooLarge, `exceeds --P-max ${opts.PMax}`);

  const sim = await import('../../sim/index.js');
  const theory = await import('../../theory/index.js');
  let law: ChildLaw;
  if (opts.preset !== undefined) {
    const preset = theory.getPreset(opts.preset);
    law = sim.calibratedLaw({ mu: preset.mu, mu2: preset.mu2, preset: preset.name, ...(opts.vocab === undefined ? {} : { vocabSize: opts.vocab }) }, `--preset ${opts.preset}`);
  } else if (opts.law !== undefined) {
    law = sim.parseLaw(opts.law);
  } else if (opts.trace !== undefined) {
    law = await sim.traceLaw(opts.trace, { keepTop: Math.max(1, opts.PMax - 1), drafter: opts.traceDrafter === true, onWarning: (m) => process.stderr.write(`specbound: warning: ${m}\n`) });
  } else {
    if (opts.mu === undefined || opts.mu2 === undefined) throw new InvalidValueError(opts.mu === undefined ? '--mu' : '--mu2', '(missing)', '--mu and --mu2 go together');
    law = sim.calibratedLaw({ mu: opts.mu, mu2: opts.mu2, ...(opts.vocab === undefined ? {} : { vocabSize: opts.vocab }) }, '--mu/--mu2');
  }
  if (noisyDrafter) {
    law = sim.noisyDrafterLaw(law, {
      ...(opts.drafterNoise === undefined ? {} : { noise: opts.drafterNoise }),
      ...(opts.drafterTemperature === undefined ? {} : { temperature: opts.drafterTemperature }),
      ...(opts.drafterCandidates === undefined ? {} : { candidates: opts.drafterCandidates }),
    });
  }

  const { createProgress } = await import('../progress.js');
  const progress = createProgress('simulate', opts.trees);
  let result: SimulateIidResult;
  try {
    result = await sim.simulateIid({
      law,
      maxNodes: opts.PMax,
      trees: opts.trees,
      seed: opts.seed,
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
      depthProfile: opts.depthProfile === true,
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
  }

  const stats = { mu: result.mu, mu2: result.mu2 };
  const rows: SimulateRow[] = budgets.map((P) => {
    const r = result.rows[P - 1]!;
    const bound = theory.reportedBound(stats, P);
    return {
      P,
      mean: r.mean,
      se: r.se,
      theorem1: bound.value,
      theorem1Applies: bound.theoremApplies,
      limit: theory.limitEstimate(result.mu, P),
      ...(result.drafter === undefined ? {} : { lemma7: theory.lemma7Estimate(result.drafter, P) }),
    };
  });
  const output = {
    law: result.law,
    mu: result.mu,
    mu2: result.mu2,
    momentsExact: result.momentsExact,
    ...(result.drafter === undefined ? {} : { muCE: result.drafter.muCE, pi0: result.drafter.pi0 }),
    PMax: opts.PMax,
    trees: result.trees,
    seed: result.seed,
    theorem1ValidFrom: theory.theorem1ValidFrom(stats),
    rows,
    ...(result.depthProfile === undefined ? {} : { depthProfile: result.depthProfile }),
  };
  if (opts.json === true) {
    const { printJson } = await import('../output.js');
    printJson(output);
    return;
  }
  const { formatNumber } = await import('../../core/format-number.js');
  const { formatTable } = await import('../../core/text-table.js');
  const lines: string[] = [];
  lines.push(`law: ${describeLaw(result.law)}`);
  lines.push(
    `mu = ${formatNumber(result.mu)} nats, mu2 = ${formatNumber(result.mu2)}${result.momentsExact ? '' : ' (estimated)'}; Theorem 1 applies from P = ${formatNumber(output.theorem1ValidFrom)}` +
      (result.drafter === undefined ? '' : `; drafter mu_CE = ${formatNumber(result.drafter.muCE)}, pi0 = ${formatNumber(result.drafter.pi0)}`),
  );
  lines.push(`${result.trees} trees, seed ${result.seed}${result.drafter === undefined ? '' : '; E[X] is the q-greedy tree scored with p'}`);
  lines.push('');
  const headers = ['P', result.drafter === undefined ? 'E[X*] sim' : 'E[X_q] sim', '± se', 'theorem1', 'lnP/mu', ...(result.drafter === undefined ? [] : ['lemma7'])];
  lines.push(
    formatTable(
      headers,
      rows.map((r) => [r.P, r.mean, r.se, `${formatNumber(r.theorem1)}${r.theorem1Applies ? '' : '*'}`, r.limit, ...(r.lemma7 === undefined ? [] : [r.lemma7])]),
    ),
  );
  if (rows.some((r) => !r.theorem1Applies)) lines.push(`* below P = 1 + mu2/mu^2 = ${formatNumber(output.theorem1ValidFrom)} Theorem 1 says nothing; shown is the trivial bound P`);
  if (result.depthProfile !== undefined) {
    lines.push('');
    lines.push(`mean nodes per depth of the P = ${opts.PMax} tree (depth 0 = root):`);
    lines.push(formatTable(['depth', 'nodes'], result.depthProfile.map((n, d) => [d, n])));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Powers of two up to P-max, and P-max itself. */
export function defaultBudgets(maxNodes: number): number[] {
  const out: number[] = [];
  for (let P = 1; P < maxNodes; P *= 2) out.push(P);
  out.push(maxNodes);
  return out;
}

function describeLaw(law: { readonly kind: string; readonly [k: string]: unknown }): string {
  const parts = Object.entries(law)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(6)) : typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${law.kind}${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`;
}
