/**
 * The planner: from an E[X](P) curve and latency models, the budget P that maximises
 *
 *   speedup(P) = E[X](P) · T_v(1) / (T_v(P) + T_d(P))        (SPEC.md "Runtime", Wald eq. 1)
 *
 * with tokens per second, cost per million tokens with and without speculation, the tree shape
 * and engine settings at that P, and every number labelled measured / bound / estimate.
 */
import { speedup as theorySpeedup, type EntropyStats } from '../theory/index.js';
import type { AcceptedCurve, AcceptedPoint } from './accepted-curve.js';
import { drafterIsChainOnly, drafterLatency, type DrafterKind } from './drafter-latency.js';
import { engineConfigs, type EngineConfigs } from './engine-configs.js';
import { combineKinds, type LatencyModel, type NumberKind } from './latency.js';
import { chainSequence, treeSequenceForEntropy, treeSequenceForTarget, type TreeShape, type TreeShapeSequence } from './tree-shape.js';

export interface PlanPoint {
  readonly P: number;
  readonly expectedAccepted: number;
  /** Kind of expectedAccepted. */
  readonly kind: NumberKind;
  readonly verifierMs: number;
  readonly drafterMs: number;
  readonly speedup: number;
  /** Kind of speedup and tokensPerSecond (E[X]'s kind combined with the latencies'). */
  readonly speedupKind: NumberKind;
  readonly tokensPerSecond: number;
  /** Theorem 1's reported value at P and the speedup it allows (when μ, μ₂ are known). */
  readonly ceiling?: number;
  readonly ceilingSpeedup?: number;
}

export interface CostSummary {
  readonly usdPerGpuHour: number;
  readonly devices: number;
  readonly withoutSpeculation: number;
  readonly withSpeculation: number;
  readonly kind: NumberKind;
}

export interface PlanInput {
  readonly curve: AcceptedCurve;
  /** Theorem 1 curve (bounds) at the same or more budgets; optional. */
  readonly ceiling?: AcceptedCurve;
  /** μ, μ₂ when known (tree shape, ceilings). */
  readonly stats?: EntropyStats;
  /**
   * A measured oracle value to calibrate the tree shape to (a run's E[X*](P)); preferred over μ,
   * whose geometric stand-in misses how heavy-tailed real next-token entropies are.
   */
  readonly shapeTarget?: { readonly P: number; readonly expectedAccepted: number; readonly label: string };
  readonly verifier: LatencyModel;
  /** The draft network's T(k): draft model or EAGLE head; unused for ngram. */
  readonly draftPass?: LatencyModel;
  readonly drafter: DrafterKind;
  readonly usdPerGpuHour?: number;
  /** Devices the deployment pays for (verifier and drafter share them). */
  readonly devices?: number;
  readonly draftModel: string;
  readonly eagleHead: string;
}

export interface Plan {
  readonly best: PlanPoint;
  readonly curve: readonly PlanPoint[];
  readonly baseline: { readonly verifierMs: number; readonly tokensPerSecond: number; readonly kind: NumberKind };
  readonly tree: TreeShape & { readonly kind: NumberKind; readonly basis: string };
  readonly cost?: CostSummary;
  readonly configs: EngineConfigs;
  readonly draftProbabilityMin: number;
  readonly notes: readonly string[];
  /** Speedup, tokens/s and latencies of any (P, E[X]) under the same latency models (e.g. a deployment's point). */
  evaluate(P: number, expectedAccepted: number): { verifierMs: number; drafterMs: number; speedup: number; tokensPerSecond: number };
}

/** Picks the point of largest speedup (the smallest P on ties: fewer tokens for the same speed). */
export function bestPoint(points: readonly PlanPoint[]): PlanPoint {
  let best: PlanPoint | undefined;
  for (const p of points) if (best === undefined || p.speedup > best.speedup) best = p;
  if (best === undefined) throw new Error('bestPoint: no points');
  return best;
}

function ceilingAt(ceiling: AcceptedCurve | undefined, P: number): AcceptedPoint | undefined {
  return ceiling?.points.find((p) => p.P === P);
}

