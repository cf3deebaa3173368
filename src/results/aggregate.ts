/**
 * From the completed units of a run to the numbers of the report: per task and overall, the
 * Table 1 analog (μ, μ₂, μ_CE, π₀ with CIs), the real oracle curve (exact and ancestral), each
 * drafter's curve, and the theory curves (Theorem 1, ln P/μ, Lemma 7) at the measured values.
 * Pure: the same records in the same order give the same numbers, whatever run produced them.
 * Positions of one sequence are correlated, so every standard error treats sequences (units) as
 * the independent draws: the stats through the `stats/` sequence bootstrap, the curves through
 * the cluster-robust standard error of `ClusteredMean`.
 */
import type { Curve, Curves, StatsSummary } from './results-schema.js';
import { StatsAccumulator } from '../stats/stats-accumulator.js';
import { budgetGrid } from '../measure/budget-grid.js';
import type { StaticUnitRecord, UnitRecord } from '../measure/records.js';
import { ClusteredMean } from './clustered-mean.js';
import { estimatesOf, theoryAtEstimates } from './theory-at-estimates.js';

/** The units' per-position terms in a `stats/` accumulator (sequence = unit, so the bootstrap resamples sequences). */
export function statsAccumulator(records: readonly UnitRecord[]): StatsAccumulator {
  const acc = new StatsAccumulator({ histogramBinWidth: 0.1 });
  for (const r of records) {
    const key = { sequence: r.unit, task: r.task };
    for (const terms of r.positions) acc.addTerms(key, terms);
  }
  return acc;
}

/**
 * The Table 1 analog of a set of units: μ, μ₂ (μ_CE, π₀ with a drafter) with 95% intervals from
 * the `stats/` sequence bootstrap (seeded: the same records and seed give the same intervals).
 */
export function summariseStats(records: readonly UnitRecord[], seed: number): StatsSummary {
  return statsAccumulator(records).summary({ seed });
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
 * P-node tree (tree-order indices < P) along the sampled continuation. Which positions count at P
 * must not depend on the outcome: with `depthByP`, exactly those whose continuation is at least as
 * long as the P-node tree is deep (then no walk can run out inside it). Dropping only the walks that
 * did run out (older records, without `depthByP`) keeps the short walks and loses the long ones,
 * which biases the estimate low.
 */
export function oracleAncestralCurve(records: readonly UnitRecord[], budgets: readonly number[]): Curve {
  return curveFrom(budgets, (P, add) => {
    for (const r of records) {
      for (const tree of r.trees) {
        const depth = tree.depthByP?.[Math.min(P, tree.depthByP.length) - 1];
        if (depth !== undefined) {
          if (r.tokens.length - tree.t < depth) continue;
        } else if (tree.censoredFrom !== null && P >= tree.censoredFrom) continue;
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

/** Theorem 1 (reported min(P, bound), trivial P below its validity), ln P/μ and Lemma 7 at each budget, under the rule of `theory-at-estimates.ts`. */
export function theoryCurves(stats: StatsSummary, budgets: readonly number[]): Pick<Curves, 'theorem1' | 'limit' | 'lemma7'> {
  const rows = theoryAtEstimates(estimatesOf(stats), budgets);
  const theorem1 = rows.map((r) => ({ P: r.P, mean: r.reported }));
  // An estimate's curve: the low end as `mean`, and `high` when the data leave it an interval (top-k).
  const point = (P: number, e: { low: number; high: number }) => (e.low === e.high ? { P, mean: e.low } : { P, mean: e.low, high: e.high });
  const limit = rows.map((r) => point(r.P, r.limit));
  if (rows.length === 0 || rows[0]!.lemma7 === undefined) return { theorem1, limit };
  return { theorem1, limit, lemma7: rows.map((r) => point(r.P, r.lemma7!)) };
}

/** Histogram of per-position entropies (0.1-nat bins; `stats/` EntropyHistogram). */
export function entropyHistogram(records: readonly UnitRecord[]): { edges: number[]; counts: number[] } {
  return statsAccumulator(records).entropyHistogram();
}

export interface CurvesOfRecords {
  readonly stats: StatsSummary;
  readonly curves: Omit<Curves, 'iid'> & { iid?: Curve };
}

/** Stats and every curve except the i.i.d. simulation, for one set of units (a task, or all). */
export function curvesOf(records: readonly UnitRecord[], statics: readonly StaticUnitRecord[], PMax: number, seed: number): CurvesOfRecords {
  const budgets = budgetGrid(PMax);
  const stats = summariseStats(records, seed);
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
