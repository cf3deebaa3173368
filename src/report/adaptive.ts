/**
 * The report's adaptive-budget parts (issue 16), rendered from `report.adaptive` and
 * `report.greedy` (computed in `results/adaptive.ts`, `results/greedy.ts`):
 * - `adaptiveFigure`: throughput against mean budget: fixed P (the oracle's E[X*](P)/T(P), and each
 *   fixed-budget drafter's, dashed), the adaptive oracle's frontier (its λ sweep, the Dinkelbach
 *   optimum marked), each adaptive drafter's threshold sweep (best point marked);
 * - `adaptiveFindings`: the sentence with the gain of adaptivity and its interval, and one on the
 *   best adaptive drafter; at temperature 0, that the speed-of-light is P and the drafters'
 *   acceptance lengths in engine units;
 * - `adaptiveTable`, `greedyTable`.
 */
import * as Plot from '@observablehq/plot';
import type { AdaptiveSection, AdaptiveSummary, GreedySection } from '../results/adaptive-schema.js';
import type { Report } from '../results/results-schema.js';
import { strategyColor } from '../tree/strategies/registry.js';
import { endLabelMargin, endLabelMark, FIGURE_FONT, FIGURE_WIDTH, type EndLabel, type FigureSize, type SeriesStyle } from './figures.js';
import { formatValue, type Table } from './tables.js';
import type { PlotOptions } from './svg.js';

function throughputUnit(section: Pick<AdaptiveSection, 'latency'>): string {
  return section.latency.unit === 'T(1)' ? 'tokens per T(1)' : 'tokens per ms';
}

/**
 * Throughput E[X]/E[T] against the mean budget E[P] (log x axis). Every line is labelled at its
 * right end, dodged apart (figures.ts `endLabelMark`, as the report's other figures), not by a
 * legend: the curves fill the top right of the frame, where an in-frame legend covered them.
 */
export function adaptiveFigure(section: AdaptiveSection, summary: AdaptiveSummary = section.overall, options: FigureSize = {}): PlotOptions {
  const width = options.width ?? FIGURE_WIDTH;
  const height = options.height ?? 380;
  const marginTop = 24;
  const marginBottom = 40;
  const fixedStyle: SeriesStyle = { label: 'fixed P: oracle E[X*](P) / T(P)', color: '#999999' };
  const oracleStyle: SeriesStyle = { label: 'adaptive oracle (P chosen per step knowing p)', color: '#111111' };
  const marks: Plot.Markish[] = [];
  /** Each line's points (x = mean budget), for its end label and the y domain. */
  const lines: { style: SeriesStyle; points: readonly { meanBudget: number; throughput: number }[] }[] = [];
  const frontier = summary.frontier.filter((p) => p.meanBudget >= 1).sort((a, b) => a.meanBudget - b.meanBudget);
  const fixed = [...summary.fixedCurve].sort((a, b) => a.meanBudget - b.meanBudget);
  marks.push(Plot.line(fixed, { x: 'meanBudget', y: 'throughput', stroke: fixedStyle.color, strokeWidth: 2 }));
  marks.push(Plot.dot(fixed, { x: 'meanBudget', y: 'throughput', fill: fixedStyle.color, r: 2.5 }));
  lines.push({ style: fixedStyle, points: fixed });
  marks.push(Plot.line(frontier, { x: 'meanBudget', y: 'throughput', stroke: oracleStyle.color, strokeWidth: 2.5 }));
  marks.push(Plot.dot([{ x: summary.adaptive.meanBudget, y: summary.adaptive.throughput.estimate }], { x: 'x', y: 'y', fill: oracleStyle.color, r: 5 }));
  marks.push(Plot.ruleX([{ x: summary.adaptive.meanBudget, y1: summary.adaptive.throughput.ci95[0], y2: summary.adaptive.throughput.ci95[1] }], { x: 'x', y1: 'y1', y2: 'y2', stroke: oracleStyle.color }));
  lines.push({ style: oracleStyle, points: frontier });
  for (const [name, d] of Object.entries(summary.fixedDrafters ?? {})) {
    if (d.curve === undefined) continue;
    const style: SeriesStyle = { label: `fixed P, drafter: ${name}`, color: strategyColor(name), dash: '4,3' };
    const curve = [...d.curve].sort((a, b) => a.meanBudget - b.meanBudget);
    marks.push(Plot.line(curve, { x: 'meanBudget', y: 'throughput', stroke: style.color, strokeWidth: 1, strokeDasharray: '4,3' }));
    lines.push({ style, points: curve });
  }
  for (const [name, d] of Object.entries(summary.drafters)) {
    const style: SeriesStyle = { label: `adaptive drafter: ${name}`, color: strategyColor(name) };
    const points = d.points.filter((p) => p.meanBudget >= 1).sort((a, b) => a.meanBudget - b.meanBudget);
    marks.push(Plot.line(points, { x: 'meanBudget', y: 'throughput', stroke: style.color, strokeWidth: 1.5 }));
    marks.push(Plot.dot(points, { x: 'meanBudget', y: 'throughput', fill: style.color, r: 2 }));
    marks.push(Plot.dot([{ x: d.best.meanBudget, y: d.best.throughput }], { x: 'x', y: 'y', stroke: style.color, r: 5 }));
    lines.push({ style, points });
  }
  const drawn = lines.filter((l) => l.points.length > 0);
  const ys = [...drawn.flatMap((l) => l.points.map((p) => p.throughput)), summary.adaptive.throughput.ci95[1]].filter(Number.isFinite);
  const yHi = Math.max(0, ...ys) * 1.06 + 0.02;
  const xMax = Math.max(1, ...drawn.flatMap((l) => l.points.map((p) => p.meanBudget)));
  // Lines ending near the right edge (sweeps stop a little short of it) are labelled in the right
  // margin, in one column; a line ending well inside the frame is labelled at its own end.
  const labels: EndLabel[] = drawn.map((l) => {
    const end = l.points[l.points.length - 1]!;
    return { text: l.style.label, color: l.style.color, ...(end.meanBudget < xMax / 1.5 ? { x: end.meanBudget } : {}), y: end.throughput, labelY: 0 };
  });
  marks.push(endLabelMark(labels, xMax, 0, yHi, height - marginTop - marginBottom));
  return {
    width,
    style: { fontSize: FIGURE_FONT },
    height,
    marginTop,
    marginBottom,
    marginLeft: 52,
    marginRight: endLabelMargin(labels, 150, 330),
    x: { type: 'log', label: 'mean budget E[P] per step (tree nodes incl. root) →', labelAnchor: 'center', grid: true },
    y: { label: `↑ throughput E[X]/E[T] (${throughputUnit(section)})`, grid: true, domain: [0, yHi] },
    marks,
  };
}

