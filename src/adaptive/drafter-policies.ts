/**
 * Adaptive drafters scored on a run's positions, exactly as the drafters of today are (Σ P(v)
 * under the true p on the tree each built), for a sweep of each one's threshold. The budget rules
 * are the strategies' own (`tree/strategies/adaptive.ts`); what they read at each position is
 * recorded by measure (the drafter's Q(v) along its q-greedy tree, H(q) along its chain), and what
 * they get is the recorded E[X](P) of that tree: every adaptive tree is a prefix of the q-greedy
 * tree (confidence, cost-aware) or of the chain (entropy gate), whose E[X](P) are recorded for
 * every P.
 */
import { confidenceBudget, costAwareBudget, entropyGateBudget } from '../tree/strategies/adaptive.js';
import type { RatioColumns } from '../stats/bootstrap.js';
import { AdaptiveProblem, curveAt, pointOf, type PolicyPoint, type PolicySums } from './dinkelbach.js';

/** What the adaptive drafters need at one tree position. */
export interface DrafterPosition {
  readonly sequence: number;
  /** E[X](P) under p of the q-greedy tree, P = 1..; and the drafter's Q(v) of its nodes in order (Q[0] = 1). */
  readonly qGreedy?: { readonly value: ArrayLike<number>; readonly Q: ArrayLike<number> };
  /** E[X](P) under p of the drafter's greedy chain; and H(q) at chain nodes 0, 1, … (nats). */
  readonly chain?: { readonly value: ArrayLike<number>; readonly entropy: ArrayLike<number> };
}

export const ADAPTIVE_DRAFTERS = ['confidence', 'entropy-gate', 'cost-aware'] as const;
export type AdaptiveDrafterName = (typeof ADAPTIVE_DRAFTERS)[number];

export interface DrafterSweepPoint extends PolicyPoint {
  /** The threshold: Q(v) (confidence), nats (entropy-gate), λ (cost-aware). */
  readonly parameter: number;
}

export interface DrafterSweep {
  readonly name: AdaptiveDrafterName;
  readonly points: DrafterSweepPoint[];
  /** Index into points of the largest throughput. */
  readonly best: number;
  /** cost-aware: λ_q, the drafter's own Dinkelbach optimum on Σ Q (its self-consistent price of time). */
  readonly calibratedLambda?: number;
  /** Per-sequence Σ X and Σ T of the best point (for its bootstrap interval). */
  readonly bestColumns: RatioColumns;
}

/** Sweep values: Q(v) thresholds 2^(−k/2), k = 0..26 (1 … 1.2e−4). */
export const CONFIDENCE_THRESHOLDS = Array.from({ length: 27 }, (_, k) => 2 ** (-k / 2));
/** Entropy gates 0.025·2^(k/2) nats, k = 0..18 (0.025 … 12.8). */
export const ENTROPY_THRESHOLDS = Array.from({ length: 19 }, (_, k) => 0.025 * 2 ** (k / 2));

interface Scored {
  readonly sequence: number;
  readonly value: ArrayLike<number>;
}

function sweep(
  name: AdaptiveDrafterName,
  positions: readonly Scored[],
  sequences: number,
  costs: Float64Array,
  parameters: readonly number[],
  budgetOf: (i: number, parameter: number) => number,
  calibratedLambda?: number,
): DrafterSweep | undefined {
  if (positions.length === 0) return undefined;
  const points: DrafterSweepPoint[] = [];
  const columns: RatioColumns[] = [];
  for (const parameter of parameters) {
    const numerators = new Float64Array(sequences);
    const denominators = new Float64Array(sequences);
    let tokens = 0;
    let time = 0;
    let budget = 0;
    positions.forEach((p, i) => {
      const P = Math.min(budgetOf(i, parameter), costs.length);
      const x = curveAt(p.value, P);
      const t = costs[P - 1]!;
      tokens += x;
      time += t;
      budget += P;
      numerators[p.sequence]! += x;
      denominators[p.sequence]! += t;
    });
    const sums: PolicySums = { tokens, time, budget, positions: positions.length };
    points.push({ parameter, ...pointOf(sums) });
    columns.push({ numerators, denominators });
  }
  let best = 0;
  points.forEach((p, i) => {
    if (p.throughput > points[best]!.throughput) best = i;
  });
  return { name, points, best, bestColumns: columns[best]!, ...(calibratedLambda === undefined ? {} : { calibratedLambda }) };
}

/** The three adaptive drafters' sweeps on the positions that recorded what each needs (T(P) = costs[P − 1]). */
export function adaptiveDrafterSweeps(positions: readonly DrafterPosition[], costs: Float64Array): DrafterSweep[] {
  let sequences = 0;
  for (const p of positions) sequences = Math.max(sequences, p.sequence + 1);
  const PMax = costs.length;
  const out: DrafterSweep[] = [];

  const q = positions.filter((p): p is DrafterPosition & { qGreedy: NonNullable<DrafterPosition['qGreedy']> } => p.qGreedy !== undefined);
  const confidence = sweep('confidence', q.map((p) => ({ sequence: p.sequence, value: p.qGreedy.value })), sequences, costs, CONFIDENCE_THRESHOLDS, (i, tau) =>
    confidenceBudget(q[i]!.qGreedy.Q, tau, PMax),
  );
  if (confidence !== undefined) out.push(confidence);

  const c = positions.filter((p): p is DrafterPosition & { chain: NonNullable<DrafterPosition['chain']> } => p.chain !== undefined);
  const gate = sweep('entropy-gate', c.map((p) => ({ sequence: p.sequence, value: p.chain.value })), sequences, costs, ENTROPY_THRESHOLDS, (i, h) =>
    entropyGateBudget(c[i]!.chain.entropy, h, Math.min(PMax, c[i]!.chain.value.length)),
  );
  if (gate !== undefined) out.push(gate);

  if (q.length > 0) {
    // The drafter's own estimate of E[X](P) is Σ Q over its first P q-greedy nodes; its Dinkelbach
    // optimum λ_q on those estimates is the price of time it would choose by itself.
    const cumQ = q.map((p) => {
      const out = new Float64Array(Math.min(p.qGreedy.Q.length, PMax));
      let s = 0;
      for (let i = 0; i < out.length; i++) out[i] = s += p.qGreedy.Q[i]!;
      return out;
    });
    const lambdaQ = new AdaptiveProblem(cumQ, q.map((p) => p.sequence), costs).dinkelbach().lambda;
    const lambdas = Array.from({ length: 25 }, (_, k) => lambdaQ * 2 ** ((k - 12) / 4));
    const cost = sweep('cost-aware', q.map((p) => ({ sequence: p.sequence, value: p.qGreedy.value })), sequences, costs, lambdas, (i, lambda) =>
      costAwareBudget(cumQ[i]!, costs, lambda),
    lambdaQ);
    if (cost !== undefined) out.push(cost);
  }
  return out;
}
