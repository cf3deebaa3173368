/**
 * The two Lemma 1 strategies. oracle: the P most probable nodes under the verifier's own p (the
 * speed-of-light of any deterministic drafter). q-greedy: the P most probable nodes under the
 * drafter's q (Lemma 7 analyses how much that loses).
 */
import { buildOptimalTree, type OptimalTreeOptions } from '../optimal-tree.js';
import { checkBudget, type DraftingContext, type DraftingStrategy } from '../strategy.js';

export type Lemma1StrategyOptions = Pick<OptimalTreeOptions, 'batchSize' | 'maxDepth'>;

export function oracleStrategy(options: Lemma1StrategyOptions = {}): DraftingStrategy {
  return {
    name: 'oracle',
    description: 'Lemma 1 on the verifier: the P nodes of largest verifier path probability',
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      if (context.verifier === undefined) throw new RangeError('the oracle strategy needs the verifier session');
      return (await buildOptimalTree(context.verifier, context.budget, withSignal(options, context))).tree;
    },
  };
}

export function qGreedyStrategy(options: Lemma1StrategyOptions = {}): DraftingStrategy {
  return {
    name: 'q-greedy',
    description: "Lemma 1 on the drafter: the P nodes of largest drafter path probability",
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      return (await buildOptimalTree(context.drafter, context.budget, withSignal(options, context))).tree;
    },
  };
}

function withSignal(options: Lemma1StrategyOptions, context: DraftingContext): OptimalTreeOptions {
  return context.signal === undefined ? options : { ...options, signal: context.signal };
}
