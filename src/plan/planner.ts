/**
 * The planner: from an E[X](P) curve and latency models, the budget P that maximises
 *
 *   speedup(P) = E[X](P) · T_v(1) / (T_v(P) + T_d(P))        (docs/conventions.md "Runtime", Wald eq. 1)
 *
 * with tokens per second, cost per million tokens with and without speculation, the tree shape
 * and engine settings at that P, and every number labelled measured / bound / estimate.
 *
 * Engines that draft chains only (vLLM main, llama.cpp, TensorRT-LLM's linear mode) get their own
 * optimum over the drafter's chain curve (`chainCurve`), so their lines carry the best chain length
 * rather than the depth of a tree they cannot run.
 */
import { speedup as theorySpeedup, type EntropyStats } from '../theory/index.js';
import type { AcceptedCurve, AcceptedPoint } from './accepted-curve.js';
import { drafterIsChainOnly, drafterLatency, type DrafterKind } from './drafter-latency.js';
import { engineConfigs, type BatchChainLength, type EngineConfigs } from './engine-configs.js';
import { combineKinds, type LatencyModel, type NumberKind } from './latency.js';
import { chainSequence, staticTreeSequence, treeSequenceForEntropy, treeSequenceForTarget, type TreeShape, type TreeShapeSequence } from './tree-shape.js';

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
  /** The ceiling's E[X] at P (the simulated i.i.d. optimum, a run's oracle, or Theorem 1) and the speedup it allows. */
  readonly ceiling?: number;
  readonly ceilingSpeedup?: number;
  /** Theorem 1's bound at P, only where it applies (P ≥ 1 + μ₂/μ²). */
  readonly theorem1?: number;
}

/** The best chain for engines that draft chains only. */
export interface ChainPlan {
  /** Drafted tokens k = P − 1. */
  readonly k: number;
  readonly P: number;
  readonly expectedAccepted: number;
  readonly speedup: number;
  readonly tokensPerSecond: number;
  readonly kind: NumberKind;
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
  /** The ceiling curve (the simulated i.i.d. optimum, or a bound) at the same or more budgets; optional. */
  readonly ceiling?: AcceptedCurve;
  /** Theorem 1's bound at the budgets where it applies; optional. */
  readonly theorem1?: AcceptedCurve;
  /** The drafter's chain curve, for the engines that draft chains only; optional. */
  readonly chainCurve?: AcceptedCurve;
  /** Rank probabilities of the drafter (geometric rank law) to shape the tree by; preferred over shapeTarget and μ. */
  readonly shapeRanks?: { readonly probabilities: Float64Array; readonly label: string };
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
  /** Per-batch-size chain lengths and the break-even batch (from `planBatches`), written into the engine settings. */
  readonly batchSchedule?: readonly BatchChainLength[];
  readonly breakEvenBatch?: number;
}

