/**
 * E[X](P) curves the planner optimises over, each point labelled with what kind of number it is:
 * - from a run's `report.json`: a drafter's measured curve, or the measured oracle (the best any
 *   drafter could do on that model and workload), at the budgets the run measured;
 * - from μ, μ₂ (a Table 1 preset or typed values): Corollary 1's ln P/μ (an estimate, clamped to
 *   [1, P]) and Theorem 1's reported value min(P, bound) (a bound);
 * - from a live deployment's per-position acceptance: measured up to its budget, then extended
 *   with its last conditional acceptance rate (an estimate).
 */
import { InvalidValueError } from '../core/errors.js';
import type { Report } from '../results/results-schema.js';
import type { StrategyName } from '../tree/strategies/registry.js';
import { limitEstimate, reportedBound, type EntropyStats } from '../theory/index.js';
import type { NumberKind } from './latency.js';
import type { DrafterKind } from './drafter-latency.js';

export interface AcceptedPoint {
  readonly P: number;
  readonly expectedAccepted: number;
  readonly kind: NumberKind;
}

export interface AcceptedCurve {
  /** Short name: `oracle`, `chain`, `limit`, `theorem1`, `deployment`, … */
  readonly name: string;
  /** One line: where the curve comes from and what it means. */
  readonly description: string;
  readonly points: readonly AcceptedPoint[];
}

/** Corollary 1's ln P/μ, clamped to [1, P] (at P = 1 the estimate 0 is below the one token every pass yields). */
export function limitCurve(stats: EntropyStats, PMax: number): AcceptedCurve {
  const points: AcceptedPoint[] = [];
  for (let P = 1; P <= PMax; P++) {
    points.push({ P, expectedAccepted: Math.min(P, Math.max(1, limitEstimate(stats.mu, P))), kind: 'estimate' });
  }
  return { name: 'limit', description: `Corollary 1 estimate ln P / mu (mu = ${Number(stats.mu.toPrecision(4))}), clamped to [1, P]`, points };
}

/** Theorem 1's reported value min(P, bound) (the trivial bound P below 1 + μ₂/μ²). */
export function theorem1Curve(stats: EntropyStats, budgets: readonly number[]): AcceptedCurve {
  return {
    name: 'theorem1',
    description: `Theorem 1 bound min(P, a ln((P-b)/a) + a + b) (mu = ${Number(stats.mu.toPrecision(4))}, mu2 = ${Number(stats.mu2.toPrecision(4))}); the trivial bound P where it does not apply`,
    points: budgets.map((P) => ({ P, expectedAccepted: reportedBound(stats, P).value, kind: 'bound' as const })),
  };
}

/** Theorem 1's bound only at the budgets where it applies (P ≥ 1 + μ₂/μ²); below, the theorem says nothing. */
export function theorem1Where(stats: EntropyStats, budgets: readonly number[]): AcceptedCurve {
  const points: AcceptedPoint[] = [];
  for (const P of budgets) {
    const b = reportedBound(stats, P);
    if (b.theoremApplies) points.push({ P, expectedAccepted: b.value, kind: 'bound' });
  }
  return { name: 'theorem1', description: `Theorem 1 bound a ln((P-b)/a) + a + b where it applies (P >= 1 + mu2/mu^2 = ${Number((1 + stats.mu2 / stats.mu ** 2).toPrecision(4))})`, points };
}

/**
 * Which measured curve of a run fits a deployable drafter kind by default, best first: names of
 * the strategy registry (tree/strategies/registry.ts), which are the names `measure` writes.
 */
const RUN_CURVE_FOR_DRAFTER: Record<DrafterKind, readonly StrategyName[]> = {
  chain: ['chain'],
  eagle: ['eagle', 'q-greedy'],
  'draft-model': ['q-greedy', 'sequoia', 'chain'],
  ngram: [],
};

/**
 * A curve from a run's report. `which` is `oracle`, `iid`, `theorem1`, `limit` or a drafter's
 * name; undefined picks the drafter curve that fits `drafter`, else the oracle.
 */
export function runCurve(report: Report, which: string | undefined, drafter: DrafterKind, PMax: number, source: string): AcceptedCurve {
  const curves = report.curves;
  const drafters = curves.drafters;
  let name = which;
  if (name === undefined) name = RUN_CURVE_FOR_DRAFTER[drafter].find((n) => drafters[n] !== undefined && drafters[n].length > 0) ?? 'oracle';
  const known: Record<string, { points: readonly { P: number; mean: number }[] | undefined; kind: NumberKind; description: string }> = {
    oracle: { points: curves.oracle, kind: 'measured', description: 'measured oracle E[X*](P): the optimal tree on the verifier itself, the ceiling for any drafter on this workload' },
    iid: { points: curves.iid, kind: 'measured', description: 'i.i.d. branching-random-walk optimum simulated from the recorded distributions' },
    theorem1: { points: curves.theorem1, kind: 'bound', description: 'Theorem 1 bound from the run' },
    limit: { points: curves.limit, kind: 'estimate', description: 'Corollary 1 estimate ln P / mu from the run' },
  };
  const picked = known[name] ?? (drafters[name] === undefined ? undefined : { points: drafters[name], kind: 'measured' as const, description: `measured E[X](P) of the "${name}" drafter` });
  if (picked === undefined || picked.points === undefined || picked.points.length === 0) {
    const choices = ['oracle', 'iid', 'theorem1', 'limit', ...Object.keys(drafters)];
    throw new InvalidValueError('curve', name, `not in the run; available: ${choices.join(', ')}`, source);
  }
  const points = picked.points
    .filter((p) => p.P <= PMax)
    .map((p) => ({ P: p.P, expectedAccepted: Math.min(p.P, Math.max(1, p.mean)), kind: picked.kind }))
    .sort((a, b) => a.P - b.P);
  if (points.length === 0) throw new InvalidValueError('P-max', PMax, `below every budget of the run's "${name}" curve`, '--P-max');
  return { name, description: `${picked.description} (${source})`, points };
}

/**
 * A chain curve from a live deployment's unconditional per-position acceptance r_i (the fraction
 * of drafts whose first i + 1 tokens were all accepted): E[X](P) = 1 + Σ_{i < P−1} r_i, measured
 * for P ≤ k + 1; beyond, each further position keeps the last conditional rate r_{k−1}/r_{k−2}
 * (an estimate).
 */
export function deploymentChainCurve(perPosition: readonly number[], PMax: number, label: string): AcceptedCurve {
  const k = perPosition.length;
  const points: AcceptedPoint[] = [{ P: 1, expectedAccepted: 1, kind: 'measured' }];
  let sum = 1;
  for (let i = 0; i < k && i + 2 <= PMax; i++) {
    sum += perPosition[i]!;
    points.push({ P: i + 2, expectedAccepted: sum, kind: 'measured' });
  }
  if (k > 0) {
    const last = perPosition[k - 1]!;
    const before = k >= 2 ? perPosition[k - 2]! : 1;
    const rate = before > 0 ? Math.min(1, last / before) : 0;
    let r = last;
    for (let P = k + 2; P <= PMax; P++) {
      r *= rate;
      sum += r;
      points.push({ P, expectedAccepted: Math.min(P, sum), kind: 'estimate' });
    }
  }
  return {
    name: 'deployment',
    description: `${label}: measured chain acceptance up to P = ${k + 1}, extended with the last conditional acceptance rate beyond`,
    points,
  };
}
