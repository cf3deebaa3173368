/**
 * Static-tree strategies: one rank tree chosen offline from positional acceptance a_k (Sequoia's
 * dynamic program or Medusa's greedy choice), instantiated at every position with the drafter's
 * ranked tokens.
 */
import { instantiateStaticTree } from '../static/instantiate.js';
import { medusaTree, type MedusaOptions } from '../static/medusa.js';
import { sequoiaTree, type SequoiaOptions } from '../static/sequoia.js';
import type { DraftTree } from '../draft-tree.js';
import { checkBudget, type DraftingContext, type DraftingStrategy } from '../strategy.js';

export interface StaticStrategyOptions {
  /** a_k: probability the verifier's next token is the drafter's rank-k token. */
  readonly acceptance: readonly number[];
}

export function sequoiaStrategy(options: StaticStrategyOptions & SequoiaOptions): DraftingStrategy {
  return staticStrategy(
    'sequoia',
    `Sequoia dynamic program on positional acceptance (depth <= ${options.maxDepth ?? 'min(P-1, 16)'}${options.rootChildren === undefined ? '' : `, ${options.rootChildren} root children`})`,
    (budget) => sequoiaTree(options.acceptance, budget, options).tree,
  );
}

/**
 * Medusa's default depth: head k drafts the token at depth k, and the default tree of Medusa's
 * reference code (FasterDecoding/Medusa `medusa/model/medusa_choices.py`, `mc_sim_7b_63`) uses 4
 * heads (its deepest paths, e.g. [0, 0, 0, 0], have 4 tokens). `tree` and `measure` both use it.
 */
export const MEDUSA_HEADS = 4;

/** Medusa's greedy tree with depth <= `maxDepth` (default MEDUSA_HEADS). */
export function medusaStrategy(options: StaticStrategyOptions & MedusaOptions): DraftingStrategy {
  const maxDepth = options.maxDepth ?? MEDUSA_HEADS;
  return staticStrategy('medusa', `Medusa greedy choice on positional acceptance (depth <= ${maxDepth})`, (budget) => medusaTree(options.acceptance, budget, { maxDepth }));
}

function staticStrategy(name: string, description: string, rankTreeFor: (budget: number) => DraftTree): DraftingStrategy {
  const cache = new Map<number, DraftTree>();
  return {
    name,
    description,
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      let rankTree = cache.get(context.budget);
      if (rankTree === undefined) cache.set(context.budget, (rankTree = rankTreeFor(context.budget)));
      return instantiateStaticTree(rankTree, context.drafter, context.signal === undefined ? undefined : { signal: context.signal });
    },
  };
}

/** The rank tree a static strategy uses for budget P (for export without a model). */
export { sequoiaTree, medusaTree };
