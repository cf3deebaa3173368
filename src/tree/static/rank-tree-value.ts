/**
 * E[X] of a static rank tree under positional acceptance a_k: Σ_v Π_{ranks r on root → v} a_r
 * (the root counts 1). A rank beyond the acceptance vector counts as probability 0.
 *
 * @example staticTreeValue(fromRankPaths([[0], [0, 0], [1]]), [0.5, 0.2]) // → 1 + 0.5 + 0.25 + 0.2 = 1.95
 */
import { createDraftTree, type DraftNodeSpec, type DraftTree } from '../draft-tree.js';

export function staticTreeValue(tree: DraftTree, acceptance: ArrayLike<number>): number {
  const value = rankPathProducts(tree, acceptance);
  let sum = 0;
  for (let i = 0; i < tree.size; i++) sum += value[i]!;
  return sum;
}

/** Π a_r along each node's rank path (1 at the root). */
export function rankPathProducts(tree: DraftTree, acceptance: ArrayLike<number>): Float64Array {
  const value = new Float64Array(tree.size);
  value[0] = 1;
  for (let i = 1; i < tree.size; i++) value[i] = value[tree.parent[i]!]! * (acceptance[tree.rank[i]!] ?? 0);
  return value;
}

/**
 * The same tree with nodes renumbered by decreasing rank-path product (ties: shallower, then
 * smaller rank path), which keeps parents before children; `score` = ln of the product.
 */
export function orderByValue(tree: DraftTree, acceptance: ArrayLike<number>): DraftTree {
  const value = rankPathProducts(tree, acceptance);
  const pathKey: string[] = [''];
  for (let i = 1; i < tree.size; i++) pathKey.push(`${pathKey[tree.parent[i]!]!}${String(tree.rank[i]!).padStart(6, '0')}`);
  const order = Array.from({ length: tree.size - 1 }, (_, i) => i + 1).sort(
    (a, b) => value[b]! - value[a]! || tree.depth[a]! - tree.depth[b]! || (pathKey[a]! < pathKey[b]! ? -1 : pathKey[a]! > pathKey[b]! ? 1 : 0),
  );
  const index = new Int32Array(tree.size);
  const nodes: DraftNodeSpec[] = [];
  for (const v of order) {
    nodes.push({ parent: index[tree.parent[v]!]!, token: tree.token[v]!, rank: tree.rank[v]!, score: Math.log(value[v]!) });
    index[v] = nodes.length;
  }
  return createDraftTree(nodes);
}
