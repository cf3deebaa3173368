/**
 * The report's plain-language findings, as sentences computed from the numbers (shared by the
 * Markdown and HTML writers).
 */
import type { Report } from '../results/results-schema.js';
import { formatValue, headline } from './tables.js';
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
  if (h.iid !== undefined && h.oracle !== undefined) {
    const ratio = h.oracle / h.iid;
    const direction = ratio >= 1 ? 'more' : 'fewer';
    out.push(
      `Under the paper's i.i.d. model fitted to the same distributions (a branching random walk) the optimum is ${formatValue(h.iid)}: ` +
        `the real model's context dependence gives ${formatValue(Math.abs(ratio - 1) * 100, 2)}% ${direction} tokens per pass than the i.i.d. idealisation.`,
    );
  }
  if (h.theorem1 !== undefined && h.iid !== undefined) {
    out.push(
      `Theorem 1 bounds the i.i.d. optimum by ${formatValue(h.theorem1)} at this P (it is loose by about the factor 1 + μ₂/μ in slope); ` +
        `the asymptotic estimate ln P/μ is ${formatValue(h.limit)}.`,
    );
  }
  if (h.bestDrafter !== undefined && h.oracle !== undefined) {
    out.push(
      `The best measured drafting strategy, ${h.bestDrafter.name}, reaches ${formatValue(h.bestDrafter.value)} tokens per pass, ` +
        `${formatValue((h.bestDrafter.value / h.oracle) * 100, 2)}% of the oracle: the rest is what a better drafter could win.`,
    );
  }
  out.push(...adaptiveFindings(report));
  return out;
}