/** Builds the whole plan. */
export function plan(input: PlanInput): Plan {
  const notes: string[] = [];
  const { drafter, stats, verifier } = input;
  const chainOnly = drafterIsChainOnly(drafter);
  const maxBudget = input.curve.points.reduce((m, p) => Math.max(m, p.P), 1);
  const target = input.shapeTarget;
  const useTarget = !chainOnly && target !== undefined && target.expectedAccepted > 1 && target.expectedAccepted < target.P;
  const sequence = (budget: number): TreeShapeSequence =>
    chainOnly
      ? chainSequence(budget)
      : useTarget
        ? treeSequenceForTarget(budget, target.P, target.expectedAccepted)
        : stats === undefined
          ? chainSequence(budget)
          : treeSequenceForEntropy(budget, stats.mu);
  const shapes = sequence(maxBudget);
  const shapeAt = (P: number) => (P <= shapes.maxBudget ? shapes.summaryAt(P) : sequence(P).summaryAt(P));
  if (!chainOnly && !useTarget && stats === undefined) notes.push('mu is unknown, so the tree shape is taken as a chain');
  const draft = drafterLatency(drafter, input.draftPass, shapeAt);
  const t1 = verifier.milliseconds(1);
  const latencyKind = combineKinds(verifier.kind, draft.kind);
  const latency = { verifier: (k: number) => verifier.milliseconds(k), drafter: (P: number) => draft.milliseconds(P) };

  const points: PlanPoint[] = input.curve.points.map((pt) => {
    const verifierMs = verifier.milliseconds(pt.P);
    const drafterMs = draft.milliseconds(pt.P);
    const expectedAccepted = Math.min(pt.P, Math.max(1, pt.expectedAccepted));
    const s = theorySpeedup(pt.P, expectedAccepted, latency);
    const c = ceilingAt(input.ceiling, pt.P);
    return {
      P: pt.P,
      expectedAccepted,
      kind: pt.kind,
      verifierMs,
      drafterMs,
      speedup: s,
      speedupKind: combineKinds(pt.kind, latencyKind),
      tokensPerSecond: (1000 * expectedAccepted) / (verifierMs + drafterMs),
      ...(c === undefined ? {} : { ceiling: c.expectedAccepted, ceilingSpeedup: theorySpeedup(pt.P, Math.min(pt.P, c.expectedAccepted), latency) }),
    };
  });
  const best = bestPoint(points);
  const baselineTps = 1000 / t1;

  const shape: TreeShape = shapes.shapeAt(best.P);
  const basis = chainOnly
    ? `${drafter} drafters propose chains`
    : useTarget
      ? `best static tree under a geometric rank law calibrated to ${target.label} = ${Number(target.expectedAccepted.toPrecision(4))} at P = ${target.P}`
      : stats === undefined
      ? 'no mu known: chain'
      : `best static tree under a geometric rank law with entropy mu = ${Number(stats.mu.toPrecision(4))}`;

  // llama.cpp's --spec-draft-p-min: keep drafting while the draft's confidence p is worth the
  // extra token's cost c = ΔT_d + ΔT_v against the time per produced token T_pass/E[X]
  // (p ≥ c·E[X]/T_pass), clamped to [0, 0.95].
  let pMin = 0;
  if (best.P > 1 && drafter !== 'ngram') {
    const marginal = draft.milliseconds(best.P) - draft.milliseconds(best.P - 1) + verifier.milliseconds(best.P) - verifier.milliseconds(best.P - 1);
    const perToken = (best.verifierMs + best.drafterMs) / best.expectedAccepted;
    pMin = Math.min(0.95, Math.max(0, marginal / perToken));
  }

  let cost: CostSummary | undefined;
  if (input.usdPerGpuHour !== undefined) {
    const devices = input.devices ?? 1;
    const perSecond = (input.usdPerGpuHour * devices) / 3600;
    cost = {
      usdPerGpuHour: input.usdPerGpuHour,
      devices,
      withoutSpeculation: (perSecond / baselineTps) * 1e6,
      withSpeculation: (perSecond / best.tokensPerSecond) * 1e6,
      kind: best.speedupKind,
    };
    notes.push('cost assumes one sequence at a time on the devices (batch 1, the paper\'s setting)');
  }
  if (best.P === input.curve.points[input.curve.points.length - 1]?.P && input.curve.points.length > 1) {
    notes.push(`the best P is the largest budget considered (${best.P}); raise --P-max to look further`);
  }
  return {
    best,
    curve: points,
    baseline: { verifierMs: t1, tokensPerSecond: baselineTps, kind: verifier.kind },
    tree: { ...shape, kind: 'estimate', basis },
    ...(cost === undefined ? {} : { cost }),
    configs: engineConfigs({ drafter, P: best.P, shape, draftModel: input.draftModel, eagleHead: input.eagleHead, draftProbabilityMin: pMin }),
    draftProbabilityMin: pMin,
    notes,
    evaluate: (P, expectedAccepted) => {
      const verifierMs = verifier.milliseconds(P);
      const drafterMs = draft.milliseconds(P);
      const x = Math.min(P, Math.max(1, expectedAccepted));
      return { verifierMs, drafterMs, speedup: theorySpeedup(P, x, latency), tokensPerSecond: (1000 * x) / (verifierMs + drafterMs) };
    },
  };
}
