/**
 * Medusa's greedy static tree (Cai et al. 2024, "Medusa: Simple LLM Inference Acceleration
 * Framework with Multiple Decoding Heads", §"optimized tree"): starting from the root, repeatedly
 * add the node whose rank path has the largest product of positional acceptances, until the tree
 * has m nodes. Only children of nodes already in the tree are candidates, so the tree stays
 * prefix-closed. Ties: shallower first, then the lexicographically smaller rank path.
 */
import { InvalidValueError } from '../../core/errors.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from '../draft-tree.js';
import { checkAcceptance } from './positional-acceptance.js';
import { staticTreeCapacity } from './sequoia.js';

export interface MedusaOptions {
  /** Maximum node depth (Medusa: the number of heads). Unlimited by default. */
  readonly maxDepth?: number;
}

/** The greedy rank tree of exactly m nodes (token = rank), nodes in the order they were added. */
export function medusaTree(acceptance: readonly number[], m: number, options: MedusaOptions = {}): DraftTree {
  checkAcceptance(acceptance);
  if (!Number.isSafeInteger(m) || m < 1) throw new InvalidValueError('P', m, 'must be an integer >= 1');
  const L = options.maxDepth ?? Infinity;
  const K = acceptance.length;
  if (Number.isFinite(L) && staticTreeCapacity(K, L) < m) throw new InvalidValueError('P', m, `a static tree with ${K} ranks and depth <= ${L} holds at most ${staticTreeCapacity(K, L)} nodes`);
  if (!Number.isFinite(L) && K === 0 && m > 1) throw new InvalidValueError('P', m, 'the acceptance vector is empty');
  const sigma = Array.from({ length: K }, (_, k) => k).sort((x, y) => acceptance[y]! - acceptance[x]! || x - y);

  // Per taken node: product, depth, rank path (for ties), and which σ-slot its next child takes.
  const value: number[] = [1];
  const depth: number[] = [0];
  const path: number[][] = [[]];
  const nextSlot: number[] = [0];
  const nodes: DraftNodeSpec[] = [];
  // Equal products: the shallower candidate, then the smaller rank path.
  const breaksTie = (u: number, w: number): boolean =>
    depth[u] !== depth[w] ? depth[u]! < depth[w]! : lexLess([...path[u]!, sigma[nextSlot[u]!]!], [...path[w]!, sigma[nextSlot[w]!]!]);
  while (nodes.length + 1 < m) {
    let best = -1;
    let bestValue = -Infinity;
    for (let u = 0; u < value.length; u++) {
      if (nextSlot[u]! >= K || depth[u]! >= L) continue;
      const v = value[u]! * acceptance[sigma[nextSlot[u]!]!]!;
      if (best < 0 || v > bestValue || (v === bestValue && breaksTie(u, best))) {
        best = u;
        bestValue = v;
      }
    }
    if (best < 0) break;
    const r = sigma[nextSlot[best]!]!;
    nextSlot[best] = nextSlot[best]! + 1;
    nodes.push({ parent: best, token: r, rank: r, score: Math.log(bestValue) });
    value.push(bestValue);
    depth.push(depth[best]! + 1);
    path.push([...path[best]!, r]);
    nextSlot.push(0);
  }
  return createDraftTree(nodes);
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}
