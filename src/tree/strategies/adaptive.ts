/**
 * Adaptive drafting strategies: each chooses its own budget per step (at most the P it is given)
 * from what a real drafter knows, its own q, never the verifier's p.
 *
 * - `confidence` (SpecDec++'s stopping rule, Huang et al. 2024; EAGLE-2's reranking by drafter
 *   confidence): nodes in q-greedy order (Lemma 1 on q) while the drafter's path probability
 *   Q(v), its estimate of the node's acceptance probability, is at least the threshold.
 * - `entropy-gate` (AdaEDL, Agrawal et al. 2024: stop drafting when an entropy-based lower bound on
 *   acceptance falls below a threshold, a monotone function of the drafter's entropy): a chain of
 *   the drafter's greedy tokens that stops before drafting from a node whose entropy H(q) exceeds
 *   the threshold (nats).
 * - `cost-aware`: the adaptive oracle's rule (`adaptive/dinkelbach.ts`) on the drafter's own
 *   estimate of E[X](P), Σ Q(v) over the first P q-greedy nodes: P = argmax Σ Q − λ·T(P).
 *
 * The budget rules are pure functions of the drafter's numbers along its tree, so a measurement
 * that records those numbers (Q(v) of the q-greedy tree, H(q) along the chain) can score every
 * threshold of a sweep without building more trees (`adaptive/drafter-policies.ts` uses the same
 * functions).
 */
import { InvalidValueError } from '../../core/errors.js';
import { entropy } from '../../distribution/moments.js';
import { firstNodes } from '../draft-tree.js';
import { buildOptimalTree } from '../optimal-tree.js';
import { checkBudget, type DraftingContext, type DraftingStrategy } from '../strategy.js';
import { draftGreedyChain } from './chain.js';

/**
 * Budget of the confidence rule: 1 + the number of leading non-root nodes with Q ≥ threshold.
 * `Q[i]` is node i's path probability in q-greedy order (Q[0] = 1, the root; nonincreasing).
 */
export function confidenceBudget(Q: ArrayLike<number>, threshold: number, cap = Q.length): number {
  const n = Math.min(cap, Q.length);
  let P = 1;
  while (P < n && Q[P]! >= threshold) P++;
  return P;
}

/**
 * Budget of the entropy gate: `H[i]` is the drafter's entropy at chain node i (i = 0 the root), from
 * which chain node i + 1 is drafted; drafting stops at the first node whose entropy exceeds the
 * threshold. At most `cap` nodes (root included).
 */
export function entropyGateBudget(H: ArrayLike<number>, threshold: number, cap: number): number {
  let P = 1;
  while (P < cap && P - 1 < H.length && H[P - 1]! <= threshold) P++;
  return P;
}

/**
 * Budget of the cost-aware rule: argmax over P = 1..min(cumQ.length, costs.length) of
 * cumQ[P − 1] − λ·costs[P − 1] (ties: the smaller P), with cumQ[P − 1] = Σ of the first P Q(v).
 */
export function costAwareBudget(cumQ: ArrayLike<number>, costs: ArrayLike<number>, lambda: number): number {
  const n = Math.min(cumQ.length, costs.length);
  let best = 1;
  let bestValue = cumQ[0]! - lambda * costs[0]!;
  for (let P = 2; P <= n; P++) {
    const v = cumQ[P - 1]! - lambda * costs[P - 1]!;
    if (v > bestValue) {
      bestValue = v;
      best = P;
    }
  }
  return best;
}

function checkThreshold(name: string, value: number, min: number, max = Infinity): void {
  if (!(value >= min && value <= max) || Number.isNaN(value)) throw new InvalidValueError('threshold', value, `${name} needs a threshold in [${min}, ${max === Infinity ? '∞' : max}]`);
}

export interface ConfidenceOptions {
  /** Smallest drafter path probability Q(v) drafted, in (0, 1]. */
  readonly threshold: number;
  readonly batchSize?: number;
}

export function confidenceStrategy(options: ConfidenceOptions): DraftingStrategy {
  checkThreshold('confidence', options.threshold, Number.MIN_VALUE, 1);
  return {
    name: 'confidence',
    description: `q-greedy nodes while the drafter's path probability Q(v) >= ${options.threshold} (SpecDec++ / EAGLE-2 rule), at most P`,
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      const result = await buildOptimalTree(context.drafter, context.budget, {
        minLogProbability: Math.log(options.threshold),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return result.tree;
    },
  };
}

export interface EntropyGateOptions {
  /** Largest drafter entropy (nats) at a node from which the chain still drafts. */
  readonly threshold: number;
}

export function entropyGateStrategy(options: EntropyGateOptions): DraftingStrategy {
  checkThreshold('entropy-gate', options.threshold, 0);
  return {
    name: 'entropy-gate',
    description: `the drafter's greedy chain, stopping at a node whose entropy H(q) > ${options.threshold} nats (AdaEDL-style), at most P`,
    build: (context: DraftingContext) => draftGreedyChain(context, (q) => entropy(q) <= options.threshold),
  };
}

export interface CostAwareOptions {
  /** The price of time λ (tokens per unit of T): a node is drafted while its share of Σ Q pays for λ·ΔT. */
  readonly lambda: number;
  /** costs[P − 1] = T(P) (`adaptive/latency-curve.ts`); budgets beyond its length are not considered. */
  readonly costs: ArrayLike<number>;
  readonly batchSize?: number;
}

export function costAwareStrategy(options: CostAwareOptions): DraftingStrategy {
  checkThreshold('cost-aware', options.lambda, 0);
  if (options.costs.length < 1) throw new RangeError('cost-aware strategy: empty latency curve');
  return {
    name: 'cost-aware',
    description: `q-greedy tree cut at argmax_P sum Q(v) - ${options.lambda}·T(P) (Dinkelbach's rule on the drafter's own estimate), at most P`,
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      const cap = Math.min(context.budget, options.costs.length);
      const full = await buildOptimalTree(context.drafter, cap, {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return firstNodes(full.tree, costAwareBudget(full.expectedAcceptedLengths, options.costs, options.lambda));
    },
  };
}