function ci(e: { estimate: number; ci95: [number, number] }): string {
  return `${formatValue(e.estimate)} [${formatValue(e.ci95[0])}, ${formatValue(e.ci95[1])}]`;
}

/** A ratio as a percentage change, to 0.01%: `1.033` → `3.3%`. */
function percent(x: number): string {
  const v = (x - 1) * 100;
  return Math.abs(v) < 0.005 ? '0%' : `${formatValue(v, 2)}%`;
}

/** Sentences: the gain of adaptivity with its interval; the best adaptive drafter; temperature 0. */
export function adaptiveFindings(report: Partial<Pick<Report, 'adaptive' | 'greedy'>> & Pick<Report, 'config'>): string[] {
  const out: string[] = [];
  const g = report.greedy;
  if (report.config.temperature === 0) {
    out.push('Greedy verification (temperature 0): the verifier accepts only its own argmax, so the oracle drafts its greedy chain and the speed-of-light is E[X*](P) = P; what matters is how many of its tokens a drafter guesses.');
  }
  if (g !== undefined) out.push(...greedySentences(g));
  const a = report.adaptive;
  if (a === undefined) return out;
  const s = a.overall;
  const unit = throughputUnit(a);
  out.push(
    `With ${a.latency.description}, the best fixed budget P = ${s.fixed.P} gives ${ci(s.fixed.throughput)} ${unit}; an oracle that chooses P per step knowing the verifier's distributions ` +
      `reaches ${ci(s.adaptive.throughput)} at a mean budget of ${formatValue(s.adaptive.meanBudget)}: adaptivity could gain at most ${percent(s.gain.estimate)} ` +
      `(95% CI ${percent(s.gain.ci95[0])} to ${percent(s.gain.ci95[1])}, ${s.sequences} sequences resampled).`,
  );
  const drafters = Object.entries(s.drafters).sort((x, y) => y[1].best.throughput - x[1].best.throughput);
  const best = drafters[0];
  const fixedBest = Object.entries(s.fixedDrafters ?? {}).sort((x, y) => y[1].throughput - x[1].throughput)[0];
  if (best !== undefined) {
    const [name, d] = best;
    out.push(
      `The best adaptive drafter (its own q only), ${name} at threshold ${formatValue(d.best.parameter)}, reaches ${formatValue(d.best.throughput)} ` +
        `[${formatValue(d.best.throughputCi95[0])}, ${formatValue(d.best.throughputCi95[1])}] ${unit} at a mean budget of ${formatValue(d.best.meanBudget)}` +
        `${d.best.meanBudget < 1.05 ? ' (it does best by hardly speculating: its confidence does not predict acceptance)' : ''}, ` +
        `${formatValue((d.best.throughput / s.adaptive.throughput.estimate) * 100, 3)}% of the adaptive oracle` +
        (fixedBest === undefined ? '.' : `; the best fixed-budget drafter, ${fixedBest[0]} at P = ${fixedBest[1].P}, reaches ${formatValue(fixedBest[1].throughput)}.`),
    );
  }
  return out;
}

