/**
 * EAGLE-2 style dynamic tree (Li et al. 2024, "EAGLE-2: Faster Inference of Language Models with
 * Dynamic Draft Trees"), parameters (depth, top_k, total_token = P):
 *   expansion: layer 1 = the drafter's top_k tokens at the root; then `depth` times, the top_k
 *     nodes of the newest layer with the largest drafter path probability are expanded, each into
 *     its top_k children (top_k² candidates per layer). As in EAGLE's reference code
 *     (`topK_genrate`), the tree therefore has depth + 1 layers and top_k + depth·top_k²
 *     candidates;
 *   reranking: all candidates of all layers are sorted by drafter path probability and the best
 *     P − 1 are kept. A child never scores above its parent (and ties go to the shallower), so
 *     the kept set is prefix-closed.
 * One drafter call per expansion step (the top_k frontier nodes are expanded together).
 *
 * Budget: docs/conventions.md's P counts the root, and so does EAGLE's `total_token`: its Model sets
 * `self.total_tokens = total_token - 1` drafted tokens and adds the root (SafeAILab/EAGLE
 * eagle/model/cnets.py at cb7e0841), so EAGLE's default total_token = 60 is P = 60 here.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { DistributionCallOptions } from '../../models/model.js';
import { createDraftTree, type DraftNodeSpec } from '../draft-tree.js';
import { RankedChildren } from '../ranked-children.js';
import { checkBudget, type DraftingContext, type DraftingStrategy } from '../strategy.js';

export interface EagleOptions {
  /** Expansion steps after the first layer (node depth ≤ depth + 1). Default 5, raised when P − 1 needs more. */
  readonly depth?: number;
  /** Children per expanded node and expanded nodes per layer. Default 10. */
  readonly topK?: number;
}

export const EAGLE_DEFAULT_DEPTH = 5;
export const EAGLE_DEFAULT_TOP_K = 10;

/** Most non-root nodes an EAGLE tree can hold: top_k + depth·top_k². */
export function eagleCapacity(depth: number, topK: number): number {
  return topK + depth * topK * topK;
}

/** The depth EAGLE uses for budget P: the given one, else the default raised until P − 1 nodes fit. */
export function eagleDepthFor(budget: number, options: EagleOptions): number {
  const topK = options.topK ?? EAGLE_DEFAULT_TOP_K;
  if (options.depth !== undefined) return options.depth;
  let depth = EAGLE_DEFAULT_DEPTH;
  while (eagleCapacity(depth, topK) < budget - 1 && depth < budget) depth++;
  return depth;
}

export function eagleStrategy(options: EagleOptions = {}): DraftingStrategy {
  const topK = options.topK ?? EAGLE_DEFAULT_TOP_K;
  if (!Number.isSafeInteger(topK) || topK < 1) throw new InvalidValueError('top_k', topK, 'must be an integer >= 1');
  if (options.depth !== undefined && (!Number.isSafeInteger(options.depth) || options.depth < 0)) {
    throw new InvalidValueError('depth', options.depth, 'must be an integer >= 0');
  }
  return {
    name: 'eagle',
    description: `EAGLE-2 dynamic tree (depth ${options.depth ?? 'auto'}, top_k ${topK}, total_token = P)`,
    async build(context: DraftingContext) {
      checkBudget(context.budget);
      const depth = eagleDepthFor(context.budget, options);
      if (eagleCapacity(depth, topK) < context.budget - 1) {
        throw new InvalidValueError('depth', depth, `with top_k ${topK} an EAGLE tree holds at most ${eagleCapacity(depth, topK)} drafted tokens, but P - 1 = ${context.budget - 1}`);
      }
      const callOptions: DistributionCallOptions = context.signal === undefined ? {} : { signal: context.signal };
      const session = context.drafter;

      // Candidates (all layers). Index 0 stands for the root.
      const parent: number[] = [-1];
      const token: number[] = [-1];
      const rank: number[] = [-1];
      const logProb: number[] = [0];
      const layerOf: number[] = [0];
      const sessionNode: number[] = [0];

      let frontier = [0];
      let frontierRanked = [new RankedChildren(session.root)];
      for (let layer = 1; layer <= depth + 1 && context.budget > 1; layer++) {
        const created: number[] = [];
        frontier.forEach((f, i) => {
          const ranked = frontierRanked[i]!;
          for (let k = 0; k < topK; k++) {
            const t = ranked.token(k);
            if (t < 0) break;
            parent.push(f);
            token.push(t);
            rank.push(k);
            logProb.push(logProb[f]! + ranked.logProb(k));
            layerOf.push(layer);
            sessionNode.push(-1);
            created.push(parent.length - 1);
          }
        });
        if (layer === depth + 1 || created.length === 0) break;
        const best = [...created].sort((a, b) => logProb[b]! - logProb[a]! || token[a]! - token[b]! || a - b).slice(0, topK);
        const results = await session.expand(
          best.map((c) => ({ parent: sessionNode[parent[c]!]!, token: token[c]! })),
          callOptions,
        );
        if (results.length !== best.length) throw new Error(`tree session returned ${results.length} nodes for ${best.length} requests`);
        best.forEach((c, i) => (sessionNode[c] = results[i]!.node));
        frontier = best;
        frontierRanked = results.map((r) => new RankedChildren(r.distribution));
      }

      const order = Array.from({ length: parent.length - 1 }, (_, i) => i + 1)
        .sort((a, b) => logProb[b]! - logProb[a]! || layerOf[a]! - layerOf[b]! || token[a]! - token[b]! || a - b)
        .slice(0, context.budget - 1);
      const index = new Map<number, number>([[0, 0]]);
      const nodes: DraftNodeSpec[] = [];
      for (const c of order) {
        const p = index.get(parent[c]!);
        if (p === undefined) throw new Error(`EAGLE rerank kept node ${c} without its parent`);
        nodes.push({ parent: p, token: token[c]!, rank: rank[c]!, score: logProb[c]! });
        index.set(c, nodes.length);
      }
      return createDraftTree(nodes);
    },
  };
}
