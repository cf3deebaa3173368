/**
 * The report's figures as pure functions from report data (the `report.json` types) to
 * Observable Plot options, and to SVG through `renderPlotSvg`. The web page and the planner use
 * the same functions, so a figure looks the same wherever it appears.
 *
 * - `acceptedLengthFigure`: E[X] against P (log axis) with the real oracle, the i.i.d.
 *   simulation, each drafter, Theorem 1 and ln P/μ (the paper's Figure 2 analog).
 * - `lemma7Figure`: drafter E[X] at one P against the Lemma 7 estimate, one point per task
 *   (the paper's Figure 1 analog).
 * - `entropyHistogramFigure`: per-position entropy histogram.
 * - `temperatureEntropyFigure`, `temperatureBoundsFigure`: the temperature sweep.
 *
 * Lines are named by labels at their right ends (`endLabelMark`, dodged apart: the E[X] figure,
 * the per-task and speedup figures, the adaptive figure of adaptive.ts); the temperature figures
 * keep small in-frame legends (`legendMarks`). Either way every figure is one standalone `<svg>`.
 */
import * as Plot from '@observablehq/plot';
import type { Curve, Curves, Report } from '../results/results-schema.js';
import { renderPlotSvg, type PlotOptions } from './svg.js';
import { strategyColor } from '../tree/strategies/registry.js';
import { adaptiveFigure } from './adaptive.js';
import { formatNumber } from '../core/format-number.js';

/** How one curve is drawn: its legend label, colour and optional dash pattern. */
export interface SeriesStyle {
  readonly label: string;
  readonly color: string;
  /** Dashed: theory (bounds and estimates). */
  readonly dash?: string;
  /** A thin solid line: a second estimate of a curve drawn thick. */
  readonly thin?: boolean;
}

/** Fixed styles of the standard curves, so colours mean the same thing in every figure. */
export const SERIES_STYLES: Readonly<Record<string, SeriesStyle>> = {
  oracle: { label: 'oracle E[X*] (real model, Lemma 1)', color: '#111111' },
  oracleAncestral: { label: 'oracle, ancestral-sample estimate', color: '#999999', thin: true },
  iid: { label: 'i.i.d. optimum (branching random walk)', color: '#1f77b4' },
  theorem1: { label: 'Theorem 1 bound', color: '#08306b', dash: '6,4' },
  limit: { label: 'ln P / μ (Corollary 1)', color: '#ff7f0e', dash: '6,4' },
  lemma7: { label: 'Lemma 7 estimate min(1/π₀, ln P/μ_CE)', color: '#2ca02c', dash: '6,4' },
};

/** Style of the drafting strategy `name` (`q-greedy`, `chain`, …): its registry colour, the same in every figure. */
export function drafterStyle(name: string): SeriesStyle {
  return { label: `drafter: ${name}`, color: strategyColor(name) };
}

export interface FigureSize {
  readonly width?: number;
  readonly height?: number;
}

/**
 * Legend drawn inside the plot frame: one colored swatch (a solid or dashed dash) and a label per
 * entry, stacked from the top-left (or top-right) corner.
 */
export function legendMarks(entries: readonly SeriesStyle[], anchor: 'top-left' | 'top-right' = 'top-left'): Plot.Markish[] {
  const marks: Plot.Markish[] = [];
  const sign = anchor === 'top-left' ? 1 : -1;
  entries.forEach((entry, i) => {
    const dy = 6 + 13 * i;
    marks.push(
      Plot.text([entry.dash === undefined ? '━━' : '╍╍'], {
        text: (d: string) => d,
        frameAnchor: anchor,
        dx: sign === 1 ? 6 : -6,
        dy,
        fill: entry.color,
        textAnchor: sign === 1 ? 'start' : 'end',
        lineAnchor: 'top',
      }),
      Plot.text([entry.label], {
        text: (d: string) => d,
        frameAnchor: anchor,
        dx: sign === 1 ? 30 : -30,
        dy,
        textAnchor: sign === 1 ? 'start' : 'end',
        lineAnchor: 'top',
      }),
    );
  });
  return marks;
}

