/**
 * The report's tables as plain data (headers + rows of strings), shared by the Markdown and HTML
 * writers: the Table 1 analog (μ, μ₂, μ_CE, π₀ per task) and the E[X](P) curves side by side.
 */
import type { Curve, Estimate, Report, StatsSummary } from '../results/results-schema.js';
import { formatNumber } from '../core/format-number.js';
import { curveValueAt } from './figures.js';

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A number with `digits` significant digits (core/format-number.ts); `–` when missing or not finite. */
export function formatValue(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '–' : formatNumber(v, digits);
}

/** `0.683 [0.61, 0.75]`, with the top-k interval when it is not a point: `0.683 (0.68–0.70) [CI]`. */
export function formatEstimate(e: Estimate | undefined, sequences = 2): string {
  if (e === undefined) return '–';
  if (sequences < 2) return `${formatValue(e.estimate)} [one sequence: no CI]`;
  const [lo, hi] = e.interval;
  const interval = hi - lo > 1e-9 * Math.max(1, Math.abs(hi)) ? ` (top-k: ${formatValue(lo)}–${formatValue(hi)})` : '';
  return `${formatValue(e.estimate)}${interval} [${formatValue(e.ci95[0])}, ${formatValue(e.ci95[1])}]`;
}

/** The Table 1 analog: one row per task and one for all tasks together. */
export function statsTable(report: Pick<Report, 'stats'>): Table {
  const hasDrafter = report.stats.overall.muCE !== undefined;
  const headers = ['task', 'sequences', 'positions', 'μ (nats) [95% CI]', 'μ₂ (nats²) [95% CI]', ...(hasDrafter ? ['μ_CE [95% CI]', 'π₀ [95% CI]'] : []), 'tail mass'];
  const row = (name: string, s: StatsSummary): string[] => [
    name,
    String(s.sequences),
    String(s.positions),
    formatEstimate(s.mu, s.sequences),
    formatEstimate(s.mu2, s.sequences),
    ...(hasDrafter ? [formatEstimate(s.muCE, s.sequences), formatEstimate(s.pi0, s.sequences)] : []),
    formatValue(s.tailMass),
  ];
  const tasks = Object.keys(report.stats.tasks).sort();
  return { headers, rows: [...tasks.map((t) => row(t, report.stats.tasks[t]!)), row('all', report.stats.overall)] };
}

function withSe(curve: Curve | undefined, P: number): string {
  const point = curve?.find((p) => p.P === P);
  if (point === undefined) return '–';
  return point.se === undefined || !(point.se > 0) ? formatValue(point.mean) : `${formatValue(point.mean)} ± ${formatValue(1.96 * point.se, 2)}`;
}

/** What "±" means in every table of the report. */
export const PLUS_MINUS_NOTE = '± is 1.96 standard errors: the 95% confidence interval of the mean (sequences, not positions, are resampled).';

/** E[X](P) of every curve at every reported budget (± is 1.96 standard errors). */
export function curvesTable(report: Pick<Report, 'curves'>): Table {
  const c = report.curves;
  const drafters = Object.keys(c.drafters);
  const headers = [
    'P',
    'oracle E[X*]',
    ...(c.oracleAncestral === undefined ? [] : ['oracle (ancestral)']),
    'i.i.d. optimum',
    ...drafters,
    'Theorem 1',
    'ln P/μ',
    ...(c.lemma7 === undefined ? [] : ['Lemma 7']),
  ];
  const rows = c.oracle.map((point) => {
    const P = point.P;
    return [
      String(P),
      withSe(c.oracle, P),
      ...(c.oracleAncestral === undefined ? [] : [withSe(c.oracleAncestral, P)]),
      withSe(c.iid, P),
      ...drafters.map((d) => withSe(c.drafters[d], P)),
      formatValue(curveValueAt(c.theorem1, P)),
      formatValue(curveValueAt(c.limit, P)),
      ...(c.lemma7 === undefined ? [] : [formatValue(curveValueAt(c.lemma7, P))]),
    ];
  });
  return { headers, rows };
}

/** The headline numbers at one budget: what the reader should take away. */
export interface Headline {
  readonly P: number;
  readonly mu: number;
  readonly oracle: number | undefined;
  readonly iid: number | undefined;
  readonly theorem1: number | undefined;
  readonly limit: number | undefined;
  /** The best drafter at P and its E[X]. */
  readonly bestDrafter: { readonly name: string; readonly value: number } | undefined;
  /** The curve points at P, with their standard errors (for the narrative's tests). */
  readonly points: {
    readonly oracle?: CurvePointLike | undefined;
    readonly iid?: CurvePointLike | undefined;
    readonly limit?: CurvePointLike | undefined;
    /** Every drafter at P, best first. */
    readonly drafters: readonly { readonly name: string; readonly point: CurvePointLike }[];
  };
}

/** A curve point: mean, SE, and the high end of an estimate left an interval by top-k data. */
export interface CurvePointLike {
  readonly mean: number;
  readonly se?: number | undefined;
  readonly high?: number | undefined;
}

/** Headline at the largest reported budget ≤ `P` (default 60, the paper's Figure 1 budget). */
export function headline(report: Pick<Report, 'curves' | 'stats'>, P = 60): Headline {
  const budgets = report.curves.oracle.map((p) => p.P).filter((b) => b <= P);
  const at = budgets.length === 0 ? 1 : Math.max(...budgets);
  let bestDrafter: Headline['bestDrafter'];
  for (const [name, curve] of Object.entries(report.curves.drafters)) {
    const v = curveValueAt(curve, at);
    if (v !== undefined && (bestDrafter === undefined || v > bestDrafter.value)) bestDrafter = { name, value: v };
  }
  const pointAt = (c: readonly (CurvePointLike & { readonly P: number })[] | undefined): CurvePointLike | undefined => c?.find((p) => p.P === at);
  const drafters = Object.entries(report.curves.drafters)
    .flatMap(([name, curve]) => {
      const point = pointAt(curve);
      return point === undefined ? [] : [{ name, point }];
    })
    .sort((a, b) => b.point.mean - a.point.mean);
  return {
    P: at,
    mu: report.stats.overall.mu.estimate,
    oracle: curveValueAt(report.curves.oracle, at),
    iid: curveValueAt(report.curves.iid, at),
    theorem1: curveValueAt(report.curves.theorem1, at),
    limit: curveValueAt(report.curves.limit, at),
    bestDrafter,
    points: { oracle: pointAt(report.curves.oracle), iid: pointAt(report.curves.iid), limit: pointAt(report.curves.limit), drafters },
  };
}

/** The temperature sweep as a table. */
export function sweepTable(report: Pick<Report, 'temperatureSweep'>): Table | undefined {
  const sweep = report.temperatureSweep;
  if (sweep === undefined || sweep.length === 0) return undefined;
  const P = sweep[0]!.P;
  const hasIid = sweep.some((r) => r.iid !== undefined);
  return {
    headers: ['T', 'μ', 'μ₂', `Theorem 1 at P = ${P}`, `ln P/μ at P = ${P}`, ...(hasIid ? [`i.i.d. optimum at P = ${P}`] : [])],
    rows: sweep.map((r) => [formatValue(r.temperature, 2), formatValue(r.mu), formatValue(r.mu2), formatValue(r.theorem1), formatValue(r.limit), ...(hasIid ? [formatValue(r.iid)] : [])]),
  };
}
