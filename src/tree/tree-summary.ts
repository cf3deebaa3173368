/**
 * A draft tree as plain data for tables and JSON: each node with its rank path, token, the
 * drafter's path score and the verifier's path probability P(v), plus E[X] = Σ P(v) and the vLLM
 * export.
 */
import type { DraftTree } from './draft-tree.js';
import { hasUniformLevels, toRankPaths, toVllmTupleString } from './rank-paths.js';
import { conditionalProbabilities, pathProbabilities, type NodeDistributions } from './verification.js';

export interface TreeNodeSummary {
  readonly node: number;
  readonly parent: number;
  readonly depth: number;
  readonly rankPath: number[];
  readonly token: number;
  readonly text: string;
  /** The drafter's (or the enumerated model's) path probability the builder ranked by; null when unknown. */
  readonly draftProbability: number | null;
  /** P(v): the verifier's probability of the path root → node. */
  readonly pathProbability: number;
}

export interface TreeSummary {
  /** P, root included. */
  readonly P: number;
  readonly depth: number;
  /** E[X] = Σ_v P(v) under the verifier (Lemma 1). */
  readonly expectedAcceptedLength: number;
  /** Nodes whose token the verifier's top-k list did not contain (counted as probability 0). */
  readonly unknownTokens: number;
  readonly rankPaths: number[][];
  readonly vllm: {
    readonly speculative_token_tree: string;
    readonly num_speculative_tokens: number;
    /** vLLM drafts one children count per level; false = vLLM would draft a different tree. */
    readonly uniformLevels: boolean;
  };
  readonly nodes: TreeNodeSummary[];
}

export function summarizeTree(tree: DraftTree, verifier: NodeDistributions, tokenText: (token: number) => string): TreeSummary {
  const pv = pathProbabilities(tree, verifier);
  const { unknownTokens } = conditionalProbabilities(tree, verifier);
  const paths = toRankPaths(tree);
  let sum = 0;
  let depth = 0;
  const nodes: TreeNodeSummary[] = [];
  for (let v = 0; v < tree.size; v++) {
    sum += pv[v]!;
    if (tree.depth[v]! > depth) depth = tree.depth[v]!;
    const score = tree.score[v]!;
    nodes.push({
      node: v,
      parent: tree.parent[v]!,
      depth: tree.depth[v]!,
      rankPath: v === 0 ? [] : paths[v - 1]!,
      token: tree.token[v]!,
      text: v === 0 ? '(root)' : tokenText(tree.token[v]!),
      draftProbability: Number.isNaN(score) ? null : Math.exp(score),
      pathProbability: pv[v]!,
    });
  }
  return {
    P: tree.size,
    depth,
    expectedAcceptedLength: sum,
    unknownTokens,
    rankPaths: paths,
    vllm: { speculative_token_tree: toVllmTupleString(tree), num_speculative_tokens: tree.size - 1, uniformLevels: hasUniformLevels(tree) },
    nodes,
  };
}