export interface CurveRow {
  readonly P: number;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

function curveRows(curve: Curve): CurveRow[] {
  return curve
    .filter((p) => Number.isFinite(p.mean))
    .map((p) => {
      const half = p.se === undefined || !Number.isFinite(p.se) ? 0 : 1.96 * p.se;
      return { P: p.P, mean: p.mean, lo: p.mean - half, hi: p.mean + half };
    });
}

/** The point between a and b (in log P, the figures' x scale) where the curve reaches y. */
function crossing(a: CurveRow, b: CurveRow, y: number): CurveRow {
  const t = (y - a.mean) / (b.mean - a.mean);
  const P = Math.exp(Math.log(a.P) + t * (Math.log(b.P) - Math.log(a.P)));
  return { P, mean: y, lo: y, hi: y };
}

/**
 * The rows of a curve inside [yMin, yMax]: starting where it enters from below (an estimate
 * such as ln P/μ starts at 0) and ending where it leaves at the top, both points interpolated
 * onto the edge. Cutting the data instead of clipping the mark keeps the SVG free of clip-path
 * ids, which Plot numbers with a global counter, so the same data always gives the same bytes.
 */
export function cutToRange(rows: readonly CurveRow[], yMin: number, yMax: number): CurveRow[] {
  const out: CurveRow[] = [];
  let prev: CurveRow | undefined;
  for (const r of rows) {
    if (r.mean < yMin) {
      prev = r;
      continue;
    }
    if (out.length === 0 && prev !== undefined && prev.mean < yMin) out.push(crossing(prev, r, yMin));
    if (r.mean > yMax) {
      const last = out[out.length - 1];
      if (last !== undefined) out.push(crossing(last, r, yMax));
      break;
    }
    out.push(r);
    prev = r;
  }
  return out;
}

/** `cutToRange` with no lower edge. */
export function cutAtTop(rows: readonly CurveRow[], yMax: number): CurveRow[] {
  return cutToRange(rows, -Infinity, yMax);
}

function seriesMarks(curve: Curve, style: SeriesStyle, band: boolean, yMin = -Infinity, yMax = Infinity): Plot.Markish[] {
  const rows = cutToRange(curveRows(curve), yMin, yMax);
  if (rows.length === 0) return [];
  const marks: Plot.Markish[] = [];
  if (band && rows.some((r) => r.hi > r.lo)) {
    marks.push(Plot.areaY(rows, { x: 'P', y1: 'lo', y2: 'hi', fill: style.color, fillOpacity: 0.15, curve: 'linear' }));
  }
  marks.push(
    Plot.lineY(rows, {
      x: 'P',
      y: 'mean',
      stroke: style.color,
      strokeWidth: style.thin === true ? 1.2 : style.dash === undefined ? 2 : 1.5,
      ...(style.dash === undefined ? {} : { strokeDasharray: style.dash }),
    }),
  );
  return marks;
}

/** Default width of the report's figures: the report's text column (980 px) less its padding. */
export const FIGURE_WIDTH = 920;
/** Font size of every figure's text (Plot's default is 10 px, too small at 100% zoom). */
export const FIGURE_FONT = '12px';
const LABEL_SPACING_PX = 14;

/** A label placed at the right end of a line. */
export interface EndLabel {
  readonly text: string;
  readonly color: string;
  /** Where the line ends on the x axis, when not at the figure's largest x (data units). */
  readonly x?: number;
  /** Where the line ends (data units). */
  readonly y: number;
  /** Where the label is drawn after separating it from its neighbours (data units). */
  labelY: number;
}

/**
 * Spreads end-of-line labels vertically so no two are closer than `spacing` (data units),
 * keeping their order and staying as close to their lines as that allows (a one-dimensional
 * "dodge": pushed apart upwards from the lowest, then shifted back down where they overshoot).
 */
export function dodgeLabels<T extends { y: number; labelY: number }>(labels: T[], spacing: number, lo: number, hi: number): T[] {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  let floor = lo;
  for (const l of sorted) {
    l.labelY = Math.max(l.y, floor);
    floor = l.labelY + spacing;
  }
  let ceiling = hi;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const l = sorted[i]!;
    l.labelY = Math.min(l.labelY, ceiling);
    ceiling = l.labelY - spacing;
  }
  return sorted;
}

/**
 * End-of-line labels as one text mark, each just right of its line's end (`x`, else the largest
 * x `PMax`), dodged so no two are closer than LABEL_SPACING_PX in a plot area `innerHeight`
 * pixels tall spanning [yLo, yHi]. The one way the report's figures name their lines.
 */
