/**
 * `specbound stats <trace…>`: μ, μ₂ (and μ_CE, π₀ with a drafter) of recorded next-token
 * distributions, with sequence-bootstrap 95% CIs, the top-k interval and tail mass, and the
 * bounds of `theory/` at the given budgets; per task when the trace has task labels.
 */
import type { Command } from 'commander';
import { DEFAULT_SEED } from '../../core/rng.js';
import type { StatsSummary } from '../../results/results-schema.js';
import type { TraceStats } from '../../results/trace-stats.js';
import { worstCaseCoefficients } from '../../theory/intervals.js';
import { formatNumber } from '../../core/format-number.js';
import { formatTable } from '../../core/text-table.js';
import { printJson } from '../output.js';
import { parseBudgetList, parseInteger, parseNumber } from '../parse.js';

const DEFAULT_BUDGETS = '2..1024:x2';

interface StatsOptions {
  P: number[];
  json?: boolean;
  seed: number;
  resamples: number;
  tolerance?: number;
  renormalize?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  histogram?: boolean;
}

export function register(program: Command): void {
  program
    .command('stats')
    .summary('mu, mu2 (and mu_CE, pi0) of recorded distributions, with 95% CIs and the bounds they imply')
    .description(
      'Reads trace files (docs/trace-format.md; made by `specbound measure` or `specbound import`)\n' +
        'and estimates, over all recorded positions:\n' +
        '  mu       mean entropy of the verifier\'s next-token distribution, E[-sum p ln p] (nats)\n' +
        '  mu2      mean second log-moment E[sum p (ln p)^2] (nats^2)\n' +
        '  mu_CE    with a drafter: mean cross-entropy of p against q on q > 0\n' +
        '  pi0      with a drafter: mean verifier mass the drafter gives probability 0\n' +
        'Each with a 95% confidence interval from a bootstrap over SEQUENCES (positions of one\n' +
        'generated sequence are not independent, so resampling positions would be too optimistic).\n\n' +
        'Top-k traces (servers return only the k most probable tokens) do not determine the\n' +
        'statistics: the tail mass 1 - sum(top-k) is known, its shape is not. Each quantity is then\n' +
        'an interval ("interval": [low, high]; mu, mu2: tail concentrated in as few tokens as\n' +
        'allowed vs spread evenly), and the 95% CI runs from the low end\'s lower limit to the high\n' +
        'end\'s upper one (tail + sampling error). Complete distributions give a point.\n\n' +
        'Then prints the bounds at each budget P (tree nodes including the root): Theorem 1\n' +
        '(min(P, bound), or the trivial P below 1 + mu2/mu^2, marked *; for top-k data at the worst\n' +
        'case of the intervals, so it bounds every tail), ln P/mu and Lemma 7 (estimates, clamped to\n' +
        '[1, P]; for top-k data low..high).\n\n' +
        'Transforms (--temperature, --top-k, --top-p) are applied exactly; on top-k data those the\n' +
        'listed tokens do not determine (temperature, top-k beyond the listed tokens, top-p beyond\n' +
        'their mass) are refused with the position named.\n\n' +
        'Examples:\n' +
        '  specbound stats run.jsonl.gz\n' +
        '  specbound stats a.jsonl b.jsonl --P 8,16,32,64 --json\n' +
        '  specbound stats run.jsonl --temperature 0.7 --top-p 0.9',
    )
    .argument('<trace...>', 'trace files (.jsonl or .jsonl.gz; - reads standard input)')
    .option('--P <budgets>', 'budgets for the bounds: list and ranges, e.g. 8,16,32 or 2..1024:x2', (v) => parseBudgetList('--P', v), parseBudgetList('--P', DEFAULT_BUDGETS))
    .option('--json', 'print JSON: {"positions", "sequences", "mu": {"estimate", "ci95", "interval"}, "mu2", "tailMass", "bounds", "tasks"?}')
    .option('--seed <n>', 'seed of the bootstrap', (v) => parseInteger('--seed', v), DEFAULT_SEED)
    .option('--resamples <n>', 'bootstrap resamples', (v) => parseInteger('--resamples', v, { min: 10, max: 1_000_000 }), 1000)
    .option('--renormalize', 'accept distributions whose probabilities do not sum to 1 within the tolerance, rescaling them (one warning)')
    .option('--tolerance <x>', 'largest accepted |sum p - 1| (default 0.001)', (v) => parseNumber('--tolerance', v, { min: 0, max: 1 }))
    .option('--temperature <T>', 'apply temperature T to every distribution first (top-k data: only with --top-k k at most the listed tokens)', (v) => parseNumber('--temperature', v, { min: 0 }))
    .option('--top-k <k>', 'keep only the k most probable tokens (renormalised) first', (v) => parseInteger('--top-k', v, { min: 1 }))
    .option('--top-p <p>', 'keep the smallest set of tokens with mass >= p (renormalised) first', (v) => parseNumber('--top-p', v, { min: 0, max: 1, exclusiveMin: true }))
    .option('--histogram', 'also print the histogram of per-position entropy (in --json: "entropyHistogram")')
    .action(async (files: string[], opts: StatsOptions) => {
      const { computeTraceStats } = await import('../../results/trace-stats.js');
      const { createProgress } = await import('../progress.js');
      const progress = createProgress('positions', 0);
      const result = await computeTraceStats(files, opts.P, {
        seed: opts.seed,
        resamples: opts.resamples,
        renormalize: opts.renormalize === true,
        ...(opts.tolerance === undefined ? {} : { tolerance: opts.tolerance }),
        temperature: opts.temperature,
        topK: opts.topK,
        topP: opts.topP,
        onWarning: (m) => process.stderr.write(`specbound: warning: ${m}\n`),
        onProgress: (n) => progress.update(n, n),
      });
      progress.stop();
      if (opts.json === true) {
        const { entropyHistogram, traces, ...rest } = result;
        printJson({ ...rest, traces, ...(opts.histogram === true ? { entropyHistogram } : {}) });
        return;
      }
      const lines: string[] = [];
      for (const t of result.traces) {
        lines.push(`${t.file}: model ${t.model}, vocabulary ${t.vocabSize}, temperature ${t.temperature}, prompts ${t.promptSet}`);
      }
      lines.push(`${result.positions} positions in ${result.sequences} sequences${opts.temperature === undefined ? '' : `, at temperature ${opts.temperature}`}`, '');
      const topK = hasIntervals(result);
      lines.push(summaryTable(result, topK), '');
      if (topK) {
        lines.push(
          `top-k input (mean tail mass ${formatNumber(result.tailMass)}): the data fix each quantity only up to an interval.`,
          'mu, mu2: low = tail concentrated in as few tokens as allowed, high = tail spread evenly over the rest of',
          'the vocabulary; mu_CE, pi0: the ends over every tail. The 95% CI carries both the unknown tail and the',
          "sampling error: from the low end's lower bootstrap limit to the high end's upper one.",
          '',
        );
      }
      if (result.sequences < 2) lines.push('one sequence only: the bootstrap over sequences cannot estimate a CI (shown as the point).', '');
      if (result.bounds.length === 0) lines.push('mu = 0 (every distribution is one-hot): the only bound is the trivial E[X] <= P.');
      else lines.push(boundsTable(result, topK));
      if (result.tasks !== undefined) {
        lines.push('', 'per task:');
        lines.push(
          formatTable(
            ['task', 'positions', 'sequences', 'mu', 'mu 95% CI', 'mu2', 'mu2 95% CI', ...(result.muCE !== undefined ? ['mu_CE', 'pi0'] : []), 'tail'],
            Object.entries(result.tasks).map(([name, s]) => [
              name,
              s.positions,
              s.sequences,
              topKText(s.mu),
              ci(s.mu.ci95),
              topKText(s.mu2),
              ci(s.mu2.ci95),
              ...(result.muCE !== undefined ? [s.muCE === undefined ? '-' : topKText(s.muCE), s.pi0 === undefined ? '-' : topKText(s.pi0)] : []),
              s.tailMass,
            ]),
          ),
        );
      }
      if (opts.histogram === true) {
        lines.push('', 'entropy histogram (nats):', histogramTable(result.entropyHistogram));
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** A point as a number, an interval as low..high. */
function topKText(e: StatsSummary['mu']): string {
  return e.interval[0] === e.interval[1] ? formatNumber(e.estimate) : `${formatNumber(e.interval[0])}..${formatNumber(e.interval[1])}`;
}

function ci(c: readonly [number, number]): string {
  return `[${formatNumber(c[0])}, ${formatNumber(c[1])}]`;
}

/** True when some quantity is an interval (top-k input), not a point. */
function hasIntervals(s: StatsSummary): boolean {
  return [s.mu, s.mu2, s.muCE, s.pi0].some((e) => e !== undefined && e.interval[0] !== e.interval[1]);
}

function summaryTable(s: StatsSummary, topK: boolean): string {
  const named: [string, StatsSummary['mu'] | undefined][] = [
    ['mu (nats)', s.mu],
    ['mu2 (nats^2)', s.mu2],
    ['mu_CE (nats)', s.muCE],
    ['pi0', s.pi0],
  ];
  const present = named.filter((n): n is [string, StatsSummary['mu']] => n[1] !== undefined);
  if (!topK) return formatTable(['quantity', 'estimate', '95% CI'], present.map(([name, e]) => [name, e.estimate, ci(e.ci95)]));
  return formatTable(
    ['quantity', 'low end', 'high end', '95% CI (tail + sampling)'],
    present.map(([name, e]) => [name, e.interval[0], e.interval[1], ci(e.ci95)]),
  );
}

/** The histogram merged into at most ~25 rows, leading empty rows dropped. */
function histogramTable(h: { edges: number[]; counts: number[] }): string {
  const merge = Math.max(1, Math.ceil(h.counts.length / 25));
  const rows: [number, number, number][] = [];
  for (let i = 0; i < h.counts.length; i += merge) {
    const end = Math.min(h.counts.length, i + merge);
    rows.push([h.edges[i]!, h.edges[end]!, h.counts.slice(i, end).reduce((a, b) => a + b, 0)]);
  }
  while (rows.length > 1 && rows[0]![2] === 0) rows.shift();
  return formatTable(['from', 'to', 'positions'], rows);
}

function boundsTable(result: TraceStats, topK: boolean): string {
  const bounds = result.bounds;
  const withDrafter = bounds.some((b) => b.lemma7 !== undefined);
  const range = (r: { low: number; high: number }) => (r.low === r.high ? formatNumber(r.low) : `${formatNumber(r.low)}..${formatNumber(r.high)}`);
  const table = formatTable(
    ['P', topK ? 'theorem1 (worst tail)' : 'theorem1', topK ? 'lnP/mu low..high' : 'lnP/mu', ...(withDrafter ? [topK ? 'lemma7 low..high' : 'lemma7'] : [])],
    bounds.map((b) => [
      b.P,
      b.theorem1Applies ? formatNumber(b.reported) : `${formatNumber(b.reported)}*`,
      range(b.limit),
      ...(withDrafter ? [b.lemma7 === undefined ? '-' : range(b.lemma7)] : []),
    ]),
  );
  const notes: string[] = [];
  if (bounds.some((b) => !b.theorem1Applies)) {
    notes.push(topK
      ? '* trivial bound E[X] <= P (Theorem 1 applies to every tail from P >= a + b at the worst case below)'
      : '* trivial bound E[X] <= P (Theorem 1 applies from P >= 1 + mu2/mu^2)');
  }
  if (topK) {
    const [muLow, muHigh] = result.mu.interval;
    const mu2High = result.mu2.interval[1];
    const { a, b } = worstCaseCoefficients({ mu: [muLow, muHigh], mu2: [Math.min(result.mu2.interval[0], mu2High), mu2High] });
    notes.push(
      `theorem1 holds for every tail: a = (mu_low + mu2_high)/mu_low^2 = ${formatNumber(a)}, b = 1 - 1/mu_high = ${formatNumber(b)},`,
      `valid from P >= a + b = ${formatNumber(a + b)}; the bound rises with a and b, so no tail consistent with the data exceeds it.`,
      'lnP/mu low uses mu_high, high uses mu_low.',
    );
  }
  notes.push('lnP/mu and lemma7 are estimates, not bounds, clamped to [1, P] (E[X] counts the bonus token and is at most P).');
  return `${table}\n${notes.join('\n')}`;
}
