import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sequoiaTree, staticTreeCapacity } from '../../src/tree/static/sequoia.js';
import { medusaTree } from '../../src/tree/static/medusa.js';
import { staticTreeValue } from '../../src/tree/static/rank-tree-value.js';
import { checkAcceptance, positionalAcceptance } from '../../src/tree/static/positional-acceptance.js';
import { fromRankPaths, toRankPaths } from '../../src/tree/rank-paths.js';
import { InvalidValueError } from '../../src/core/errors.js';
import { dense } from './fake-models.js';

/** Every prefix-closed rank tree with m nodes (root included), ranks < K, depth ≤ L: each exactly once. */
function allRankTrees(m: number, K: number, L: number, rootChildren?: number): number[][][] {
  const out: number[][][] = [];
  const childrenOf = (p: number[]) => (p.length >= L ? [] : Array.from({ length: K }, (_, r) => [...p, r]));
  const walk = (chosen: number[][], frontier: number[][], i: number) => {
    if (chosen.length === m - 1) {
      if (rootChildren === undefined || chosen.filter((p) => p.length === 1).length === rootChildren) out.push(chosen);
      return;
    }
    if (i >= frontier.length) return;
    const c = frontier[i]!;
    walk([...chosen, c], [...frontier, ...childrenOf(c)], i + 1);
    walk(chosen, frontier, i + 1);
  };
  walk([], childrenOf([]), 0);
  return out;
}

const acceptanceVector = (maxRanks: number) =>
  // Random a_k (any order, zeros allowed) scaled so Σ a_k ≤ 0.8.
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: maxRanks }).map((w) => {
    const total = w.reduce((s, x) => s + x, 0) * 1.25 + 1e-9;
    return w.map((x) => x / total);
  });

describe('staticTreeValue(tree, acceptance)', () => {
  it('sums the products of positional acceptances along rank paths', () => {
    // [[0],[0,0],[1]] with a = (.5, .2): 1 + .5 + .5·.5 + .2 = 1.95.
    expect(staticTreeValue(fromRankPaths([[0], [0, 0], [1]]), [0.5, 0.2])).toBeCloseTo(1.95, 15);
    // A rank beyond the vector counts 0: [[2]] adds nothing.
    expect(staticTreeValue(fromRankPaths([[2]]), [0.5, 0.2])).toBe(1);
  });
});

describe('sequoiaTree(acceptance, m, options)', () => {
  it('is optimal among all static trees of m nodes and depth <= l (brute force)', () => {
    fc.assert(
      fc.property(acceptanceVector(3), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), (a, m, L) => {
        const K = a.length;
        if (staticTreeCapacity(K, L) < m) {
          expect(() => sequoiaTree(a, m, { maxDepth: L })).toThrow(InvalidValueError);
          return;
        }
        const { tree, value } = sequoiaTree(a, m, { maxDepth: L });
        expect(tree.size).toBe(m);
        expect(staticTreeValue(tree, a)).toBeCloseTo(value, 12);
        for (let v = 1; v < tree.size; v++) expect(tree.depth[v]).toBeLessThanOrEqual(L);
        const best = Math.max(...allRankTrees(m, K, L).map((t) => staticTreeValue(fromRankPaths(t), a)));
        expect(value).toBeCloseTo(best, 12);
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('is optimal among static trees whose root has exactly b children (brute force)', () => {
    fc.assert(
      fc.property(acceptanceVector(3), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (a, m, L, b) => {
        const K = a.length;
        if (b > K || b > m - 1 || staticTreeCapacity(K, L, b) < m) return;
        const { tree, value } = sequoiaTree(a, m, { maxDepth: L, rootChildren: b });
        expect(tree.children[0]!.length).toBe(b);
        expect(staticTreeValue(tree, a)).toBeCloseTo(value, 12);
        const best = Math.max(...allRankTrees(m, K, L, b).map((t) => staticTreeValue(fromRankPaths(t), a)));
        expect(value).toBeCloseTo(best, 12);
      }),
      { numRuns: 150, seed: 4 },
    );
  });

  it('finds the hand-derived optimum for a = (.5, .3) and rejects budgets the depth cannot hold', () => {
    // Depth ≤ 1 with 2 ranks holds only 3 nodes, so 5 nodes are impossible.
    expect(() => sequoiaTree([0.5, 0.3], 5, { maxDepth: 1 })).toThrow(/at most 3 nodes/);
    // Depth ≤ 2, 5 nodes: candidates .5, .3, .25, .15, .15, .09 → best four: .5 + .3 + .25 + .15 → 2.2.
    expect(sequoiaTree([0.5, 0.3], 5, { maxDepth: 2 }).value).toBeCloseTo(2.2, 15);
  });
});

describe('medusaTree(acceptance, m)', () => {
  it('adds the rank path of largest product each step: a = (.5, .3), 5 nodes', () => {
    // .5 [0], .3 [1], .25 [0,0], then .15 ties between [0,1] and [1,0] → smaller path [0,1].
    const t = medusaTree([0.5, 0.3], 5);
    expect(toRankPaths(t)).toEqual([[0], [1], [0, 0], [0, 1]]);
    expect(staticTreeValue(t, [0.5, 0.3])).toBeCloseTo(2.2, 15);
  });

  it('reaches the Sequoia optimum when there is no root-width constraint (Lemma 1 on the positional tree)', () => {
    fc.assert(
      fc.property(acceptanceVector(4), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 }), (a, m, L) => {
        if (staticTreeCapacity(a.length, L) < m) return;
        const greedy = medusaTree(a, m, { maxDepth: L });
        expect(greedy.size).toBe(m);
        expect(staticTreeValue(greedy, a)).toBeCloseTo(sequoiaTree(a, m, { maxDepth: L }).value, 12);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('positionalAcceptance(pairs, ranks)', () => {
  it("averages the verifier's probability of the drafter's rank-k token", () => {
    // Pair 1: drafter ranks (1, 0), verifier p = (.7, .3) → a = (.3, .7).
    // Pair 2: drafter ranks (0, 1), verifier p = (.5, .5) → a = (.5, .5). Mean: (.4, .6).
    const a = positionalAcceptance(
      [
        { drafter: dense([0.2, 0.8]), verifier: dense([0.7, 0.3]) },
        { drafter: dense([0.9, 0.1]), verifier: dense([0.5, 0.5]) },
      ],
      2,
    );
    expect(Array.from(a)).toEqual([expect.closeTo(0.4, 15), expect.closeTo(0.6, 15)]);
  });

  it('checkAcceptance rejects vectors that are not disjoint probabilities', () => {
    expect(() => checkAcceptance([0.7, 0.5])).toThrow(/sums to 1.2/);
    expect(() => checkAcceptance([1.5])).toThrow(InvalidValueError);
    expect(() => checkAcceptance([])).toThrow(/empty/);
  });
});
