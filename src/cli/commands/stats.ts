/**
 * `specbound stats <trace…>`: μ, μ₂ (and μ_CE, π₀ with a drafter) of recorded next-token
 * distributions, with sequence-bootstrap 95% CIs, the top-k interval and tail mass, and the
 * bounds of `theory/` at the given budgets; per task when the trace has task labels.
 */
import type { Command } from 'commander';
import { DEFAULT_SEED } from '../../core/rng.js';
import type { StatsSummary } from '../../results/results-schema.js';
import { formatNumber, formatTable, printJson } from '../output.js';
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
        'Top-k traces (servers return only the k most probable tokens) do not determine mu and mu2:\n' +
        'the tail mass 1 - sum(top-k) is known, its shape is not. "interval" gives both ends: the\n' +
        'tail concentrated in as few tokens as allowed (the estimate) and spread evenly over the\n' +
        'rest of the vocabulary. Complete distributions give a point.\n\n' +
        'Then prints the bounds at each budget P (tree nodes including the root): Theorem 1\n' +
        '(min(P, bound), or the trivial P below 1 + mu2/mu^2, marked *), ln P/mu, and Lemma 7.\n\n' +
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
    .option('--temperature <T>', 'apply temperature T to every distribution first (top-k tails taken as spread)', (v) => parseNumber('--temperature', v, { min: 0 }))
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
      lines.push(summaryTable(result), '');
      if (result.tailMass > 0) {
        lines.push(
          `top-k input: mean tail mass ${formatNumber(result.tailMass)}; estimate = tail concentrated in as few tokens as allowed,`,
          'interval = [concentrated, spread evenly over the rest of the vocabulary]; the CI is for the estimate.',
          '',
        );
      }
      if (result.sequences < 2) lines.push('one sequence only: the bootstrap over sequences cannot estimate a CI (shown as the point).', '');
      if (result.bounds.length === 0) lines.push('mu = 0 (every distribution is one-hot): the only bound is the trivial E[X] <= P.');
      else lines.push(boundsTable(result.bounds, result.muCE !== undefined));
      if (result.tasks !== undefined) {
        lines.push('', 'per task:');
        lines.push(
          formatTable(
            ['task', 'positions', 'sequences', 'mu', 'mu 95% CI', 'mu2', 'mu2 95% CI', ...(result.muCE !== undefined ? ['mu_CE', 'pi0'] : []), 'tail'],
            Object.entries(result.tasks).map(([name, s]) => [
              name,
              s.positions,
              s.sequences,
              s.mu.estimate,
              ci(s.mu.ci95),
              s.mu2.estimate,
              ci(s.mu2.ci95),
              ...(result.muCE !== undefined ? [s.muCE?.estimate, s.pi0?.estimate] : []),
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

function ci(c: readonly [number, number]): string {
  return `[${formatNumber(c[0])}, ${formatNumber(c[1])}]`;
}

function summaryTable(s: StatsSummary): string {
  const row = (name: string, e: StatsSummary['mu']) => [name, e.estimate, ci(e.ci95), e.interval[0] === e.interval[1] ? 'point' : ci(e.interval)];
  const rows = [row('mu (nats)', s.mu), row('mu2 (nats^2)', s.mu2)];
  if (s.muCE !== undefined) rows.push(row('mu_CE (nats)', s.muCE));
  if (s.pi0 !== undefined) rows.push(row('pi0', s.pi0));
  return formatTable(['quantity', 'estimate', '95% CI', 'top-k interval'], rows);
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

function boundsTable(bounds: readonly { P: number; reported: number; theorem1Applies: boolean; limit: number; lemma7?: number }[], withDrafter: boolean): string {
  return formatTable(
    ['P', 'theorem1', 'lnP/mu', ...(withDrafter ? ['lemma7'] : [])],
    bounds.map((b) => [b.P, b.theorem1Applies ? formatNumber(b.reported) : `${formatNumber(b.reported)}*`, formatNumber(b.limit), ...(withDrafter ? [formatNumber(b.lemma7 ?? Number.NaN)] : [])]),
  ) + (bounds.some((b) => !b.theorem1Applies) ? '\n* trivial bound E[X] <= P (Theorem 1 applies from P >= 1 + mu2/mu^2)' : '');
}