export function endLabelMark(labels: EndLabel[], PMax: number, yLo: number, yHi: number, innerHeight: number): Plot.Markish {
  dodgeLabels(labels, (LABEL_SPACING_PX * (yHi - yLo)) / innerHeight, yLo, yHi);
  return Plot.text(labels, { x: (d: EndLabel) => d.x ?? PMax, y: 'labelY', text: 'text', fill: 'color', dx: 8, textAnchor: 'start' });
}

/** Right margin (px) that fits end labels of these texts at the figure's right edge. */
export function endLabelMargin(labels: readonly EndLabel[], min: number, max: number): number {
  return Math.min(max, Math.max(min, 6.6 * Math.max(0, ...labels.map((l) => l.text.length))));
}

/**
 * The Figure 2 analog: tokens per verifier pass E[X] against the budget P (nodes including the
 * root, log axis). Solid lines are measured or simulated optima and drafters (with 95% bands
 * from their standard errors; the thin grey line is the oracle's ancestral-sample estimate);
 * dashed lines are theory (Theorem 1, ln P/μ, Lemma 7). Every line is labelled at its right end.
 *
 * The y axis is set by the measured and simulated curves, not by the theory: Theorem 1 is loose
 * (2–3× the optimum), and scaling to it squeezes every measured curve into the bottom third.
 * Where a theory line leaves the plot its label says so and gives its value at the largest
 * budget.
 */
export function acceptedLengthFigure(curves: Partial<Curves>, options: FigureSize & { readonly title?: string } = {}): PlotOptions {
  const width = options.width ?? FIGURE_WIDTH;
  const height = options.height ?? 460;
  const marginTop = 24;
  const marginBottom = 40;
  const series: { curve: Curve; style: SeriesStyle; band: boolean; theory: boolean }[] = [];
  const add = (curve: Curve | undefined, style: SeriesStyle, band: boolean, theory = false) => {
    if (curve === undefined || curveRows(curve).length === 0) return;
    series.push({ curve, style, band, theory });
  };
  add(curves.theorem1, SERIES_STYLES['theorem1']!, false, true);
  add(curves.limit, SERIES_STYLES['limit']!, false, true);
  add(curves.lemma7, SERIES_STYLES['lemma7']!, false, true);
  add(curves.iid, SERIES_STYLES['iid']!, true);
  Object.entries(curves.drafters ?? {}).forEach(([name, curve]) => add(curve, drafterStyle(name), true));
  add(curves.oracle, SERIES_STYLES['oracle']!, true);
  add(curves.oracleAncestral, SERIES_STYLES['oracleAncestral']!, false);

  // The y domain: the measured and simulated curves (band edges included), not the theory.
  const scaled = series.filter((s) => !s.theory).flatMap((s) => curveRows(s.curve).flatMap((r) => (s.band ? [r.hi, r.lo] : [r.mean])));
  const all = series.flatMap((s) => curveRows(s.curve).map((r) => r.mean));
  const basis = scaled.length > 0 ? scaled : all;
  const yLo = Math.min(1, ...basis);
  const yHi = Math.max(...basis) * 1.06 + 0.05;
  const PMax = Math.max(...series.flatMap((s) => curveRows(s.curve).map((r) => r.P)));

  const marks: Plot.Markish[] = [
    Plot.ruleY([1], { stroke: '#bbbbbb' }),
    Plot.text(['1 token per pass: no speculation'], { frameAnchor: 'bottom-right', dy: -4, dx: -4, textAnchor: 'end', fill: '#888888', y: () => 1, lineAnchor: 'bottom' }),
  ];
  const labels: EndLabel[] = [];
  for (const s of series) {
    marks.push(...seriesMarks(s.curve, s.style, s.band, yLo, yHi));
    const rows = curveRows(s.curve);
    const last = rows[rows.length - 1]!;
    const off = last.mean > yHi;
    labels.push({
      text: off ? `${s.style.label} ↑ (off scale: ${formatNumber(last.mean, 3)} at P = ${last.P})` : s.style.label,
      color: s.style.color,
      y: Math.min(last.mean, yHi),
      labelY: 0,
    });
  }
  marks.push(endLabelMark(labels, PMax, yLo, yHi, height - marginTop - marginBottom));
  return {
    width,
    height,
    marginTop,
    marginBottom,
    marginLeft: 48,
    // Room for the end labels (the longest is the off-scale bound's).
    marginRight: Math.min(360, Math.max(150, 6.6 * Math.max(...labels.map((l) => l.text.length)))),
    style: { fontSize: FIGURE_FONT },
    x: { type: 'log', label: 'budget P (draft-tree nodes incl. root) →', labelAnchor: 'center', grid: true },
    y: { label: '↑ E[X] tokens per verifier pass', grid: true, domain: [yLo, yHi] },
    marks,
    ...(options.title === undefined ? {} : { ariaLabel: options.title }),
  };
}