function greedySentences(g: GreedySection): string[] {
  const rows = g.rows.filter((r) => r.decoding !== undefined && r.drafter === 'chain');
  if (rows.length === 0) return [];
  const parts = rows.slice(0, 4).map((r) => `k = ${r.P - 1}: ${formatValue(r.decoding!.meanAcceptanceLength)}`);
  return [`Mean acceptance length of the drafter's chain along greedy decoding (vLLM's 1 + accepted/drafts, k = num_speculative_tokens = P - 1): ${parts.join(', ')}.`];
}

/** Per task and overall: best fixed P, the adaptive oracle, the gain, each adaptive drafter's best. */
export function adaptiveTable(section: AdaptiveSection): Table {
  const names = [...new Set([...Object.keys(section.overall.drafters), ...Object.values(section.tasks).flatMap((t) => Object.keys(t.drafters))])];
  const fixedNames = [...new Set([...Object.keys(section.overall.fixedDrafters ?? {})])];
  const headers = [
    'task', 'best fixed P', 'fixed [95% CI]', 'adaptive oracle [95% CI]', 'oracle mean P', 'gain [95% CI]',
    ...names.map((n) => `${n}: best (mean P)`), ...fixedNames.map((n) => `${n} fixed: best (P)`),
  ];
  const row = (task: string, s: AdaptiveSummary): string[] => [
    task,
    String(s.fixed.P),
    ci(s.fixed.throughput),
    ci(s.adaptive.throughput),
    formatValue(s.adaptive.meanBudget),
    `${percent(s.gain.estimate)} [${percent(s.gain.ci95[0])}, ${percent(s.gain.ci95[1])}]`,
    ...names.map((n) => {
      const d = s.drafters[n];
      return d === undefined ? '–' : `${formatValue(d.best.throughput)} (${formatValue(d.best.meanBudget)})`;
    }),
    ...fixedNames.map((n) => {
      const d = s.fixedDrafters?.[n];
      return d === undefined ? '–' : `${formatValue(d.throughput)} (${d.P})`;
    }),
  ];
  const tasks = Object.keys(section.tasks).sort();
  return { headers, rows: [...tasks.map((t) => row(t, section.tasks[t]!)), row('all', section.overall)] };
}

/** Temperature 0: each drafter's acceptance length per budget, in engine units. */
export function greedyTable(g: GreedySection): Table {
  const ranks = Math.min(4, Math.max(0, ...g.rows.map((r) => r.P - 1)));
  const headers = ['drafter', 'P', 'k = P - 1', 'E[X] per position', 'acceptance length along decoding', 'steps', ...Array.from({ length: ranks }, (_, k) => `accept rate pos ${k + 1}`)];
  const rows = g.rows.map((r) => [
    r.drafter,
    String(r.P),
    String(r.P - 1),
    formatValue(r.perPositionMean),
    r.decoding === undefined ? '– (needs --tree-every 1)' : formatValue(r.decoding.meanAcceptanceLength),
    r.decoding === undefined ? '–' : String(r.decoding.steps),
    ...Array.from({ length: ranks }, (_, k) => (r.decoding?.perPositionAcceptance[k] === undefined ? '' : formatValue(r.decoding.perPositionAcceptance[k]))),
  ]);
  return { headers, rows };
}
