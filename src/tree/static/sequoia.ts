/**
 * Sequoia's dynamic program (Chen et al. 2024, "Sequoia: Scalable, Robust, and Hardware-aware
 * Speculative Decoding"): the static rank tree of exactly m nodes (root included), depth ≤ l
 * (root at depth 0) and optionally exactly b children at the root, that maximises
 * E[X] = Σ_v Π a_r under positional acceptance a_k (independent of position).
 *
 * Recurrence. Order the ranks by decreasing a (σ_0, σ_1, …): the best tree gives its larger
 * subtrees to better ranks, and uses the best ranks first (exchange argument).
 *   V_l(1) = 1;  V_0(n > 1) = −∞;  V_{l+1}(n) = 1 + F_l(0, n − 1)
 *   F_l(j, 0) = 0;  F_l(W, n > 0) = −∞;
 *   F_l(j, n) = max_{1 ≤ s ≤ n} a_{σ_j}·V_l(s) + F_l(j + 1, n − s)
 * V_l(n) is the best subtree of n nodes whose descendants reach at most l levels down, F_l(j, n)
 * the best forest of n nodes on the ranks σ_j, σ_{j+1}, … . Cost O(l · W · m²), W = min(K, m − 1).
 *
 * Note: without the root-children constraint this optimum equals Medusa's greedy choice, because
 * the positional model is itself a deterministic tree with P(child) ≤ P(parent), where Lemma 1
 * makes best-first optimal (with or without a depth cap).
 */
import { InvalidValueError } from '../../core/errors.js';
import { createDraftTree, type DraftNodeSpec, type DraftTree } from '../draft-tree.js';
import { checkAcceptance } from './positional-acceptance.js';
import { orderByValue } from './rank-tree-value.js';

export interface SequoiaOptions {
  /** Maximum node depth l (root 0). Default min(m − 1, 16). */
  readonly maxDepth?: number;
  /** Exactly this many children at the root (Sequoia's b); unconstrained by default. */
  readonly rootChildren?: number;
  /**
   * Which acceptance the k-th child of a node gets. `value` (default): the ranks sorted by
   * decreasing acceptance, so a better rank is never left unused while a worse one is drafted (our
   * convention: the drafter's rank-k token is whichever rank the acceptance vector says is k-th
   * best). `rank`: child k gets a_k in the vector's own order, as Sequoia's tree_search.py does
   * (`T[m][l][b] = T[y][l][b-1] + p[b]·max T[m-y][l-1]`: the b-th child takes p[b]). The two agree
   * when the vector is non-increasing; a measured vector often is not at its noisy tail.
   */
  readonly order?: 'value' | 'rank';
}

export const SEQUOIA_DEFAULT_MAX_DEPTH = 16;

export interface SequoiaResult {
  /** The rank tree (token = rank), nodes in decreasing Π a. */
  readonly tree: DraftTree;
  /** Its E[X] under the acceptance vector. */
  readonly value: number;
}

/** Most nodes (root included) a tree can hold with `ranks` children per node, depth ≤ l, and b root children. */
export function staticTreeCapacity(ranks: number, maxDepth: number, rootChildren?: number): number {
  let total = 1;
  let level = 1;
  for (let d = 1; d <= maxDepth && total < Number.MAX_SAFE_INTEGER; d++) {
    level *= d === 1 && rootChildren !== undefined ? rootChildren : ranks;
    total += level;
    if (level === 0) break;
  }
  return total;
}