/** Colours of tasks in the per-task figure (Tableau 10), by the task's place in sorted order. */
const TASK_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ab'];

/** Lines with end labels on a log-P axis: the shared layout of the per-task and speedup figures. */
function labelledLines(
  lines: readonly { readonly label: string; readonly color: string; readonly rows: readonly CurveRow[]; readonly band?: boolean; readonly dash?: string }[],
  axes: { readonly y: string; readonly yMin?: number },
  options: FigureSize,
  extra: Plot.Markish[] = [],
): PlotOptions {
  const width = options.width ?? FIGURE_WIDTH;
  const height = options.height ?? 400;
  const marginTop = 24;
  const marginBottom = 40;
  const values = lines.flatMap((l) => l.rows.flatMap((r) => (l.band === true ? [r.lo, r.hi] : [r.mean])));
  const yLo = Math.min(axes.yMin ?? Infinity, ...values);
  const yHi = Math.max(...values) * 1.04 + 0.02;
  const PMax = Math.max(...lines.flatMap((l) => l.rows.map((r) => r.P)));
  const marks: Plot.Markish[] = [...extra];
  const labels: EndLabel[] = [];
  for (const l of lines) {
    if (l.rows.length === 0) continue;
    if (l.band === true && l.rows.some((r) => r.hi > r.lo)) marks.push(Plot.areaY(l.rows, { x: 'P', y1: 'lo', y2: 'hi', fill: l.color, fillOpacity: 0.12 }));
    marks.push(Plot.lineY(l.rows, { x: 'P', y: 'mean', stroke: l.color, strokeWidth: 2, ...(l.dash === undefined ? {} : { strokeDasharray: l.dash }) }));
    labels.push({ text: l.label, color: l.color, y: l.rows[l.rows.length - 1]!.mean, labelY: 0 });
  }
  marks.push(endLabelMark(labels, PMax, yLo, yHi, height - marginTop - marginBottom));
  return {
    width,
    height,
    marginTop,
    marginBottom,
    marginLeft: 48,
    marginRight: Math.min(320, Math.max(120, 6.6 * Math.max(0, ...labels.map((l) => l.text.length)))),
    style: { fontSize: FIGURE_FONT },
    x: { type: 'log', label: 'budget P (draft-tree nodes incl. root) →', labelAnchor: 'center', grid: true },
    y: { label: axes.y, grid: true, domain: [yLo, yHi] },
    marks,
  };
}

/** The real oracle E[X*](P) of each task, with 95% bands: which workloads speculation favours. */
export function taskOracleFigure(tasks: Report['tasks'], options: FigureSize = {}): PlotOptions | undefined {
  const names = Object.keys(tasks ?? {})
    .filter((t) => (tasks?.[t]?.curves?.oracle?.length ?? 0) > 0)
    .sort();
  if (names.length < 2) return undefined;
  const lines = names.map((task, i) => ({ label: task, color: TASK_COLOURS[i % TASK_COLOURS.length]!, rows: curveRows(tasks![task]!.curves!.oracle!), band: true }));
  return labelledLines(lines, { y: '↑ oracle E[X*] tokens per verifier pass', yMin: 1 }, options, [Plot.ruleY([1], { stroke: '#bbbbbb' })]);
}

/** Caption of the speedup figure (the latency model is named on its y axis). */
export const SPEEDUP_CAPTION =
  'speedup(P) = E[X](P) · T_v(1) / (T_v(P) + T_d(P)) (Wald identity, the paper\u2019s eq. 1) under the latency model named on the axis; diamonds mark each curve\u2019s best P. A latency model is an estimate: the tokens per pass are this run\u2019s, the cost per pass is the model\u2019s (specbound plan and profile give yours).';

