/**
 * The report's plain-language findings, as sentences computed from the numbers (shared by the
 * Markdown and HTML writers).
 */
import type { Report } from '../results/results-schema.js';
import { formatValue, headline } from './tables.js';
import { compare, INDISTINGUISHABLE_Z, SMALL_SAMPLE_SEQUENCES, type MeanWithError } from './compare.js';

/** "2.5 ± 0.05" (value ± SE) or the value alone when exact. */
function withError(x: MeanWithError): string {
  return x.se !== undefined && x.se > 0 ? `${formatValue(x.mean)} ± ${formatValue(x.se, 2)} (SE)` : formatValue(x.mean);
}
import { adaptiveFindings } from './adaptive.js';

/** Sentences summarising the headline budget: oracle vs i.i.d. vs drafters vs the bounds. */
export function findings(report: Pick<Report, 'curves' | 'stats' | 'config'> & Partial<Pick<Report, 'adaptive' | 'greedy'>>): string[] {
  const h = headline(report);
  const out: string[] = [];
  out.push(
    `Mean next-token entropy μ = ${formatValue(h.mu)} nats and μ₂ = ${formatValue(report.stats.overall.mu2.estimate)} nats² over ` +
      `${report.stats.overall.positions} positions of ${report.stats.overall.sequences} sampled continuations at temperature ${report.config.temperature}.`,
  );
  if (h.oracle !== undefined) {
    out.push(
      `At P = ${h.P} (tree nodes per verifier pass, root included) the best possible deterministic drafter for this model ` +
        `(the real oracle, Lemma 1 on the verifier's own conditionals) yields E[X*] = ${formatValue(h.oracle)} tokens per pass.`,
    );
  }
  const { oracle, iid, limit, drafters } = h.points;
  if (iid !== undefined && oracle !== undefined) {
    // A direction only when the difference exceeds INDISTINGUISHABLE_Z standard errors (compare.ts).
    const c = compare(oracle, iid);
    const test = `difference ${formatValue(c.difference)} ± ${formatValue(c.se, 2)}, ${formatValue(c.z, 2)} SE`;
    out.push(
      c.verdict === 'indistinguishable'
        ? `Under the paper's i.i.d. model fitted to the same distributions (a branching random walk) the optimum is ${withError(iid)}: ` +
            `the real oracle (${withError(oracle)}) and the i.i.d. idealisation are indistinguishable within error (${test}, under the ${INDISTINGUISHABLE_Z} SE threshold).`
        : `Under the paper's i.i.d. model fitted to the same distributions (a branching random walk) the optimum is ${withError(iid)}: ` +
            `the real model's context dependence gives ${formatValue(Math.abs(oracle.mean / iid.mean - 1) * 100, 2)}% ${c.verdict === 'higher' ? 'more' : 'fewer'} tokens per pass than the i.i.d. idealisation (${test}).`,
    );
  }
  if (h.theorem1 !== undefined) {
    // The reported value is min(P, bound) or the trivial P: say which one is in force at this P.
    const trivial = h.theorem1 >= h.P;
    const topK = limit?.high !== undefined;
    const limitText = limit === undefined ? '' : topK ? `between ${formatValue(limit.mean)} and ${formatValue(limit.high)} (top-k data: low end from μ's high end)` : formatValue(limit.mean);
    out.push(
      (trivial
        ? `At P = ${h.P} only the trivial bound E[X] ≤ P = ${h.P} applies (Theorem 1's closed form is not below P here)`
        : `Theorem 1 applies at P = ${h.P} and bounds the i.i.d. optimum by ${formatValue(h.theorem1)} (it is loose by about the factor 1 + μ₂/μ in slope)`) +
        (topK ? ', taken at the worst case of the top-k intervals so that it holds for every tail' : '') +
        (limit === undefined ? '.' : `; the asymptotic estimate ln P/μ (clamped to [1, P]) is ${limitText}.`),
    );
  }
  const best = drafters[0];
  if (best !== undefined && oracle !== undefined) {
    const runnerUp = drafters[1];
    const tie = runnerUp === undefined ? undefined : compare(best.point, runnerUp.point);
    const tied = tie !== undefined && tie.verdict === 'indistinguishable' ? drafters.filter((d) => compare(best.point, d.point).verdict === 'indistinguishable') : [best];
    const lead =
      tied.length > 1
        ? `The best measured drafting strategies are tied within error: ${tied.map((d) => `${d.name} (${withError(d.point)})`).join(', ')}; ` +
          `the top one, ${best.name}, reaches`
        : `The best measured drafting strategy, ${best.name}, reaches`;
    const gap = compare(oracle, best.point);
    out.push(
      `${lead} ${formatValue(best.point.mean)} tokens per pass, ${formatValue((best.point.mean / oracle.mean) * 100, 2)}% of the oracle: ` +
        (gap.verdict === 'indistinguishable'
          ? 'indistinguishable from the oracle within error, so no drafter can be shown to do better here.'
          : 'the rest is what a better drafter could win.'),
    );
  }
  const small = Object.entries(report.stats.tasks)
    .filter(([, s]) => s.sequences < SMALL_SAMPLE_SEQUENCES)
    .map(([name, s]) => `${name} (${s.sequences})`);
  if (report.stats.overall.sequences < SMALL_SAMPLE_SEQUENCES) {
    out.push(`Small sample: ${report.stats.overall.sequences} sequences in all (fewer than ${SMALL_SAMPLE_SEQUENCES}); confidence intervals from a bootstrap over so few sequences are rough.`);
  } else if (small.length > 0) {
    out.push(`Small samples: the per-task figures of ${small.join(', ')} rest on fewer than ${SMALL_SAMPLE_SEQUENCES} sequences each; read their confidence intervals as rough.`);
  }
  out.push(...adaptiveFindings(report));
  return out;
}