export function sequoiaTree(acceptance: readonly number[], m: number, options: SequoiaOptions = {}): SequoiaResult {
  checkAcceptance(acceptance);
  if (!Number.isSafeInteger(m) || m < 1) throw new InvalidValueError('P', m, 'must be an integer >= 1');
  const L = options.maxDepth ?? Math.min(m - 1, SEQUOIA_DEFAULT_MAX_DEPTH);
  if (!Number.isSafeInteger(L) || L < 0) throw new InvalidValueError('max depth', L, 'must be an integer >= 0');
  const b = options.rootChildren;
  const K = acceptance.length;
  if (b !== undefined && (!Number.isSafeInteger(b) || b < 0 || b > K)) throw new InvalidValueError('root children', b, `must be an integer in [0, ${K}] (the acceptance vector has ${K} ranks)`);
  const capacity = staticTreeCapacity(K, L, b);
  if (capacity < m) throw new InvalidValueError('P', m, `a static tree with ${K} ranks, depth <= ${L}${b === undefined ? '' : `, ${b} root children`} holds at most ${capacity} nodes`);
  if (b !== undefined && (b === 0) !== (m === 1)) throw new InvalidValueError('root children', b, `a tree of ${m} nodes needs ${m === 1 ? '0' : 'at least 1'} root children`);
  if (b !== undefined && b > m - 1) throw new InvalidValueError('root children', b, `a tree of ${m} nodes has at most ${m - 1} root children`);
  if (m === 1) return { tree: createDraftTree([]), value: 1 };

  const identity = Array.from({ length: K }, (_, k) => k);
  const sigma = options.order === 'rank' ? identity : identity.sort((x, y) => acceptance[y]! - acceptance[x]! || x - y);
  const W = Math.min(K, m - 1);
  const a = sigma.slice(0, W).map((r) => acceptance[r]!);
  const stride = m; // n = 0..m−1 in forests

  // V[l][n], n = 0..m (index 0 unused); S[l][j·stride + n] = size of slot j's subtree in F_l(j, n).
  const V: Float64Array[] = [];
  const S: Int32Array[] = [];
  const v0 = new Float64Array(m + 1).fill(-Infinity);
  v0[1] = 1;
  V.push(v0);
  const forest = (Vl: Float64Array, slots: number, exact: boolean): { F: Float64Array; choice: Int32Array } => {
    const F = new Float64Array((slots + 1) * stride).fill(-Infinity);
    const choice = new Int32Array((slots + 1) * stride);
    F[slots * stride] = 0;
    // Subtrees larger than the depth allows have V = −∞: never try them.
    let largest = 1;
    for (let s = 1; s < stride; s++) if (Vl[s]! > -Infinity) largest = s;
    for (let j = slots - 1; j >= 0; j--) {
      const row = j * stride;
      const next = (j + 1) * stride;
      const aj = a[j]!;
      if (!exact) F[row] = 0;
      for (let n = 1; n < stride; n++) {
        let best = -Infinity;
        let arg = 0;
        const top = n < largest ? n : largest;
        for (let s = 1; s <= top; s++) {
          const rest = F[next + n - s]!;
          const sub = Vl[s]!;
          if (rest === -Infinity || sub === -Infinity) continue;
          const v = aj * sub + rest;
          if (v > best) {
            best = v;
            arg = s;
          }
        }
        F[row + n] = best;
        choice[row + n] = arg;
      }
    }
    return { F, choice };
  };
  const rootLevel = L - 1;
  for (let l = 0; l < L; l++) {
    const { F, choice } = forest(V[l]!, W, false);
    S.push(choice);
    const next = new Float64Array(m + 1).fill(-Infinity);
    next[1] = 1;
    for (let n = 2; n <= m; n++) if (F[n - 1]! > -Infinity) next[n] = 1 + F[n - 1]!;
    V.push(next);
  }

  // The root: F_{L−1}(0, m − 1), or exactly b slots.
  let rootChoice: Int32Array;
  let value: number;
  if (b === undefined) {
    rootChoice = S[rootLevel]!;
    value = V[L]![m]!;
  } else {
    const { F, choice } = forest(V[rootLevel]!, b, true);
    rootChoice = choice;
    value = 1 + F[m - 1]!;
  }
  if (!(value > -Infinity)) throw new Error(`Sequoia program found no tree of ${m} nodes`);

  const nodes: DraftNodeSpec[] = [];
  // Children of a node with n nodes in its subtree and l levels below it, by the choices of level l − 1.
  const build = (parentIndex: number, n: number, choice: Int32Array, l: number): void => {
    let rem = n - 1;
    let j = 0;
    const kids: [number, number][] = [];
    while (rem > 0) {
      const s = choice[j * stride + rem]!;
      if (s <= 0) throw new Error('Sequoia reconstruction failed');
      nodes.push({ parent: parentIndex, token: sigma[j]!, rank: sigma[j]! });
      kids.push([nodes.length, s]);
      rem -= s;
      j++;
    }
    for (const [child, s] of kids) if (s > 1) build(child, s, S[l - 2]!, l - 1);
  };
  build(0, m, rootChoice, L);
  return { tree: orderByValue(createDraftTree(nodes), acceptance), value };
}
