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
 * Legends are drawn inside the SVG (text marks anchored to the frame), so every figure is one
 * standalone `<svg>`.
 */
import * as Plot from '@observablehq/plot';
import type { Curve, Curves, Report } from '../results/results-schema.js';
import { renderPlotSvg, type PlotOptions } from './svg.js';
import { strategyColor } from '../tree/strategies/registry.js';

/** How one curve is drawn: its legend label, colour and optional dash pattern. */
export interface SeriesStyle {
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
}

/** Fixed styles of the standard curves, so colours mean the same thing in every figure. */
export const SERIES_STYLES: Readonly<Record<string, SeriesStyle>> = {
  oracle: { label: 'oracle E[X*] (real model, Lemma 1)', color: '#111111' },
  oracleAncestral: { label: 'oracle, ancestral-sample estimate', color: '#777777', dash: '2,3' },
  iid: { label: 'i.i.d. optimum (branching random walk)', color: '#1f77b4' },
  theorem1: { label: 'Theorem 1 bound', color: '#1f77b4', dash: '6,4' },
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

interface CurveRow {
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

function seriesMarks(curve: Curve, style: SeriesStyle, band: boolean): Plot.Markish[] {
  const rows = curveRows(curve);
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
      strokeWidth: style.dash === undefined ? 2 : 1.5,
      ...(style.dash === undefined ? {} : { strokeDasharray: style.dash }),
    }),
  );
  return marks;
}

/**
 * The Figure 2 analog: tokens per verifier pass E[X] against the budget P (nodes including the
 * root, log axis). Solid lines are measured or simulated optima and drafters (with 95% bands
 * from their standard errors); dashed lines are the theory (Theorem 1, ln P/μ, Lemma 7).
 */
export function acceptedLengthFigure(curves: Partial<Curves>, options: FigureSize & { readonly title?: string } = {}): PlotOptions {
  const marks: Plot.Markish[] = [];
  const legend: SeriesStyle[] = [];
  const add = (curve: Curve | undefined, style: SeriesStyle, band: boolean) => {
    if (curve === undefined || curveRows(curve).length === 0) return;
    marks.push(...seriesMarks(curve, style, band));
    legend.push(style);
  };
  add(curves.theorem1, SERIES_STYLES['theorem1']!, false);
  add(curves.limit, SERIES_STYLES['limit']!, false);
  add(curves.lemma7, SERIES_STYLES['lemma7']!, false);
  add(curves.iid, SERIES_STYLES['iid']!, true);
  Object.entries(curves.drafters ?? {}).forEach(([name, curve]) => add(curve, drafterStyle(name), true));
  add(curves.oracle, SERIES_STYLES['oracle']!, true);
  add(curves.oracleAncestral, SERIES_STYLES['oracleAncestral']!, false);
  const height = options.height ?? Math.max(400, 120 + 13 * legend.length);
  return {
    width: options.width ?? 640,
    height,
    marginLeft: 48,
    marginRight: 20,
    x: { type: 'log', label: 'budget P (draft-tree nodes incl. root) →', grid: true },
    y: { label: '↑ E[X] tokens per verifier pass', grid: true, zero: false },
    marks: [Plot.ruleY([1], { stroke: '#cccccc' }), ...marks, ...legendMarks(legend)],
    ...(options.title === undefined ? {} : { ariaLabel: options.title }),
  };
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

/** Value of a curve at budget P: the point with the largest budget ≤ P, or undefined. */
export function curveValueAt(curve: Curve | undefined, P: number): number | undefined {
  if (curve === undefined) return undefined;
  let best: { P: number; mean: number } | undefined;
  for (const p of curve) if (p.P <= P && (best === undefined || p.P > best.P)) best = p;
  return best?.mean;
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
 * one point per task (named beside the first drafter's points), with the diagonal y = x (points
 * above it beat the estimate). The axes share one domain, padded around the points.
 */
export function lemma7Figure(points: readonly Lemma7Point[], P: number, options: FigureSize = {}): PlotOptions {
  const drafters = [...new Set(points.map((p) => p.drafter))];
  const styles = drafters.map((d) => drafterStyle(d));
  const values = points.flatMap((p) => [p.estimate, p.measured]);
  const min = values.length === 0 ? 1 : Math.min(...values);
  const max = values.length === 0 ? 2 : Math.max(...values);
  const pad = Math.max(0.05, 0.1 * (max - min));
  const lo = Math.max(0, min - pad);
  const hi = max + pad;
  const marks: Plot.Markish[] = [Plot.line([{ v: lo }, { v: hi }], { x: 'v', y: 'v', stroke: '#999999', strokeDasharray: '4,4' })];
  drafters.forEach((drafter, i) => {
    const rows = points.filter((p) => p.drafter === drafter);
    const color = styles[i]!.color;
    marks.push(Plot.dot(rows, { x: 'estimate', y: 'measured', fill: color, r: 4 }));
    // Task names once (beside the first drafter's points), so labels do not pile up.
    if (i === 0) marks.push(Plot.text(rows, { x: 'estimate', y: 'measured', text: 'task', dx: 7, textAnchor: 'start', fill: color }));
  });
  return {
    width: options.width ?? 640,
    height: options.height ?? 400,
    marginLeft: 48,
    marginRight: 60,
    x: { label: `Lemma 7 estimate at P = ${P} →`, grid: true, domain: [lo, hi], nice: true },
    y: { label: `↑ measured E[X] at P = ${P}`, grid: true, domain: [lo, hi], nice: true },
    marks: [...marks, ...legendMarks([...styles, { label: 'y = x', color: '#999999', dash: '4,4' }])],
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
    width: options.width ?? 640,
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'entropy of the next-token distribution (nats) →' },
    y: { label: '↑ share of positions', grid: true, percent: true },
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
    width: options.width ?? 640,
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'temperature T →', grid: true },
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
    width: options.width ?? 640,
    height: options.height ?? 300,
    marginLeft: 48,
    x: { label: 'temperature T →', grid: true },
    y: { label: `↑ E[X] at P = ${P}`, grid: true, zero: false },
    marks: [...marks, ...legendMarks(legend, 'top-right')],
  };
}

/** The report's figures rendered to SVG strings (absent when the data for one is missing). */
export interface ReportFigures {
  readonly acceptedLength: string;
  readonly lemma7?: string;
  readonly entropyHistogram?: string;
  readonly temperatureEntropy?: string;
  readonly temperatureBounds?: string;
}

/** Renders every figure a report's data allows. `lemma7P` is the budget of the Figure 1 analog (the paper uses 60). */
export function renderReportFigures(report: Report, lemma7Budget = 60): ReportFigures {
  const lemma7P = Math.min(lemma7Budget, report.config.PMax);
  const points = lemma7Points(report, lemma7P);
  const sweep = report.temperatureSweep;
  return {
    acceptedLength: renderPlotSvg(acceptedLengthFigure(report.curves)),
    ...(points.length === 0 ? {} : { lemma7: renderPlotSvg(lemma7Figure(points, lemma7P)) }),
    ...(report.entropyHistogram === undefined
      ? {}
      : { entropyHistogram: renderPlotSvg(entropyHistogramFigure(report.entropyHistogram, { mu: report.stats.overall.mu.estimate })) }),
    ...(sweep === undefined || sweep.length === 0
      ? {}
      : { temperatureEntropy: renderPlotSvg(temperatureEntropyFigure(sweep)), temperatureBounds: renderPlotSvg(temperatureBoundsFigure(sweep)) }),
  };
}
