import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromLogits } from '../../src/distribution/log-softmax.js';
import { fromTopLogprobs } from '../../src/distribution/sparse.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { createDraftTree } from '../../src/tree/draft-tree.js';
import { budgetGrid } from '../../src/measure/budget-grid.js';
import { ClusteredMean } from '../../src/results/clustered-mean.js';
import { decodeDistribution, encodeDistribution, type EncodedDistribution } from '../../src/measure/recorded-distribution.js';
import { cachingSession, subSession } from '../../src/tree/session-views.js';
import { continuationPath, cumulative } from '../../src/measure/unit.js';
import { fakeModel } from './fake-model.js';

describe('budgetGrid', () => {
  it('budgetGrid(64) is 1, powers of two and their 1.5 multiples, 60 and P-max', () => {
    expect(budgetGrid(64)).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 60, 64]);
  });
  it('budgetGrid(10) ends at P-max without 60', () => {
    expect(budgetGrid(10)).toEqual([1, 2, 3, 4, 6, 8, 10]);
  });
});

describe('ClusteredMean', () => {
  it('ClusteredMean gives the ratio mean and the cluster-robust standard error (hand computation)', () => {
    // Clusters: A = {1, 3} (S = 4, n = 2), B = {2} (S = 2, n = 1), C = {6} (S = 6, n = 1).
    // mean = 12/4 = 3; residuals S − 3n: −2, −1, 3; Σ r² = 14; se² = 3/2 · 14 / 16 = 1.3125.
    const m = new ClusteredMean();
    [['A', 1], ['A', 3], ['B', 2], ['C', 6]].forEach(([c, v]) => m.add(String(c).charCodeAt(0), Number(v)));
    const r = m.result();
    expect(r.mean).toBe(3);
    expect(r.se).toBeCloseTo(Math.sqrt(1.3125), 14);
    expect(r.clusters).toBe(3);
  });
  it('ClusteredMean with one cluster has no standard error', () => {
    const m = new ClusteredMean();
    m.add(0, 1);
    m.add(0, 2);
    expect(m.result().se).toBeNaN();
  });
});

describe('recorded distributions', () => {
  it('encodeDistribution → decodeDistribution keeps a small dense distribution exactly, −∞ included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 2, maxLength: 30 }), (logits) => {
        const arr = Float64Array.from(logits);
        arr[0] = -Infinity;
        const d = fromLogits(arr);
        const back = decodeDistribution(JSON.parse(JSON.stringify(encodeDistribution(d, 4, 64))) as EncodedDistribution);
        expect(back.kind).toBe('dense');
        expect(Array.from((back as { logProbs: Float64Array }).logProbs)).toEqual(Array.from(d.logProbs));
      }),
    );
  });
  it('encodeDistribution keeps the top k of a large vocabulary and the rest as tail mass', () => {
    const d = fromLogits(Float64Array.from([3, 2, 1, 0, -1]));
    const back = decodeDistribution(encodeDistribution(d, 2, 4));
    expect(back.kind).toBe('sparse');
    if (back.kind !== 'sparse') return;
    expect(Array.from(back.ids)).toEqual([0, 1]);
    expect(back.tailMass).toBeCloseTo(1 - Math.exp(d.logProbs[0]!) - Math.exp(d.logProbs[1]!), 14);
    const sparse = fromTopLogprobs(10, [4, 2], [Math.log(0.5), Math.log(0.25)]);
    expect(decodeDistribution(encodeDistribution(sparse, 8, 1000))).toEqual(sparse);
  });
});

describe('sessions', () => {
  it('cachingSession(session) answers a repeated (parent, token) from memory with the same node and distribution', async () => {
    const calls = { count: 0 };
    const model = fakeModel({ calls });
    const s = cachingSession(await openTreeSession(model, [1, 5]));
    const [a] = await s.expand([{ parent: 0, token: 4 }]);
    const before = calls.count;
    const [b, c] = await s.expand([{ parent: 0, token: 4 }, { parent: a!.node, token: 7 }]);
    expect(b).toBe(a);
    expect(calls.count).toBe(before + 1); // only the new node was asked for
    const [direct] = await model.nextTokenDistributions([[1, 5, 4, 7]]);
    expect(c!.distribution).toEqual(direct);
    expect(s.hits()).toBe(1);
  });

  it('subSession(session, node) roots a view at a node: its children are the node’s children', async () => {
    const model = fakeModel();
    const s = await openTreeSession(model, [1]);
    const [n] = await s.expand([{ parent: 0, token: 6 }]);
    const view = subSession(s, n!.node, n!.distribution);
    const [child] = await view.expand([{ parent: 0, token: 3 }]);
    const [direct] = await model.nextTokenDistributions([[1, 6, 3]]);
    expect(child!.distribution).toEqual(direct);
  });
});

describe('continuationPath and cumulative', () => {
  // Tree: root → a(5) → c(7); root → b(6). Node order: 1 = a, 2 = b, 3 = c.
  const tree = createDraftTree([
    { parent: 0, token: 5, rank: 0 },
    { parent: 0, token: 6, rank: 1 },
    { parent: 1, token: 7, rank: 0 },
  ]);
  it('continuationPath follows the sampled tokens and stops where the tree has no such child', () => {
    expect(continuationPath(tree, [5, 7, 9], 0)).toEqual({ path: [1, 3], censoredFrom: null });
    expect(continuationPath(tree, [9, 5, 6], 1)).toEqual({ path: [1], censoredFrom: null }); // 5 then 6 is not a child of a
    expect(continuationPath(tree, [6, 1], 0)).toEqual({ path: [2], censoredFrom: null }); // b is a leaf
  });
  it('continuationPath marks from which budget the end of the tokens hides a longer match', () => {
    // Tokens end at a (node 1), whose child c is node 3: censored for P ≥ 4 (the subtree of 4 nodes holds c).
    expect(continuationPath(tree, [5], 0)).toEqual({ path: [1], censoredFrom: 4 });
    expect(continuationPath(tree, [], 0)).toEqual({ path: [], censoredFrom: 2 });
  });
  it('cumulative(values) gives running sums', () => {
    expect(cumulative([1, 0.5, 0.25])).toEqual([1, 1.5, 1.75]);
  });
});
