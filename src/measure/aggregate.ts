/**
 * From the completed units of a run to the numbers of the report: per task and overall, the
 * Table 1 analog (μ, μ₂, μ_CE, π₀ with CIs), the real oracle curve (exact and ancestral), each
 * drafter's curve, and the theory curves (Theorem 1, ln P/μ, Lemma 7) at the measured values.
 * Pure: the same records in the same order give the same numbers, whatever run produced them.
 */
import { lemma7Estimate, limitEstimate, reportedBound } from '../theory/index.js';
import type { Curve, Curves, StatsSummary } from '../report/report-schema.js';
import { budgetGrid } from './budget-grid.js';
import { ClusteredMean } from './clustered-mean.js';
import type { UnitRecord } from './unit.js';

/** Per-budget values of one strategy measured at the tree positions of a static (second-pass) unit. */
export interface StaticUnitRecord {
  readonly kind: 'static';
  readonly unit: number;
  /** strategy name → P (as a string key) → E[X] at each tree position, in position order. */
  readonly values: Record<string, Record<string, number[]>>;
}

/** Point, CI and top-k interval of a per-position quantity averaged over positions (clustered by sequence). */
function estimate(records: readonly UnitRecord[], low: (r: UnitRecord) => readonly (number | null)[], high?: (r: UnitRecord) => readonly (number | null)[]) {
  const lo = new ClusteredMean();
  const hi = new ClusteredMean();
  for (const r of records) {
    const a = low(r);
    const b = high === undefined ? a : high(r);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      if (x === null || x === undefined || y === null || y === undefined) continue;
      lo.add(r.unit, x);
      hi.add(r.unit, y);
    }
  }
  const l = lo.result();
  const h = hi.result();
  const half = Number.isFinite(l.se) ? 1.96 * l.se : 0;
  const halfHigh = Number.isFinite(h.se) ? 1.96 * h.se : 0;
  return { estimate: l.mean, ci95: [l.mean - half, h.mean + halfHigh] as [number, number], interval: [l.mean, h.mean] as [number, number] };
}

/**
 * The Table 1 analog of a set of units. μ and μ₂ use the low (tail-concentrated) end as the
 * estimate when distributions are top-k; `interval` gives both ends. The 95% CI is the
 * cluster-robust normal interval (sequences are the independent draws), widened to cover both
 * ends of the top-k interval.
 */
export function summariseStats(records: readonly UnitRecord[]): StatsSummary {
  let positions = 0;
  let tail = 0;
  for (const r of records) {
    positions += r.tokens.length;
    for (const m of r.positions.tailMass) tail += m;
  }
  const summary: StatsSummary = {
    positions,
    sequences: records.length,
    mu: estimate(records, (r) => r.positions.entropyLow, (r) => r.positions.entropyHigh),
    mu2: estimate(records, (r) => r.positions.secondLogMomentLow, (r) => r.positions.secondLogMomentHigh),
    tailMass: positions > 0 ? tail / positions : 0,
  };
  if (records.length > 0 && records.every((r) => r.positions.crossEntropy !== undefined)) {
    return {
      ...summary,
      muCE: estimate(records, (r) => r.positions.crossEntropy!),
      pi0: estimate(records, (r) => r.positions.missingMass!),
    };
  }
  return summary;
}

/** Value at budget P of a tree array holding P = 1..size (a smaller tree: the model's support ran out, E[X](P) = its total). */
function at(values: readonly number[], P: number): number {
  return values[Math.min(P, values.length) - 1]!;
}

function curveFrom(budgets: readonly number[], value: (P: number, add: (cluster: number, v: number) => void) => void): Curve {
  return budgets.flatMap((P) => {
    const m = new ClusteredMean();
    value(P, (c, v) => m.add(c, v));
    const r = m.result();
    if (r.count === 0) return [];
    return [{ P, mean: r.mean, ...(Number.isFinite(r.se) ? { se: r.se } : {}) }];
  });
}

/** The oracle curve (exact Σ P(v)) at each budget. */
export function oracleCurve(records: readonly UnitRecord[], budgets: readonly number[]): Curve {
  return curveFrom(budgets, (P, add) => {
    for (const r of records) for (const tree of r.trees) add(r.unit, at(tree.oracle, P));
  });
}

/**
 * The ancestral-sample estimate of the same oracle trees: X_t(P) = 1 + the number of nodes of the
 * P-node tree (tree-order indices < P) along the sampled continuation. Positions where the
 * continuation ran out inside the tree (censored) are left out.
 */
