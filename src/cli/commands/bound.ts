/**
 * `specbound bound`: the speed-of-light of speculative decoding for given entropy statistics
 * (typed, or a Table 1 preset) at a list of verifier budgets.
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import {
  budgetForLemma7,
  budgetForLimit,
  budgetForTheorem1,
  getPreset,
  largestEntropyForLimit,
  largestEntropyForTheorem1,
  lemma7Estimate,
  limitEstimate,
  clampEstimate,
  reportedBound,
  speedupCeiling,
  theorem1Coefficients,
  theorem1ValidFrom,
  validateCrossEntropy,
  validateEntropyStats,
  validateMissMass,
} from '../../theory/index.js';
import { formatNumber } from '../../core/format-number.js';
import { formatTable } from '../../core/text-table.js';
import { printJson } from '../output.js';
import { parseBudgetList, parseNumber } from '../parse.js';

export const DEFAULT_BUDGETS = '2..1024:x2';

interface BoundOptions {
  mu?: number;
  mu2?: number;
  muCe?: number;
  pi0?: number;
  P: number[];
  preset?: string;
  target?: number;
  json?: boolean;
}

export interface BoundRow {
  P: number;
  /** Theorem 1's closed form where it applies (P ≥ 1 + μ₂/μ²), else null. */
  theorem1: number | null;
  theorem1Applies: boolean;
  /** min(P, Theorem 1) where it applies, else the trivial bound P. */
  reported: number;
  /** Corollary 1: ln P / μ, clamped to [1, P] (E[X] lies there). */
  limit: number;
  /** ln P / μ_CE, when μ_CE is given, clamped to [1, P]. */
  limitCE?: number;
  /** Lemma 7: min(1/π₀, ln P/μ_CE), when μ_CE is given, clamped to [1, P]. */
  lemma7?: number;
  /** Speedup ceiling under the paper's timing model: speedup ≤ E[X] ≤ reported. */
  speedupCeiling: number;
  /** True when ln P/μ fell outside [1, P] and `limit` was clamped. */
  limitClamped?: boolean;
}

export function register(program: Command): void {
  program
    .command('bound')
    .summary('speed-of-light bounds for given entropy statistics (Theorem 1, ln P/mu, Lemma 7)')
    .description(
      'Prints, for each verifier budget P, the most tokens per verifier pass that any deterministic\n' +
        'speculative decoder can expect, for a model with the given entropy statistics.\n\n' +
        'Symbols (natural logs, nats):\n' +
        '  P        tree nodes the verifier checks in one forward pass, INCLUDING the root;\n' +
        '           a chain of k drafted tokens is P = k + 1, EAGLE total_token is P\n' +
        '  E[X]     tokens produced per pass, INCLUDING the bonus token (1 <= X <= P)\n' +
        '  mu       expected entropy of the verifier\'s next-token distribution, E[-sum p ln p]\n' +
        '  mu2      expected second log-moment E[sum p (ln p)^2]; always >= mu^2\n' +
        '  mu_CE    expected cross-entropy of the verifier p against your drafter q (on q > 0)\n' +
        '  pi0      expected verifier mass on tokens your drafter can never propose\n\n' +
        'Columns:\n' +
        '  theorem1   Theorem 1: a ln((P-b)/a) + a + b, a = (mu+mu2)/mu^2, b = 1-1/mu; valid for\n' +
        '             P >= 1 + mu2/mu^2. Below that only the trivial bound E[X] <= P holds (marked *)\n' +
        '  lnP/mu     Corollary 1: the asymptotic optimum, an estimate, not a bound (clamped to [1, P])\n' +
        '  lnP/mu_CE  Lemma 7: what a drafter that only knows q can expect, min(1/pi0, ln P/mu_CE)\n' +
        '  speedup<=  runtime ceiling: with a constant-latency verifier, speedup <= E[X]\n\n' +
        'Examples:\n' +
        '  specbound bound --preset llama3.1-8b --P 8,16,32,60,64\n' +
        '  specbound bound --mu 0.5 --mu2 1.4 --mu-ce 0.9 --P 2..1024:x2 --json\n' +
        '  specbound bound --preset qwen3-8b/gsm8k --target 6',
    )
    .option('--mu <nats>', 'expected next-token entropy of the verifier (> 0)', (v) => parseNumber('--mu', v))
    .option('--mu2 <nats2>', 'expected second log-moment E[sum p (ln p)^2] (>= mu^2)', (v) => parseNumber('--mu2', v))
    .option('--mu-ce <nats>', 'expected cross-entropy of verifier p against drafter q (>= 0)', (v) => parseNumber('--mu-ce', v))
    .option('--pi0 <mass>', 'expected verifier mass the drafter never proposes (0 <= pi0 < 1)', (v) => parseNumber('--pi0', v))
    .option('--preset <name>', "a row of the paper's Table 1, e.g. llama3.1-8b or llama3.1-8b/mt-bench (see `specbound presets`)")
    .option('--P <budgets>', 'budgets: list and ranges, e.g. 8,16,32 or 2..1024 or 2..1024:x2', (v) => parseBudgetList('--P', v), parseBudgetList('--P', DEFAULT_BUDGETS))
    .option('--target <EX>', 'also answer: smallest P reaching this E[X], and the largest mu allowing it', (v) => parseNumber('--target', v, { min: 1 }))
    .option('--json', 'print JSON: {"input": {...}, "rows": [...]}')
    .action((opts: BoundOptions) => {
      const result = computeBoundTable(opts);
      if (opts.json === true) printJson(result);
      else process.stdout.write(renderBoundTable(result));
    });
}