/** A verifier latency model for the speedup figure: milliseconds of one pass over k tokens. */
export interface SpeedupLatency {
  readonly verifierMs: (k: number) => number;
  /** Drafting cost of a P-node tree, ms (default free). */
  readonly drafterMs?: (P: number) => number;
  /** One line naming the model, e.g. "roofline: llama-3.1-8b BF16 on 1× H100 SXM, context 1024". */
  readonly description: string;
}

/**
 * Speedup over plain decoding against P: speedup(P) = E[X](P)·T_v(1)/(T_v(P) + T_d(P)) (the
 * paper's Wald identity, eq. 1, with a latency curve), for the oracle, the i.i.d. optimum and
 * each drafter, with the best P of each marked.
 */
export function speedupFigure(curves: Partial<Curves>, latency: SpeedupLatency, options: FigureSize = {}): PlotOptions | undefined {
  const base = latency.verifierMs(1);
  const toSpeedup = (curve: Curve | undefined): CurveRow[] =>
    curve === undefined
      ? []
      : curveRows(curve).map((r) => {
          const factor = base / (latency.verifierMs(r.P) + (latency.drafterMs?.(r.P) ?? 0));
          return { P: r.P, mean: r.mean * factor, lo: r.lo * factor, hi: r.hi * factor };
        });
  const lines = [
    { label: SERIES_STYLES['oracle']!.label, color: SERIES_STYLES['oracle']!.color, rows: toSpeedup(curves.oracle), band: true },
    { label: SERIES_STYLES['iid']!.label, color: SERIES_STYLES['iid']!.color, rows: toSpeedup(curves.iid), band: true },
    ...Object.entries(curves.drafters ?? {}).map(([name, curve]) => ({ label: drafterStyle(name).label, color: drafterStyle(name).color, rows: toSpeedup(curve), band: true })),
  ].filter((l) => l.rows.length > 0);
  if (lines.length === 0) return undefined;
  const best = lines.map((l) => {
    const top = l.rows.reduce((a, b) => (b.mean > a.mean ? b : a));
    return { P: top.P, mean: top.mean, color: l.color };
  });
  return labelledLines(lines, { y: `↑ speedup over plain decoding (${latency.description})`, yMin: 1 }, { height: 380, ...options }, [
    Plot.ruleY([1], { stroke: '#bbbbbb' }),
    Plot.dot(best, { x: 'P', y: 'mean', fill: 'color', r: 4, symbol: 'diamond' }),
  ]);
}

/** One run of a comparison: a name and the curves to overlay. */
export interface ComparedRun {
  readonly name: string;
  readonly curves: Pick<Partial<Curves>, 'oracle' | 'iid' | 'drafters'>;
}

/** Colours of the compared runs (first blue, second orange). */
const RUN_COLOURS = ['#1f77b4', '#ff7f0e'];

/**
 * Two runs on one E[X]-against-P plot: each run's real oracle (thick, with its band), i.i.d.
 * optimum and drafters (thin), coloured by run and labelled "run: curve" at the line ends.
 */
export function compareRunsFigure(runs: readonly [ComparedRun, ComparedRun], options: FigureSize = {}): PlotOptions {
  const lines = runs.flatMap((run, i) => {
    const color = RUN_COLOURS[i]!;
    const out: { label: string; color: string; rows: CurveRow[]; band?: boolean; dash?: string }[] = [];
    if (run.curves.oracle !== undefined) out.push({ label: `${run.name}: oracle E[X*]`, color, rows: curveRows(run.curves.oracle), band: true });
    if (run.curves.iid !== undefined) out.push({ label: `${run.name}: i.i.d. optimum`, color, rows: curveRows(run.curves.iid), dash: '2,3' });
    for (const [name, curve] of Object.entries(run.curves.drafters ?? {})) out.push({ label: `${run.name}: ${name}`, color, rows: curveRows(curve), dash: '7,3' });
    return out.filter((l) => l.rows.length > 0);
  });
  return labelledLines(lines, { y: '↑ E[X] tokens per verifier pass', yMin: 1 }, { height: 480, ...options }, [Plot.ruleY([1], { stroke: '#bbbbbb' })]);
}

