/**
 * A static rank tree becomes a draft tree at a position by taking, at each node, the drafter's
 * rank-r token for a child of rank r. One drafter call per level (the internal nodes of a level
 * are expanded together). A rank the drafter cannot fill (fewer tokens of positive probability)
 * drops that child and its subtree.
 */
import type { DistributionCallOptions, TreeSession } from '../../models/model.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from '../draft-tree.js';
import { RankedChildren } from '../ranked-children.js';

export async function instantiateStaticTree(rankTree: DraftTree, drafter: TreeSession, options?: DistributionCallOptions): Promise<DraftTree> {
  const out = new Int32Array(rankTree.size).fill(-1); // rank-tree node → output node
  const sessionNode = new Int32Array(rankTree.size).fill(-1);
  const ranked: (RankedChildren | undefined)[] = new Array<RankedChildren | undefined>(rankTree.size).fill(undefined);
  const logProb = new Float64Array(rankTree.size);
  out[0] = 0;
  sessionNode[0] = 0;
  ranked[0] = new RankedChildren(drafter.root);
  const nodes: DraftNodeSpec[] = [];
  let level = [0];
  while (level.length > 0) {
    const next: number[] = [];
    for (const u of level) {
      for (const c of rankTree.children[u]!) {
        const r = rankTree.rank[c]!;
        const token = ranked[u]!.token(r);
        if (token < 0) continue;
        logProb[c] = logProb[u]! + ranked[u]!.logProb(r);
        nodes.push({ parent: out[u]!, token, rank: r, score: logProb[c] });
        out[c] = nodes.length;
        if (rankTree.children[c]!.length > 0) next.push(c);
      }
    }
    if (next.length === 0) break;
    const results = await drafter.expand(
      next.map((c) => ({ parent: sessionNode[rankTree.parent[c]!]!, token: nodes[out[c]! - 1]!.token })),
      options,
    );
    if (results.length !== next.length) throw new Error(`tree session returned ${results.length} nodes for ${next.length} requests`);
    next.forEach((c, i) => {
      sessionNode[c] = results[i]!.node;
      ranked[c] = new RankedChildren(results[i]!.distribution);
    });
    level = next;
  }
  return createDraftTree(nodes);
}