export interface Plan {
  readonly best: PlanPoint;
  readonly curve: readonly PlanPoint[];
  readonly baseline: { readonly verifierMs: number; readonly tokensPerSecond: number; readonly kind: NumberKind };
  readonly tree: TreeShape & { readonly kind: NumberKind; readonly basis: string };
  readonly cost?: CostSummary;
  readonly configs: EngineConfigs;
  /** The best chain (chain-only engines), when a chain curve was given. */
  readonly chain?: ChainPlan;
  /** How the ceiling column is labelled. */
  readonly ceilingLabel?: string;
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

function curveAt(curve: AcceptedCurve | undefined): (P: number) => AcceptedPoint | undefined {
  const byP = new Map(curve?.points.map((p) => [p.P, p]) ?? []);
  return (P) => byP.get(P);
}

/** How a ceiling curve is named in tables and figures. */
export function ceilingLabelOf(curve: AcceptedCurve): string {
  if (curve.name === 'theorem1') return 'Theorem 1 ceiling (bound)';
  if (curve.name === 'iid') return 'i.i.d. optimum (ceiling, estimate)';
  if (curve.name === 'oracle') return 'oracle (ceiling, measured)';
  return `${curve.name} (ceiling)`;
}

/** Builds the whole plan. */
export function plan(input: PlanInput): Plan {
  const notes: string[] = [];
  const { drafter, stats, verifier } = input;
  const chainOnly = drafterIsChainOnly(drafter);
  const maxBudget = input.curve.points.reduce((m, p) => Math.max(m, p.P), 1);
  const target = input.shapeTarget;
  const useTarget = !chainOnly && target !== undefined && target.expectedAccepted > 1 && target.expectedAccepted < target.P;
  const ranks = input.shapeRanks;
  const sequence = (budget: number): TreeShapeSequence =>
    chainOnly
      ? chainSequence(budget)
      : ranks !== undefined
        ? staticTreeSequence(budget, ranks.probabilities)
        : useTarget
        ? treeSequenceForTarget(budget, target.P, target.expectedAccepted)
        : stats === undefined
          ? chainSequence(budget)
          : treeSequenceForEntropy(budget, stats.mu);
  const shapes = sequence(maxBudget);
  const shapeAt = (P: number) => (P <= shapes.maxBudget ? shapes.summaryAt(P) : sequence(P).summaryAt(P));
  if (!chainOnly && ranks === undefined && !useTarget && stats === undefined) notes.push('mu is unknown, so the tree shape is taken as a chain');
  const draft = drafterLatency(drafter, input.draftPass, shapeAt);
  const t1 = verifier.milliseconds(1);
  const latencyKind = combineKinds(verifier.kind, draft.kind);
  const latency = { verifier: (k: number) => verifier.milliseconds(k), drafter: (P: number) => draft.milliseconds(P) };

  const ceilingAt = curveAt(input.ceiling);
  const theorem1At = curveAt(input.theorem1);
  const points: PlanPoint[] = input.curve.points.map((pt) => {
    const verifierMs = verifier.milliseconds(pt.P);
    const drafterMs = draft.milliseconds(pt.P);
    const expectedAccepted = Math.min(pt.P, Math.max(1, pt.expectedAccepted));
    const s = theorySpeedup(pt.P, expectedAccepted, latency);
    const c = ceilingAt(pt.P);
    const t1 = theorem1At(pt.P);
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
      ...(t1 === undefined ? {} : { theorem1: t1.expectedAccepted }),
    };
  });
  const best = bestPoint(points);
  const baselineTps = 1000 / t1;

  const shape: TreeShape = shapes.shapeAt(best.P);
  const basis = chainOnly
    ? `${drafter} drafters propose chains`
    : ranks !== undefined
      ? `best static tree under the drafter's rank law (${ranks.label})`
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
  }
  if (best.P === input.curve.points[input.curve.points.length - 1]?.P && input.curve.points.length > 1) {
    notes.push(`the best P is the largest budget considered (${best.P}); raise --P-max to look further`);
  }
  // The best chain, for the engines that cannot draft trees.
  let chain: ChainPlan | undefined;
  if (input.chainCurve !== undefined) {
    const chainDraft = drafterLatency(drafter === 'ngram' ? 'ngram' : 'chain', input.draftPass, (P) => chainSequence(P).summaryAt(P));
    const chainLatency = { verifier: latency.verifier, drafter: (P: number) => chainDraft.milliseconds(P) };
    for (const pt of input.chainCurve.points) {
      const x = Math.min(pt.P, Math.max(1, pt.expectedAccepted));
      const s = theorySpeedup(pt.P, x, chainLatency);
      if (chain === undefined || s > chain.speedup) {
        const ms = verifier.milliseconds(pt.P) + chainDraft.milliseconds(pt.P);
        chain = { k: pt.P - 1, P: pt.P, expectedAccepted: x, speedup: s, tokensPerSecond: (1000 * x) / ms, kind: combineKinds(pt.kind, verifier.kind, chainDraft.kind) };
      }
    }
  }

  return {
    best,
    curve: points,
    baseline: { verifierMs: t1, tokensPerSecond: baselineTps, kind: verifier.kind },
    tree: { ...shape, kind: 'estimate', basis },
    ...(cost === undefined ? {} : { cost }),
    configs: engineConfigs({
      drafter,
      P: best.P,
      shape,
      ...(chain === undefined || chain.k < 1 ? {} : { chainLength: chain.k }),
      draftModel: input.draftModel,
      eagleHead: input.eagleHead,
      draftProbabilityMin: pMin,
      ...(input.batchSchedule === undefined ? {} : { batchSchedule: input.batchSchedule }),
      ...(input.breakEvenBatch === undefined ? {} : { breakEvenBatch: input.breakEvenBatch }),
    }),
    ...(chain === undefined ? {} : { chain }),
    ...(input.ceiling === undefined ? {} : { ceilingLabel: ceilingLabelOf(input.ceiling) }),
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