/** One point of the Figure 1 analog: a drafter on a task, measured and estimated at budget P. */
export interface Lemma7Point {
  readonly task: string;
  readonly drafter: string;
  /** Lemma 7 estimate min(1/π₀, ln P / μ_CE) at P. */
  readonly estimate: number;
  /** Measured E[X] of the drafter's tree at P. */
  readonly measured: number;
}

/** The point of a curve with the largest budget ≤ P (the first of equal budgets), or undefined. */
export function curvePointAt<T extends { readonly P: number; readonly mean: number }>(curve: readonly T[] | undefined, P: number): T | undefined {
  if (curve === undefined) return undefined;
  let best: T | undefined;
  for (const p of curve) if (p.P <= P && (best === undefined || p.P > best.P)) best = p;
  return best;
}

/** Value of a curve at budget P: the point with the largest budget ≤ P, or undefined. */
export function curveValueAt(curve: readonly { readonly P: number; readonly mean: number }[] | undefined, P: number): number | undefined {
  return curvePointAt(curve, P)?.mean;
}

/**
 * Collects Figure 1 points from a report: for every task with a Lemma 7 curve, each drafter's
 * measured E[X] at P against the estimate at P. Drafters default to those that build trees from
 * the drafter's q (`q-greedy`, `eagle`), which is what Lemma 7 describes.
 */
export function lemma7Points(report: Pick<Report, 'tasks'>, P: number, drafters: readonly string[] = ['q-greedy', 'eagle']): Lemma7Point[] {
  const points: Lemma7Point[] = [];
  for (const [task, taskReport] of Object.entries(report.tasks ?? {})) {
    const estimate = curveValueAt(taskReport.curves?.lemma7, P);
    if (estimate === undefined || !Number.isFinite(estimate)) continue;
    for (const drafter of drafters) {
      const measured = curveValueAt(taskReport.curves?.drafters?.[drafter], P);
      if (measured !== undefined && Number.isFinite(measured)) points.push({ task, drafter, estimate, measured });
    }
  }
  return points;
}

/**
 * The Figure 1 analog: each drafter's measured E[X] at budget P against the Lemma 7 estimate,
 * one panel per drafter and one labelled point per task, with the diagonal y = x (points above
 * it beat the estimate). Each axis is fitted to its own values (padded), so the points spread
 * over the panel; the diagonal is drawn where it crosses the panel. Task labels are dodged
 * vertically so they never overlap each other or sit on a point.
 */
