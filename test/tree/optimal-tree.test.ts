import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildOptimalTree } from '../../src/tree/optimal-tree.js';
import { toRankPaths } from '../../src/tree/rank-paths.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { allPaths, randomTableModel, tableModel, twoTokenModel } from './fake-models.js';

describe('buildOptimalTree(session, pMax)', () => {
  it('gives E[X*](P) of the i.i.d. two-token model (0.6, 0.4) that can be summed by hand', async () => {
    // Node probabilities are 0.6^i·0.4^j (i zeros, j ones on the path), C(i+j, i) nodes each.
    // In decreasing order: 1, .6, .4, .36, .24, .24, .216, .16, .144, .144, .144, .1296 (= .6^4).
    // Cumulative sums: 1, 1.6, 2.0, 2.36, 2.6, 2.84, 3.056, 3.216, 3.36, 3.504, 3.648, 3.7776.
    const session = await openTreeSession(twoTokenModel(0.6), []);
    const { expectedAcceptedLengths, pathProbabilities, tree } = await buildOptimalTree(session, 12);
    const byHand = [1, 1.6, 2.0, 2.36, 2.6, 2.84, 3.056, 3.216, 3.36, 3.504, 3.648, 3.7776];
    expect(tree.size).toBe(12);
    byHand.forEach((v, i) => expect(expectedAcceptedLengths[i]).toBeCloseTo(v, 12));
    expect(Array.from(pathProbabilities.slice(0, 4))).toEqual([1, 0.6, 0.4, expect.closeTo(0.36, 14)]);
  });

  it('lists nodes in decreasing P(v), ties to the shallower node, then the smaller token id', async () => {
    // Two-token (0.6, 0.4): [0] (.6), then [1] (.4) beats [0,0] (.36). The two .24 nodes [0,1] and
    // [1,0] tie exactly (ln .6 + ln .4 = ln .4 + ln .6) at the same depth, so the node's own token
    // id decides: [1,0] (token 0) before [0,1] (token 1). Then [0,0,0] (.216).
    const session = await openTreeSession(twoTokenModel(0.6), []);
    const { tree } = await buildOptimalTree(session, 7);
    expect(toRankPaths(tree)).toEqual([[0], [1], [0, 0], [1, 0], [0, 1], [0, 0, 0]]);
  });

  it('returns the root alone for P = 1 without calling the model', async () => {
    const model = twoTokenModel(0.5);
    const session = await openTreeSession(model, []);
    const callsAfterOpen = model.stats.calls;
    const r = await buildOptimalTree(session, 1);
    expect(r.tree.size).toBe(1);
    expect(Array.from(r.expectedAcceptedLengths)).toEqual([1]);
    expect(model.stats.calls).toBe(callsAfterOpen);
  });

  it('stops early when the model has fewer positive-probability paths than P', async () => {
    // Token 0 then certainly token 1, then certainly token 0...: a single path; P(v) = 1 everywhere
    // but only via tokens of positive probability; with a depth cap of 3 the tree has 4 nodes.
    const model = tableModel(2, (prefix) => (prefix.length % 2 === 0 ? [1, 0] : [0, 1]));
    const session = await openTreeSession(model, []);
    const r = await buildOptimalTree(session, 10, { maxDepth: 3 });
    expect(r.tree.size).toBe(4);
    expect(Array.from(r.expectedAcceptedLengths)).toEqual([1, 2, 3, 4]);
    expect(Array.from(r.tree.token)).toEqual([-1, 0, 1, 0]);
  });

  it('gives the same tree for every batch size and needs fewer calls with larger batches', async () => {
    const results = [];
    for (const batchSize of [1, 2, 8, 32]) {
      const model = randomTableModel(6, 11);
      const session = await openTreeSession(model, []);
      const r = await buildOptimalTree(session, 60, { batchSize });
      results.push({ paths: toRankPaths(r.tree), tokens: Array.from(r.tree.token), calls: r.modelCalls, e: Array.from(r.expectedAcceptedLengths) });
    }
    for (const r of results.slice(1)) {
      expect(r.tokens).toEqual(results[0]!.tokens);
      expect(r.e).toEqual(results[0]!.e);
    }
    // Batch size 1 calls the model once per node that gets children (at most P − 1 = 59 calls).
    expect(results[0]!.calls).toBeGreaterThan(20);
    expect(results[3]!.calls).toBeLessThan(results[0]!.calls / 2);
  });

  it('equals a brute-force enumeration of all paths sorted by probability (random path-dependent models)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 7 }), fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 5 }), async (V, P, seed, zeros, batchSize) => {
        const model = randomTableModel(V, seed, { zeros });
        // The top P nodes of a prefix-closed optimum have depth ≤ P − 1.
        const all = allPaths(model.conditional, V, Math.max(1, P - 1))
          .map((x) => x.prob)
          .sort((a, b) => b - a);
        const expected = [1, ...all].slice(0, P);
        const session = await openTreeSession(model, []);
        const r = await buildOptimalTree(session, P, { batchSize });
        expect(r.tree.size).toBe(expected.length);
        const got = Array.from(r.pathProbabilities);
        got.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 12));
        // Prefix-closed, and every node's probability is the product of the conditionals along its path.
        for (let v = 1; v < r.tree.size; v++) {
          expect(r.tree.parent[v]).toBeLessThan(v);
          const parentPath: number[] = [];
          for (let u = r.tree.parent[v]!; u > 0; u = r.tree.parent[u]!) parentPath.unshift(r.tree.token[u]!);
          expect(r.pathProbabilities[v]).toBeCloseTo(r.pathProbabilities[r.tree.parent[v]!]! * model.conditional(parentPath)[r.tree.token[v]!]!, 12);
        }
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});
