import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestStaticTree,
  chainShape,
  geometricEntropy,
  geometricRankProbabilities,
  geometricThetaForEntropy,
  staticTreeSequence,
  treeSequenceForTarget,
} from '../../src/plan/tree-shape.js';

describe('geometricThetaForEntropy(mu)', () => {
  it('inverts geometricEntropy', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), (theta) => {
        expect(geometricThetaForEntropy(geometricEntropy(theta))).toBeCloseTo(theta, 9);
      }),
    );
  });
  it('matches the closed form at θ = 1/2: H = 2 ln 2 (fair-coin geometric law)', () => {
    // H = −ln(1/2) − (1/2)ln(1/2)/(1/2) = 2 ln 2.
    expect(geometricEntropy(0.5)).toBeCloseTo(2 * Math.LN2, 14);
    expect(geometricThetaForEntropy(2 * Math.LN2)).toBeCloseTo(0.5, 12);
  });
});

/** Brute force: every rank path of length ≤ D with ranks < R, the P − 1 largest products. */
function bruteForceBest(P: number, probs: Float64Array, D: number, R: number): number {
  const values: number[] = [];
  const walk = (value: number, depth: number) => {
    if (depth === D) return;
    for (let r = 0; r < R && r < probs.length; r++) {
      const v = value * probs[r]!;
      values.push(v);
      walk(v, depth + 1);
    }
  };
  walk(1, 0);
  values.sort((a, b) => b - a);
  return 1 + values.slice(0, P - 1).reduce((a, b) => a + b, 0);
}

describe('bestStaticTree(P, rankProbabilities)', () => {
  it('picks the P − 1 rank paths of largest product (checked by brute force)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0.05, max: 2.5, noNaN: true }), (P, mu) => {
        const probs = geometricRankProbabilities(mu);
        // A tree of P − 1 drafted nodes has depth ≤ P − 1 and ranks ≤ P − 2, so enumerating
        // every path with depth and rank limits of P − 1 contains the optimum.
        expect(bestStaticTree(P, probs).expectedAccepted).toBeCloseTo(bruteForceBest(P, probs, P - 1, P - 1), 10);
      }),
      { numRuns: 40 },
    );
  });
  it('returns P − 1 prefix-closed rank paths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.05, max: 2.5, noNaN: true }), (P, mu) => {
        const tree = bestStaticTree(P, geometricRankProbabilities(mu));
        expect(tree.rankPaths.length).toBe(P - 1);
        const keys = new Set(tree.rankPaths.map((p) => p.join(',')));
        expect(keys.size).toBe(P - 1);
        for (const p of tree.rankPaths) if (p.length > 1) expect(keys.has(p.slice(0, -1).join(','))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
  it('is a chain for a near-deterministic verifier and branches for an uncertain one', () => {
    // μ = 0.05 nats: p_1 ≈ 0.99, so the second child of the root (≈0.01) loses to the chain.
    expect(bestStaticTree(8, geometricRankProbabilities(0.05)).shape).toBe('chain');
    const wide = bestStaticTree(8, geometricRankProbabilities(2));
    expect(wide.shape).toBe('tree');
    expect(wide.topK).toBeGreaterThan(1);
  });
  it('gives a hand-checkable tree for p = (1/2, 1/4, 1/8, …), P = 5', () => {
    // Products: [0] 1/2, [1] 1/4, [0,0] 1/4, then 1/8 ties ([2], [0,1], [1,0], [0,0,0]); best-first
    // takes 1/2, 1/4, 1/4 and one 1/8. E[X] = 1 + 1/2 + 1/4 + 1/4 + 1/8 = 2.125.
    const tree = bestStaticTree(5, geometricRankProbabilities(2 * Math.LN2));
    expect(tree.expectedAccepted).toBeCloseTo(2.125, 10);
    expect(tree.rankPaths.slice(0, 3)).toEqual([[0], [1], [0, 0]]);
  });
});

describe('staticTreeSequence(maxBudget, probs)', () => {
  it('gives the same trees as separate enumerations (Lemma 1 nesting)', () => {
    const probs = geometricRankProbabilities(0.7);
    const seq = staticTreeSequence(64, probs);
    for (const P of [1, 2, 5, 17, 64]) {
      const alone = bestStaticTree(P, probs);
      expect(seq.summaryAt(P)).toEqual({ shape: alone.shape, depth: alone.depth, topK: alone.topK, expectedAccepted: alone.expectedAccepted });
      expect(seq.shapeAt(P).rankPaths).toEqual(alone.rankPaths);
    }
  });
});

describe('chainShape(P)', () => {
  it('lists [[0], [0,0], …] with depth P − 1 and top_k 1', () => {
    expect(chainShape(4)).toMatchObject({ shape: 'chain', depth: 3, topK: 1, rankPaths: [[0], [0, 0], [0, 0, 0]] });
    expect(chainShape(1)).toMatchObject({ depth: 0, topK: 0, rankPaths: [] });
  });
});

describe('treeSequenceForTarget(maxBudget, P, target)', () => {
  it('finds the geometric law whose best P-node tree has the target E[X]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 128 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (P, fraction) => {
        const target = 1 + fraction * (P - 1);
        const seq = treeSequenceForTarget(P, P, target);
        expect(seq.summaryAt(P).expectedAccepted).toBeCloseTo(target, 6);
      }),
      { numRuns: 30 },
    );
  });
});