export function lemma7Figure(points: readonly Lemma7Point[], P: number, options: FigureSize = {}): PlotOptions {
  const drafters = [...new Set(points.map((p) => p.drafter))];
  const styles = drafters.map((d) => drafterStyle(d));
  const padded = (values: number[]): [number, number] => {
    const min = values.length === 0 ? 1 : Math.min(...values);
    const max = values.length === 0 ? 2 : Math.max(...values);
    const pad = Math.max(0.05, 0.15 * (max - min));
    return [Math.max(0, min - pad), max + pad];
  };
  const [xLo, xHi] = padded(points.map((p) => p.estimate));
  const [yLo, yHi] = padded(points.map((p) => p.measured));
  const height = options.height ?? 380;
  const marginTop = 30;
  const marginBottom = 44;
  const spacing = (LABEL_SPACING_PX * (yHi - yLo)) / (height - marginTop - marginBottom);
  const colour = new Map(drafters.map((d, i) => [d, styles[i]!.color]));
  const rows = points.map((p) => ({ ...p, y: p.measured, labelY: p.measured }));
  for (const drafter of drafters) dodgeLabels(rows.filter((r) => r.drafter === drafter), spacing, yLo, yHi);
  // The diagonal inside the panel: from the larger of the two lower ends to the smaller upper end.
  const d0 = Math.max(xLo, yLo);
  const d1 = Math.min(xHi, yHi);
  const diagonal = d1 > d0 ? drafters.flatMap((drafter) => [{ drafter, v: d0 }, { drafter, v: d1 }]) : [];
  const width = options.width ?? Math.min(FIGURE_WIDTH, 120 + 300 * Math.max(1, drafters.length));
  return {
    width,
    height,
    marginTop,
    marginBottom,
    marginLeft: 52,
    marginRight: 20,
    style: { fontSize: FIGURE_FONT },
    fx: { label: null, domain: drafters, axis: null },
    x: { label: `Lemma 7 estimate min(1/π₀, ln P/μ_CE) at P = ${P} →`, labelAnchor: 'center', grid: true, domain: [xLo, xHi] },
    y: { label: `↑ measured E[X] at P = ${P}`, grid: true, domain: [yLo, yHi] },
    marks: [
      Plot.frame({ stroke: '#dddddd' }),
      Plot.text(drafters, { fx: (d: string) => d, text: (d: string) => `drafter: ${d}`, frameAnchor: 'top', dy: 6, lineAnchor: 'top', fontWeight: 'bold', fill: (d: string) => colour.get(d)! }),
      ...(diagonal.length > 0
        ? []
        : [
            Plot.text(drafters, {
              fx: (d: string) => d,
              text: () => (yLo > xHi ? 'all points above y = x (off this panel)' : 'all points below y = x (off this panel)'),
              frameAnchor: 'bottom',
              dy: -6,
              fill: '#888888',
            }),
          ]),
      Plot.line(diagonal, { fx: 'drafter', x: 'v', y: 'v', z: 'drafter', stroke: '#999999', strokeDasharray: '4,4' }),
      ...(diagonal.length === 0 ? [] : [Plot.text(drafters.map((drafter) => ({ drafter, v: d1 })), { fx: 'drafter', x: 'v', y: 'v', text: () => 'y = x', dx: -4, dy: -8, textAnchor: 'end', fill: '#888888' })]),
      Plot.dot(rows, { fx: 'drafter', x: 'estimate', y: 'measured', fill: (r: Lemma7Point) => colour.get(r.drafter)!, r: 4 }),
      Plot.link(rows, { fx: 'drafter', x1: 'estimate', y1: 'measured', x2: 'estimate', y2: 'labelY', stroke: '#cccccc' }),
      Plot.text(rows, { fx: 'drafter', x: 'estimate', y: 'labelY', text: 'task', dx: 8, textAnchor: 'start', fill: '#333333' }),
    ],
  };
}

/** Histogram of per-position entropies (nats), with the mean entropy μ marked when given. */
export function entropyHistogramFigure(
  histogram: { readonly edges: readonly number[]; readonly counts: readonly number[] },
  options: FigureSize & { readonly mu?: number } = {},
): PlotOptions {
  const total = histogram.counts.reduce((s, c) => s + c, 0);
  const bins = histogram.counts.map((count, i) => ({
    x1: histogram.edges[i]!,
    x2: histogram.edges[i + 1]!,
    share: total > 0 ? count / total : 0,
  }));
  const marks: Plot.Markish[] = [Plot.rectY(bins, { x1: 'x1', x2: 'x2', y: 'share', fill: '#4e79a7', inset: 0.5 }), Plot.ruleY([0])];
  if (options.mu !== undefined && Number.isFinite(options.mu)) {
    marks.push(
      Plot.ruleX([options.mu], { stroke: '#e15759', strokeWidth: 2 }),
      Plot.text([options.mu], { x: (d: number) => d, text: (d: number) => `μ = ${d.toFixed(3)}`, frameAnchor: 'top', dx: 4, dy: 4, textAnchor: 'start', fill: '#e15759' }),
    );
  }
  return {
    width: options.width ?? FIGURE_WIDTH,
    style: { fontSize: FIGURE_FONT },
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'entropy of the next-token distribution (nats) →', labelAnchor: 'center' },
    y: { label: '↑ share of positions (%)', grid: true, percent: true },
    marks,
  };
}

/** One row of the temperature sweep (`report.temperatureSweep`). */
export interface TemperatureSweepRow {
  readonly temperature: number;
  readonly mu: number;
  readonly mu2: number;
  readonly theorem1: number;
  readonly limit: number;
  readonly P: number;
  readonly iid?: number | undefined;
}

