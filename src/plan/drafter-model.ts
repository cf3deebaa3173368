/**
 * How far a real drafter falls short of the ceiling, when no run measured it.
 *
 * Model (an estimate, labelled so): the drafter's proposals are accepted like a positional
 * acceptance law (Sequoia's model) with a geometric rank profile: its top-1 token is accepted with
 * probability α at every position, its rank-r token with (1 − α)^r·α. A chain of k tokens then
 * yields E[X](k + 1) = Σ_{i=0..k} α^i, and a tree the best static tree under these rank
 * probabilities (Lemma 1 on the rank tree: `tree-shape.ts`). The drafter can never beat the
 * verifier's own optimum, so its curve is min(model, ceiling) at every P.
 *
 * α comes from, in order of preference:
 * - a live deployment's per-position acceptance (vLLM's accepted_per_pos / drafts): the α whose
 *   chain gives the same mean acceptance length (`fitChainAcceptance`);
 * - μ_CE through Lemma 7 (E[X_q] ≈ ln P/μ_CE): the geometric law with entropy μ_CE;
 * - for a preset with no drafter data, published measurements (`PUBLISHED_ACCEPTANCE`).
 */
import { InvalidValueError } from '../core/errors.js';
import type { AcceptedCurve, AcceptedPoint } from './accepted-curve.js';
import type { DrafterKind } from './drafter-latency.js';
import { geometricRankProbabilitiesForTheta, geometricThetaForEntropy, staticTreeSequence } from './tree-shape.js';

export interface PublishedAcceptance {
  readonly verifier: string;
  readonly drafter: string;
  /** Unconditional per-position acceptance r_i (fraction of drafts whose first i + 1 tokens were accepted). */
  readonly perPosition: readonly number[];
  /** The published mean acceptance length 1 + Σ r_i. */
  readonly meanAcceptanceLength: number;
  readonly source: string;
}

/**
 * vLLM's CI acceptance-length baselines: vllm-project/vllm tests/v1/spec_decode/test_acceptance_length.py
 * (EAGLE3_MODEL_CONFIGS, at 029ba375): MT-Bench (philschmid/mt-bench, 80 prompts, 256 output
 * tokens), temperature 0, num_speculative_tokens = 3, EAGLE-3 heads from RedHatAI.
 */
export const PUBLISHED_ACCEPTANCE: Record<string, PublishedAcceptance> = {
  'llama3.1-8b': {
    verifier: 'meta-llama/Llama-3.1-8B-Instruct',
    drafter: 'RedHatAI/Llama-3.1-8B-Instruct-speculator.eagle3',
    perPosition: [0.7296, 0.5208, 0.3545],
    meanAcceptanceLength: 2.6,
    source: "vLLM CI baseline (tests/v1/spec_decode/test_acceptance_length.py, llama3-8b-eagle3: MT-Bench, T = 0, k = 3)",
  },
  'qwen3-8b': {
    verifier: 'Qwen/Qwen3-8B',
    drafter: 'RedHatAI/Qwen3-8B-speculator.eagle3',
    perPosition: [0.6541, 0.3993, 0.202],
    meanAcceptanceLength: 2.26,
    source: 'vLLM CI baseline (tests/v1/spec_decode/test_acceptance_length.py, qwen3-8b-eagle3: MT-Bench, T = 0, k = 3)',
  },
};

/** The preset whose published drafter stands in for models with none. */
export const DEFAULT_PUBLISHED = 'llama3.1-8b';

export interface DrafterModel {
  /** Top-1 acceptance α per position. */
  readonly alpha: number;
  readonly kind: 'measured' | 'estimate';
  /** Where α comes from, in words. */
  readonly basis: string;
}

/**
 * The α whose chain has the same expected accepted tokens as the measured per-position
 * acceptance: Σ_{i=1..k} α^i = Σ r_i (bisection; the left side increases with α).
 * @example fitChainAcceptance([0.5, 0.25]) // 0.5
 */