export interface BoundTable {
  input: {
    mu: number;
    mu2: number;
    muCE?: number;
    pi0?: number;
    preset?: string;
    citation?: string;
    a: number;
    b: number;
    theorem1ValidFrom: number;
  };
  rows: BoundRow[];
  target?: {
    expectedAccepted: number;
    smallestP: { theorem1: number | null; limit: number | null; lemma7?: number | null };
    largestMu: { limit: number | null; theorem1: number | null; atP: number };
  };
}

export function computeBoundTable(opts: BoundOptions): BoundTable {
  let mu = opts.mu;
  let mu2 = opts.mu2;
  let source = '--mu/--mu2';
  let preset: ReturnType<typeof getPreset> | undefined;
  if (opts.preset !== undefined) {
    preset = getPreset(opts.preset);
    if (mu !== undefined || mu2 !== undefined) throw new InvalidValueError('--preset', opts.preset, 'give either --preset or --mu/--mu2, not both');
    mu = preset.mu;
    mu2 = preset.mu2;
    source = `preset ${preset.name}`;
  }
  if (mu === undefined || mu2 === undefined) {
    throw new InvalidValueError(mu === undefined ? '--mu' : '--mu2', '(missing)', 'give both --mu and --mu2, or a --preset (see `specbound presets`)');
  }
  const stats = { mu, mu2 };
  validateEntropyStats(stats, source);
  if (opts.muCe !== undefined) validateCrossEntropy(opts.muCe, '--mu-ce');
  if (opts.pi0 !== undefined) {
    validateMissMass(opts.pi0, '--pi0');
    if (opts.muCe === undefined) throw new InvalidValueError('--pi0', opts.pi0, 'needs --mu-ce too (Lemma 7 uses both)');
  }
  const { a, b } = theorem1Coefficients(stats);
  const drafter = opts.muCe === undefined ? undefined : { muCE: opts.muCe, ...(opts.pi0 === undefined ? {} : { pi0: opts.pi0 }) };
  const rows = opts.P.map((P): BoundRow => {
    const r = reportedBound(stats, P);
    const rawLimit = limitEstimate(mu, P);
    const row: BoundRow = {
      P,
      ...(rawLimit > P || rawLimit < 1 ? { limitClamped: true } : {}),
      theorem1: r.theoremApplies ? r.closedForm : null,
      theorem1Applies: r.theoremApplies,
      reported: r.value,
      limit: clampEstimate(limitEstimate(mu, P), P),
      speedupCeiling: speedupCeiling(r.value),
    };
    if (drafter !== undefined) {
      // ln P / μ_CE is Corollary 1's formula with the drafter's cross-entropy in place of μ.
      row.limitCE = drafter.muCE === 0 ? P : clampEstimate(limitEstimate(drafter.muCE, P), P);
      row.lemma7 = clampEstimate(lemma7Estimate(drafter, P), P);
    }
    return row;
  });
  const table: BoundTable = {
    input: {
      mu,
      mu2,
      ...(opts.muCe === undefined ? {} : { muCE: opts.muCe }),
      ...(opts.pi0 === undefined ? {} : { pi0: opts.pi0 }),
      ...(preset === undefined ? {} : { preset: preset.name, citation: preset.citation }),
      a,
      b,
      theorem1ValidFrom: theorem1ValidFrom(stats),
    },
    rows,
  };
  if (opts.target !== undefined) {
    const x = opts.target;
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    const atP = opts.P[opts.P.length - 1] ?? 1;
    table.target = {
      expectedAccepted: x,
      smallestP: {
        theorem1: finite(budgetForTheorem1(stats, x)),
        limit: finite(budgetForLimit(mu, x)),
        ...(drafter === undefined ? {} : { lemma7: finite(budgetForLemma7(drafter, x)) }),
      },
      // E[X] ≤ P always: a target above the budget is unreachable at any entropy.
      largestMu:
        x > atP
          ? { atP, limit: null, theorem1: null }
          : { atP, limit: largestEntropyForLimit(atP, x), theorem1: largestEntropyForTheorem1(atP, x, mu2 / mu) },
    };
  }
  return table;
}

