/**
 * A chain of P − 1 drafted tokens (Leviathan et al.; vLLM `num_speculative_tokens = P − 1`): the
 * drafter's greedy argmax continuation. Inherently sequential: one drafter call per token.
 */
import type { DistributionCallOptions } from '../../models/model.js';
import type { TokenDistribution } from '../../distribution/distribution.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from '../draft-tree.js';
import { RankedChildren } from '../ranked-children.js';
import { checkBudget, type DraftingContext, type DraftingStrategy } from '../strategy.js';

/**
 * The drafter's greedy chain, drafting from each node while `extend(q at that node)` holds and the
 * tree stays within the budget. The chain strategy extends always; adaptive strategies stop on a
 * rule of the drafter's own q (the entropy gate, adaptive.ts).
 */
export async function draftGreedyChain(context: DraftingContext, extend: (q: TokenDistribution) => boolean): Promise<DraftTree> {
  checkBudget(context.budget);
  const callOptions: DistributionCallOptions = context.signal === undefined ? {} : { signal: context.signal };
  const session = context.drafter;
  const nodes: DraftNodeSpec[] = [];
  let distribution = session.root;
  let sessionNode = 0;
  let logProb = 0;
  while (nodes.length + 1 < context.budget && extend(distribution)) {
    const ranked = new RankedChildren(distribution);
    const token = ranked.token(0);
    if (token < 0) break;
    logProb += ranked.logProb(0);
    nodes.push({ parent: nodes.length, token, rank: 0, score: logProb });
    if (nodes.length + 1 >= context.budget) break;
    const [result] = await session.expand([{ parent: sessionNode, token }], callOptions);
    if (result === undefined) throw new Error('tree session returned no node');
    sessionNode = result.node;
    distribution = result.distribution;
  }
  return createDraftTree(nodes);
}

export function chainStrategy(): DraftingStrategy {
  return {
    name: 'chain',
    description: "a chain of P - 1 tokens: the drafter's greedy continuation",
    build: (context: DraftingContext) => draftGreedyChain(context, () => true),
  };
}
