/**
 * A draft tree: the tokens a drafter proposes for one verifier pass. Node 0 is the root (the
 * position after the accepted prefix, no token); every other node is one drafted token below its
 * parent. `size` is the budget P, root included (docs/conventions.md).
 *
 * Nodes are stored parent-first (parent[i] < i), so a single forward pass over the arrays visits
 * ancestors before descendants. Children are listed in drafter-rank order.
 */

export interface DraftTree {
  /** Number of nodes P, root included. */
  readonly size: number;
  /** parent[i] for i ≥ 1 (always < i); parent[0] = −1. */
  readonly parent: Int32Array;
  /** Token id of node i; token[0] = −1 (the root has no token). */
  readonly token: Int32Array;
  /**
   * Rank of node i's token among its parent's possible children by the drafter's score (0 = the
   * drafter's most probable next token): the Medusa/Sequoia "rank path" convention. rank[0] = −1.
   */
  readonly rank: Int32Array;
  /** Depth of node i (root 0). */
  readonly depth: Int32Array;
  /** Children of each node, by increasing rank. */
  readonly children: readonly (readonly number[])[];
  /**
   * ln of the path score the builder ranked node i by (for Lemma 1 trees: ln P(v) under the
   * model it enumerated; for EAGLE: the drafter's path probability); 0 at the root; NaN when the
   * tree came from rank paths alone.
   */
  readonly score: Float64Array;
}

/** One non-root node, as given to `createDraftTree`. */
export interface DraftNodeSpec {
  /** Index of the parent among the nodes before it (0 = root). */
  readonly parent: number;
  readonly token: number;
  readonly rank: number;
  /** ln path score; NaN when unknown. */
  readonly score?: number;
}

/**
 * Builds a tree from its non-root nodes in parent-first order (node i + 1 is `nodes[i]`).
 * Throws RangeError on a parent that does not come earlier, or on two siblings with the same
 * token or the same rank (a tree never drafts one token twice at one position).
 *
 * @example createDraftTree([{ parent: 0, token: 7, rank: 0 }, { parent: 1, token: 3, rank: 0 }]).size // → 3
 */
export function createDraftTree(nodes: readonly DraftNodeSpec[]): DraftTree {
  const size = nodes.length + 1;
  const parent = new Int32Array(size);
  const token = new Int32Array(size);
  const rank = new Int32Array(size);
  const depth = new Int32Array(size);
  const score = new Float64Array(size);
  const children: number[][] = [[]];
  parent[0] = -1;
  token[0] = -1;
  rank[0] = -1;
  for (let i = 1; i < size; i++) {
    const n = nodes[i - 1]!;
    if (!Number.isInteger(n.parent) || n.parent < 0 || n.parent >= i) {
      throw new RangeError(`draft tree node ${i}: parent ${n.parent} must be an earlier node (0..${i - 1})`);
    }
    if (!Number.isInteger(n.rank) || n.rank < 0) throw new RangeError(`draft tree node ${i}: rank ${n.rank} must be a non-negative integer`);
    const siblings = children[n.parent]!;
    for (const s of siblings) {
      if (token[s] === n.token) throw new RangeError(`draft tree node ${i}: token ${n.token} already drafted below node ${n.parent}`);
      if (rank[s] === n.rank) throw new RangeError(`draft tree node ${i}: rank ${n.rank} already used below node ${n.parent}`);
    }
    parent[i] = n.parent;
    token[i] = n.token;
    rank[i] = n.rank;
    depth[i] = depth[n.parent]! + 1;
    score[i] = n.score ?? Number.NaN;
    siblings.push(i);
    children.push([]);
  }
  for (const list of children) if (list.length > 1) list.sort((a, b) => rank[a]! - rank[b]!);
  return { size, parent, token, rank, depth, children, score };
}

/** The tree of one node (P = 1: no speculation). */
export function rootOnlyTree(): DraftTree {
  return createDraftTree([]);
}

/**
 * The first `size` nodes of `tree` as a tree (nodes are parent-first, so any such prefix is
 * prefix-closed). For Lemma 1 trees it is the optimal tree of the smaller budget.
 */
export function firstNodes(tree: DraftTree, size: number): DraftTree {
  if (!Number.isSafeInteger(size) || size < 1 || size > tree.size) throw new RangeError(`firstNodes: size ${size} must be in 1..${tree.size}`);
  const nodes: DraftNodeSpec[] = [];
  for (let i = 1; i < size; i++) nodes.push({ parent: tree.parent[i]!, token: tree.token[i]!, rank: tree.rank[i]!, score: tree.score[i]! });
  return createDraftTree(nodes);
}

/** Maximum depth of any node (0 for the root alone). */
export function treeDepth(tree: DraftTree): number {
  let d = 0;
  for (let i = 0; i < tree.size; i++) if (tree.depth[i]! > d) d = tree.depth[i]!;
  return d;
}

/** Token ids along root → node (root excluded). */
export function tokenPath(tree: DraftTree, node: number): number[] {
  const out: number[] = [];
  for (let v = node; v > 0; v = tree.parent[v]!) out.push(tree.token[v]!);
  return out.reverse();
}

/** The child of `node` that drafts `token`, or −1. */
export function childWithToken(tree: DraftTree, node: number, token: number): number {
  for (const c of tree.children[node]!) if (tree.token[c] === token) return c;
  return -1;
}