export function renderBoundTable(t: BoundTable): string {
  const { input } = t;
  const hasCE = input.muCE !== undefined;
  const headers = ['P', 'theorem1', 'lnP/mu', ...(hasCE ? ['lnP/mu_CE', 'lemma7'] : []), 'speedup<='];
  const rows = t.rows.map((r) => [
    r.P,
    r.theorem1Applies ? formatNumber(r.reported) : `${formatNumber(r.reported)}*`,
    formatNumber(r.limit),
    ...(hasCE ? [formatNumber(r.limitCE ?? Number.NaN), formatNumber(r.lemma7 ?? Number.NaN)] : []),
    `${formatNumber(r.speedupCeiling)}x`,
  ]);
  const lines = [
    `${input.preset === undefined ? '' : `preset ${input.preset}: `}mu = ${formatNumber(input.mu)} nats, mu2 = ${formatNumber(input.mu2)} nats^2` +
      `${input.muCE === undefined ? '' : `, mu_CE = ${formatNumber(input.muCE)}`}${input.pi0 === undefined ? '' : `, pi0 = ${formatNumber(input.pi0)}`}`,
    `Theorem 1: a = ${formatNumber(input.a)}, b = ${formatNumber(input.b)}, applies for P >= 1 + mu2/mu^2 = ${formatNumber(input.theorem1ValidFrom)}`,
    ...(input.citation === undefined ? [] : [`source: ${input.citation}`]),
    '',
    formatTable(headers, rows),
  ];
  if (t.rows.some((r) => !r.theorem1Applies)) lines.push('* below 1 + mu2/mu^2 Theorem 1 does not apply; the trivial bound E[X] <= P is shown.');
  lines.push('E[X] counts the bonus token; P counts the root. lnP/mu and lemma7 are estimates, theorem1 is a bound (i.i.d. model).');
  lines.push('Estimates are clamped to [1, P], the range of E[X]' + (t.rows.some((r) => r.limitClamped === true) ? ' (ln P/mu exceeds P at some budgets here).' : '.'));
  if (t.target !== undefined) {
    const { smallestP, largestMu, expectedAccepted } = t.target;
    const p = (v: number | null | undefined) => (v === null || v === undefined ? 'unreachable' : String(v));
    lines.push(
      '',
      `To reach E[X] = ${formatNumber(expectedAccepted)}:`,
      `  smallest P allowed by Theorem 1: ${p(smallestP.theorem1)}   by ln P/mu: ${p(smallestP.limit)}` +
        (smallestP.lemma7 === undefined ? '' : `   by Lemma 7: ${p(smallestP.lemma7)}`),
      largestMu.limit === null || largestMu.theorem1 === null
        ? `  at P = ${largestMu.atP}: unreachable at any entropy (E[X] <= P)`
        : `  at P = ${largestMu.atP}: largest mu by ln P/mu: ${formatNumber(largestMu.limit)}; by Theorem 1 (mu2/mu held at ${formatNumber(input.mu2 / input.mu)}): ${formatNumber(largestMu.theorem1)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