export function oracleAncestralCurve(records: readonly UnitRecord[], budgets: readonly number[]): Curve {
  return curveFrom(budgets, (P, add) => {
    for (const r of records) {
      for (const tree of r.trees) {
        if (tree.censoredFrom !== null && P >= tree.censoredFrom) continue;
        let x = 1;
        for (const node of tree.oraclePath) if (node < P) x++;
        add(r.unit, x);
      }
    }
  });
}

/** Each dynamic strategy's curve from the unit records, and each static strategy's from the second pass. */
export function drafterCurves(records: readonly UnitRecord[], statics: readonly StaticUnitRecord[], budgets: readonly number[]): Record<string, Curve> {
  const names = new Set<string>();
  for (const r of records) for (const tree of r.trees) for (const name of Object.keys(tree.drafters)) names.add(name);
  const out: Record<string, Curve> = {};
  for (const name of names) {
    out[name] = curveFrom(budgets, (P, add) => {
      for (const r of records) for (const tree of r.trees) if (tree.drafters[name] !== undefined) add(r.unit, at(tree.drafters[name], P));
    });
  }
  const units = new Set(records.map((r) => r.unit));
  const staticNames = new Set<string>();
  for (const s of statics) for (const name of Object.keys(s.values)) staticNames.add(name);
  for (const name of staticNames) {
    out[name] = curveFrom(budgets, (P, add) => {
      for (const s of statics) {
        if (!units.has(s.unit)) continue;
        for (const v of s.values[name]?.[String(P)] ?? []) add(s.unit, v);
      }
    });
  }
  return out;
}

/** Theorem 1 (reported min(P, bound), trivial P below its validity), ln P/μ and Lemma 7 at each budget. */
export function theoryCurves(stats: StatsSummary, budgets: readonly number[]): Pick<Curves, 'theorem1' | 'limit' | 'lemma7'> {
  const mu = stats.mu.estimate;
  const mu2 = stats.mu2.estimate;
  const usable = Number.isFinite(mu) && mu > 0 && Number.isFinite(mu2) && mu2 >= mu * mu * (1 - 1e-12);
  const theorem1 = usable ? budgets.map((P) => ({ P, mean: reportedBound({ mu, mu2 }, P).value })) : [];
  const limit = usable ? budgets.map((P) => ({ P, mean: limitEstimate(mu, P) })) : [];
  const muCE = stats.muCE?.estimate;
  const pi0 = stats.pi0?.estimate;
  if (muCE === undefined || pi0 === undefined || !(muCE >= 0) || !(pi0 >= 0 && pi0 < 1)) return { theorem1, limit };
  return { theorem1, limit, lemma7: budgets.map((P) => ({ P, mean: lemma7Estimate({ muCE, pi0 }, P) })) };
}

/** Counts of per-position entropies in bins of equal width from 0 (≤ 40 bins, widths 0.05, 0.1, 0.25, 0.5, … nats). */
export function entropyHistogram(records: readonly UnitRecord[]): { edges: number[]; counts: number[] } {
  let max = 0;
  for (const r of records) for (const h of r.positions.entropyLow) if (h > max) max = h;
  const widths = [0.05, 0.1, 0.25, 0.5, 1, 2, 5];
  const width = widths.find((w) => max / w <= 40) ?? 10;
  const bins = Math.max(1, Math.ceil(max / width + 1e-9));
  const counts = new Array<number>(bins).fill(0);
  for (const r of records) {
    for (const h of r.positions.entropyLow) counts[Math.min(bins - 1, Math.max(0, Math.floor(h / width)))]! += 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => Math.round(i * width * 1e9) / 1e9);
  return { edges, counts };
}

export interface CurvesOfRecords {
  readonly stats: StatsSummary;
  readonly curves: Omit<Curves, 'iid'> & { iid?: Curve };
}

/** Stats and every curve except the i.i.d. simulation, for one set of units (a task, or all). */
export function curvesOf(records: readonly UnitRecord[], statics: readonly StaticUnitRecord[], PMax: number): CurvesOfRecords {
  const budgets = budgetGrid(PMax);
  const stats = summariseStats(records);
  const ancestral = oracleAncestralCurve(records, budgets);
  return {
    stats,
    curves: {
      oracle: oracleCurve(records, budgets),
      ...(ancestral.length > 0 ? { oracleAncestral: ancestral } : {}),
      ...theoryCurves(stats, budgets),
      drafters: drafterCurves(records, statics, budgets),
    },
  };
}