export function fitChainAcceptance(perPosition: readonly number[], source = 'per-position acceptance'): number {
  if (perPosition.length === 0) throw new InvalidValueError('per-position acceptance', '[]', 'needs at least one position', source);
  for (const r of perPosition) if (!(r >= 0 && r <= 1)) throw new InvalidValueError('per-position acceptance', r, 'must be in [0, 1]', source);
  const target = perPosition.reduce((a, b) => a + b, 0);
  const k = perPosition.length;
  const chain = (a: number) => {
    let s = 0;
    let p = 1;
    for (let i = 0; i < k; i++) {
      p *= a;
      s += p;
    }
    return s;
  };
  if (target <= 0) return 0;
  if (target >= k) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (chain(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The published drafter for a preset model (or the default one, said so in `basis`). */
export function publishedDrafterModel(presetModelId: string | undefined): DrafterModel {
  const own = presetModelId === undefined ? undefined : PUBLISHED_ACCEPTANCE[presetModelId];
  const row = own ?? PUBLISHED_ACCEPTANCE[DEFAULT_PUBLISHED]!;
  const alpha = fitChainAcceptance(row.perPosition);
  const r = row.perPosition.map((x) => x.toFixed(4)).join(', ');
  return {
    alpha,
    kind: 'estimate',
    basis:
      `drafter calibrated to ${row.verifier} + ${row.drafter}, per-position acceptance ${r} (${row.source}) -> alpha = ${alpha.toFixed(4)}` +
      (own === undefined ? ` (no published acceptance for ${presetModelId ?? 'this verifier'}: this is the default)` : ''),
  };
}

/** A drafter from a deployment's measured per-position acceptance. */
export function deploymentDrafterModel(perPosition: readonly number[], label: string): DrafterModel {
  const alpha = fitChainAcceptance(perPosition, label);
  return { alpha, kind: 'estimate', basis: `drafter calibrated to ${label}'s per-position acceptance ${perPosition.map((x) => x.toFixed(3)).join(', ')} -> alpha = ${alpha.toFixed(4)}` };
}

/** A drafter from μ_CE (Lemma 7: it behaves like the optimum on a law of entropy μ_CE). */
export function muCeDrafterModel(muCE: number, label: string): DrafterModel {
  const alpha = 1 - geometricThetaForEntropy(muCE);
  return { alpha, kind: 'estimate', basis: `drafter from mu_CE = ${Number(muCE.toPrecision(4))} (${label}) through Lemma 7: the geometric rank law of that entropy -> alpha = ${alpha.toFixed(4)}` };
}

/** Rank probabilities of the model: p_r = α(1 − α)^r. */
export function drafterRankProbabilities(model: DrafterModel): Float64Array {
  return geometricRankProbabilitiesForTheta(1 - model.alpha);
}

/** E[X](P) of a chain of P − 1 tokens: Σ_{i<P} α^i. */
export function chainValue(alpha: number, P: number): number {
  let s = 0;
  let p = 1;
  for (let i = 0; i < P; i++) {
    s += p;
    p *= alpha;
  }
  return s;
}

/**
 * The drafter's E[X](P) for P = 1..PMax: chains for chain-only drafters, the best static tree of
 * the rank law otherwise, capped at the ceiling (when given) so it never beats the optimum.
 */
export function drafterCurve(model: DrafterModel, drafter: DrafterKind | 'chain-of', PMax: number, ceiling: AcceptedCurve | undefined): AcceptedCurve {
  const chain = drafter === 'chain' || drafter === 'ngram' || drafter === 'chain-of';
  const seq = chain ? undefined : staticTreeSequence(PMax, drafterRankProbabilities(model));
  const cap = new Map(ceiling?.points.map((p) => [p.P, p.expectedAccepted]) ?? []);
  const points: AcceptedPoint[] = [];
  let capped = 0;
  for (let P = 1; P <= PMax; P++) {
    const own = chain ? chainValue(model.alpha, P) : seq!.summaryAt(P).expectedAccepted;
    const c = cap.get(P);
    if (c !== undefined && c < own) capped++;
    points.push({ P, expectedAccepted: Math.min(P, Math.max(1, c === undefined ? own : Math.min(own, c))), kind: model.kind === 'measured' ? 'measured' : 'estimate' });
  }
  const shape = chain ? 'chains' : 'best static trees';
  return {
    name: chain ? 'drafter-chain' : 'drafter',
    description: `${shape} of a ${model.basis}${ceiling === undefined ? '' : `, capped at the ceiling${capped > 0 ? ` (reached at ${capped} budgets)` : ''}`}`,
    points,
  };
}