/** μ and μ₂ of the verifier against the sampling temperature. */
export function temperatureEntropyFigure(sweep: readonly TemperatureSweepRow[], options: FigureSize = {}): PlotOptions {
  const mu: SeriesStyle = { label: 'μ = E[H(p)] (nats)', color: '#4e79a7' };
  const mu2: SeriesStyle = { label: 'μ₂ = E[Σ p ln² p] (nats²)', color: '#f28e2b' };
  return {
    width: options.width ?? FIGURE_WIDTH,
    style: { fontSize: FIGURE_FONT },
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'temperature T →', labelAnchor: 'center', grid: true },
    y: { label: '↑ nats', grid: true },
    marks: [
      Plot.lineY(sweep, { x: 'temperature', y: 'mu', stroke: mu.color, strokeWidth: 2 }),
      Plot.dot(sweep, { x: 'temperature', y: 'mu', fill: mu.color, r: 2.5 }),
      Plot.lineY(sweep, { x: 'temperature', y: 'mu2', stroke: mu2.color, strokeWidth: 2 }),
      Plot.dot(sweep, { x: 'temperature', y: 'mu2', fill: mu2.color, r: 2.5 }),
      ...legendMarks([mu, mu2]),
    ],
  };
}

/** Theorem 1, ln P/μ (and the i.i.d. optimum when simulated) at a fixed budget P against the temperature. */
export function temperatureBoundsFigure(sweep: readonly TemperatureSweepRow[], options: FigureSize = {}): PlotOptions {
  const P = sweep[0]?.P ?? 0;
  const marks: Plot.Markish[] = [];
  const legend: SeriesStyle[] = [];
  const add = (key: 'theorem1' | 'limit' | 'iid', style: SeriesStyle) => {
    const rows = sweep.filter((r) => r[key] !== undefined && Number.isFinite(r[key]));
    if (rows.length === 0) return;
    marks.push(Plot.lineY(rows, { x: 'temperature', y: key, stroke: style.color, strokeWidth: 2, ...(style.dash === undefined ? {} : { strokeDasharray: style.dash }) }));
    legend.push(style);
  };
  add('theorem1', SERIES_STYLES['theorem1']!);
  add('limit', SERIES_STYLES['limit']!);
  add('iid', SERIES_STYLES['iid']!);
  return {
    width: options.width ?? FIGURE_WIDTH,
    style: { fontSize: FIGURE_FONT },
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'temperature T →', labelAnchor: 'center', grid: true },
    y: { label: `↑ E[X] at P = ${P}`, grid: true, zero: false },
    marks: [...marks, ...legendMarks(legend, 'top-right')],
  };
}

/** The report's figures rendered to SVG strings (absent when the data for one is missing). */
export interface ReportFigures {
  readonly acceptedLength: string;
  readonly taskOracle?: string;
  readonly speedup?: string;
  readonly lemma7?: string;
  readonly entropyHistogram?: string;
  readonly temperatureEntropy?: string;
  readonly temperatureBounds?: string;
  /** Throughput against mean budget: fixed P, adaptive oracle, adaptive drafters (`adaptive.ts`). */
  readonly adaptive?: string;
}

function optionalFigure<K extends string>(key: K, options: PlotOptions | undefined): Partial<Record<K, string>> {
  return options === undefined ? {} : ({ [key]: renderPlotSvg(options) } as Partial<Record<K, string>>);
}

/** Renders every figure a report's data allows. `lemma7P` is the budget of the Figure 1 analog (the paper uses 60). */
export function renderReportFigures(report: Report, lemma7Budget = 60, latency?: SpeedupLatency): ReportFigures {
  const lemma7P = Math.min(lemma7Budget, report.config.PMax);
  const points = lemma7Points(report, lemma7P);
  const sweep = report.temperatureSweep;
  return {
    acceptedLength: renderPlotSvg(acceptedLengthFigure(report.curves)),
    ...optionalFigure('taskOracle', taskOracleFigure(report.tasks)),
    ...optionalFigure('speedup', latency === undefined ? undefined : speedupFigure(report.curves, latency)),
    ...(points.length === 0 ? {} : { lemma7: renderPlotSvg(lemma7Figure(points, lemma7P)) }),
    ...(report.entropyHistogram === undefined
      ? {}
      : { entropyHistogram: renderPlotSvg(entropyHistogramFigure(report.entropyHistogram, { mu: report.stats.overall.mu.estimate })) }),
    ...(sweep === undefined || sweep.length === 0
      ? {}
      : { temperatureEntropy: renderPlotSvg(temperatureEntropyFigure(sweep)), temperatureBounds: renderPlotSvg(temperatureBoundsFigure(sweep)) }),
    ...(report.adaptive === undefined ? {} : { adaptive: renderPlotSvg(adaptiveFigure(report.adaptive)) }),
  };
}
