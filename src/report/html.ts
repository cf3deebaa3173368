/** `report.html`: one self-contained page (inline CSS and SVG figures, no scripts, no network). */
import { SPEEDUP_CAPTION, type ReportFigures } from './figures.js';
import { findings } from './narrative.js';
import { adaptiveTable, greedyTable } from './adaptive.js';
import type { Report } from '../results/results-schema.js';
import { curvesTable, PLUS_MINUS_NOTE, statsTable, sweepTable, type Table } from './tables.js';

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlTable(table: Table): string {
  const head = table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:0.85em;margin:1em 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption,.note{color:#555;font-size:0.9em}code{background:#f4f4f4;padding:0 3px}`;

export function renderHtml(report: Report, figures: ReportFigures): string {
  const c = report.config;
  const parts: string[] = [];
  const figure = (svg: string | undefined, caption: string) => (svg === undefined ? '' : `<figure>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`);
  parts.push(`<h1>specbound report: the speed-of-light of speculative decoding for this model</h1>`);
  parts.push(
    `<p>Target <code>${escapeHtml(c.target)}</code>${c.draft === undefined ? '' : `, drafter <code>${escapeHtml(c.draft)}</code>`}, prompts <code>${escapeHtml(c.prompts)}</code>, ` +
      `${c.samples} sample(s) per prompt of up to ${c.maxNewTokens} tokens, temperature ${c.temperature}, P up to ${c.PMax}, seed ${c.seed}. ${escapeHtml(report.generator)}.</p>`,
  );
  parts.push('<p class="note">P = draft-tree nodes including the root (tokens the verifier checks in one pass); X = tokens per pass including the bonus token; natural logarithms.</p>');
  parts.push('<h2>Findings</h2><ul>');
  for (const f of findings(report)) parts.push(`<li>${escapeHtml(f)}</li>`);
  parts.push('</ul>');
  parts.push('<h2>Tokens per verifier pass against the budget P (Figure 2 analog)</h2>');
  parts.push(figure(figures.acceptedLength, 'Solid: measured or simulated, with 95% bands (mean ± 1.96 standard errors); thin grey: the oracle estimated from ancestral samples; dashed: theory (Theorem 1, ln P/μ, Lemma 7). Log x axis. The y axis follows the measured curves; a bound beyond it is labelled with its value.'));
  parts.push(htmlTable(curvesTable(report)));
  parts.push(`<p class="note">${escapeHtml(PLUS_MINUS_NOTE)}</p>`);
  if (figures.taskOracle !== undefined) {
    parts.push('<h2>The real oracle per task</h2>');
    parts.push(figure(figures.taskOracle, 'E[X*](P) of the real oracle (Lemma 1 on the verifier) for each task, with 95% bands: the workloads where speculation can win most.'));
  }
  if (figures.speedup !== undefined) {
    parts.push('<h2>Speedup against the budget P</h2>');
    parts.push(figure(figures.speedup, SPEEDUP_CAPTION));
  }
  parts.push('<h2>Entropy per task (Table 1 analog)</h2>');
  parts.push(htmlTable(statsTable(report)));
  parts.push('<p class="note">CIs treat sequences, not positions, as independent. For top-k distributions μ and μ₂ are intervals over the unknown tail shape.</p>');
  if (figures.lemma7 !== undefined) {
    parts.push('<h2>Drafters against the Lemma 7 estimate (Figure 1 analog)</h2>');
    parts.push(figure(figures.lemma7, 'One panel per drafter, one point per task: the drafter\'s measured E[X] at P against the Lemma 7 estimate min(1/π₀, ln P/μ_CE); the dashed diagonal is y = x.'));
  }
  if (figures.entropyHistogram !== undefined) {
    parts.push('<h2>Entropy of the next-token distribution</h2>');
    parts.push(figure(figures.entropyHistogram, 'Share of positions (%) by the entropy of the verifier\'s next-token distribution (nats); the red line marks μ.'));
  }
  if (report.adaptive !== undefined) {
    parts.push('<h2>Adaptive budgets: throughput against the mean budget</h2>');
    parts.push(figure(figures.adaptive, `T(P): ${report.adaptive.latency.description}. Throughput = E[X]/E[T] over the measured positions. Grey: one budget for every step (dashed: each fixed-budget drafter); black: the best per-step budget knowing the verifier's distributions (Dinkelbach; large dot and bar: the optimum and its 95% CI); coloured: adaptive drafters using only their own q, one point per threshold (circled: the best). Log x axis.`));
    parts.push(htmlTable(adaptiveTable(report.adaptive)));
  }
  if (report.greedy !== undefined) {
    parts.push('<h2>Greedy verification (temperature 0): acceptance lengths in engine units</h2>');
    parts.push('<p class="note">The speed-of-light at temperature 0 is E[X*](P) = P. &quot;Along decoding&quot; walks each sequence as greedy speculative decoding does (the positions a real run visits), which is what engines report: mean acceptance length = 1 + accepted/drafts (vLLM), per-position acceptance = num_accepted_tokens_per_pos / num_drafts.</p>');
    parts.push(htmlTable(greedyTable(report.greedy)));
  }
  const sweep = sweepTable(report);
  if (sweep !== undefined) {
    parts.push('<h2>Temperature sweep</h2>');
    parts.push(figure(figures.temperatureEntropy, 'μ and μ₂ against the sampling temperature (same contexts, re-tempered).'));
    parts.push(figure(figures.temperatureBounds, 'Theorem 1 and ln P/μ against the temperature.'));
    parts.push(htmlTable(sweep));
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>specbound report: ${escapeHtml(c.target)}</title><style>${STYLE}</style></head>\n<body>\n${parts.filter((p) => p !== '').join('\n')}\n</body></html>\n`;
}
