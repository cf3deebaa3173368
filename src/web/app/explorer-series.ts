/**
 * The curves the explorer plots, computed with `theory/` (the same functions as the CLI), on a
 * geometric grid of integer budgets. Pure: tested in node against direct theory calls.
 */
import { clampEstimate, limitEstimate, reportedBound } from '../../theory/index.js';
import type { ExplorerState } from './url-state.js';

export interface SeriesPoint {
  readonly P: number;
  readonly value: number;
  readonly series: string;
}

export const SERIES = { theorem1: 'Theorem 1 (bound)', limit: 'ln P / μ (estimate)', limitCE: 'ln P / μ_CE (drafter estimate)', iid: 'i.i.d. optimum (simulated)' } as const;

/** One colour per series, whatever else is drawn (Tableau 10, colour-blind-safe order). */
export const SERIES_COLOURS: Readonly<Record<(typeof SERIES)[keyof typeof SERIES], string>> = {
  [SERIES.theorem1]: '#e15759',
  [SERIES.limit]: '#4e79a7',
  [SERIES.limitCE]: '#f28e2b',
  [SERIES.iid]: '#59a14f',
};

/** About `points` integer budgets from pMin to pMax, geometric, both ends included. */
export function budgetGrid(pMin: number, pMax: number, points = 120): number[] {
  const out = new Set<number>([pMin, pMax]);
  const ratio = Math.log(pMax / pMin) / (points - 1);
  for (let i = 0; i < points; i++) out.add(Math.min(pMax, Math.max(pMin, Math.round(pMin * Math.exp(ratio * i)))));
  return [...out].sort((a, b) => a - b);
}

export function theorySeries(s: ExplorerState): SeriesPoint[] {
  const stats = { mu: s.mu, mu2: s.mu2 };
  const out: SeriesPoint[] = [];
  for (const P of budgetGrid(s.pMin, s.pMax)) {
    out.push({ P, value: reportedBound(stats, P).value, series: SERIES.theorem1 });
    // Estimates clamped to [1, P], the range of E[X] (as `bound` and `stats` print them).
    out.push({ P, value: clampEstimate(limitEstimate(s.mu, P), P), series: SERIES.limit });
    if (s.muCE !== null) out.push({ P, value: s.muCE > 0 ? clampEstimate(limitEstimate(s.muCE, P), P) : P, series: SERIES.limitCE });
  }
  return out;
}

export interface Readout {
  readonly P: number;
  readonly theorem1: number;
  readonly theorem1Applies: boolean;
  readonly limit: number;
  readonly limitCE: number | null;
}

export function readoutAt(s: ExplorerState, P: number): Readout {
  const r = reportedBound({ mu: s.mu, mu2: s.mu2 }, P);
  return {
    P,
    theorem1: r.value,
    theorem1Applies: r.theoremApplies,
    limit: clampEstimate(limitEstimate(s.mu, P), P),
    limitCE: s.muCE === null ? null : s.muCE > 0 ? clampEstimate(limitEstimate(s.muCE, P), P) : P,
  };
}
