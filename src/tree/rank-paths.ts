/**
 * Draft trees as lists of rank paths, the format Medusa, Sequoia and vLLM use for static trees:
 * `[[0], [0, 0], [1]]` = the drafter's top token, its top continuation, and the drafter's second
 * token. The root is implicit. vLLM takes the same list as a Python tuple string in
 * `speculative_config.speculative_token_tree` ("[(0,), (0, 0), (1,)]", with
 * `num_speculative_tokens` = number of paths = P − 1).
 */
import { InvalidValueError } from '../core/errors.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from './draft-tree.js';

/** Rank path of every non-root node, in node order (for Lemma 1 trees: decreasing P(v)). */
export function toRankPaths(tree: DraftTree): number[][] {
  const paths: number[][] = [[]];
  for (let i = 1; i < tree.size; i++) paths.push([...paths[tree.parent[i]!]!, tree.rank[i]!]);
  return paths.slice(1);
}

/** Rank paths sorted breadth-first (by length, then lexicographically), the order vLLM sorts to. */
export function toBreadthFirstRankPaths(tree: DraftTree): number[][] {
  return toRankPaths(tree).sort(compareRankPaths);
}

function compareRankPaths(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * vLLM's `speculative_token_tree` string: Python's `str()` of the breadth-first sorted list of
 * tuples, e.g. "[(0,), (0, 0), (1,)]". An empty tree (P = 1) gives "[]".
 */
export function toVllmTupleString(tree: DraftTree): string {
  const paths = toBreadthFirstRankPaths(tree);
  return `[${paths.map((p) => (p.length === 1 ? `(${p[0]},)` : `(${p.join(', ')})`)).join(', ')}]`;
}

/**
 * vLLM's tree drafter assumes every node of one level has the same number of children (it
 * derives one children count per level from the node counts). Returns true when `tree` has that
 * shape; otherwise vLLM would draft a different tree than the one exported.
 */
export function hasUniformLevels(tree: DraftTree): boolean {
  const countAtDepth = new Map<number, number>();
  for (let i = 0; i < tree.size; i++) {
    const d = tree.depth[i]!;
    const n = tree.children[i]!.length;
    const seen = countAtDepth.get(d);
    if (seen === undefined) countAtDepth.set(d, n);
    else if (seen !== n) return false;
  }
  return true;
}

/**
 * A rank tree from rank paths: node tokens are the ranks themselves (an abstract static tree;
 * `instantiateStaticTree` maps ranks to a drafter's tokens). Paths may come in any order; they
 * are kept in the given order when every parent comes first, otherwise sorted by length.
 * Throws InvalidValueError naming `source` for a path whose parent path is missing, a
 * duplicate, or a rank that is not a non-negative integer.
 *
 * @example fromRankPaths([[0], [0, 0], [1]]).size // → 4
 */
export function fromRankPaths(paths: readonly (readonly number[])[], source = 'rank paths'): DraftTree {
  const keyOf = (p: readonly number[]) => p.join(',');
  for (const p of paths) {
    if (p.length === 0) throw new InvalidValueError('rank path', p, 'empty path (the root is implicit)', source);
    for (const r of p) if (!Number.isSafeInteger(r) || r < 0) throw new InvalidValueError('rank path', p, `rank ${r} is not a non-negative integer`, source);
  }
  const parentFirst = paths.every((p, i) => p.length === 1 || paths.slice(0, i).some((q) => keyOf(q) === keyOf(p.slice(0, -1))));
  const ordered = parentFirst ? [...paths] : [...paths].sort((a, b) => a.length - b.length);
  const index = new Map<string, number>([['', 0]]);
  const nodes: DraftNodeSpec[] = [];
  for (const p of ordered) {
    const key = keyOf(p);
    if (index.has(key)) throw new InvalidValueError('rank path', p, 'appears twice', source);
    const parent = index.get(keyOf(p.slice(0, -1)));
    if (parent === undefined) throw new InvalidValueError('rank path', p, `its parent ${JSON.stringify(p.slice(0, -1))} is missing (trees are prefix-closed)`, source);
    const r = p[p.length - 1]!;
    nodes.push({ parent, token: r, rank: r });
    index.set(key, nodes.length);
  }
  return createDraftTree(nodes);
}

/**
 * Parses rank paths written as JSON (`[[0],[0,0],[1]]`) or as vLLM's Python tuple string
 * (`[(0,), (0, 0), (1,)]`).
 */
export function parseRankPaths(text: string, source = 'rank paths'): number[][] {
  const json = text.trim().replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*\]/g, ']');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InvalidValueError('rank paths', text, 'expected a list like [[0],[0,0],[1]] or "[(0,), (0, 0), (1,)]"', source);
  }
  if (!Array.isArray(value) || !value.every((p) => Array.isArray(p) && p.every((r) => typeof r === 'number'))) {
    throw new InvalidValueError('rank paths', text, 'expected a list of lists of ranks', source);
  }
  return value;
}
