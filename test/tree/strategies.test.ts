import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../src/core/rng.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import type { LanguageModel } from '../../src/models/model.js';
import type { DraftTree } from '../../src/tree/draft-tree.js';
import { buildOptimalTree } from '../../src/tree/optimal-tree.js';
import { toBreadthFirstRankPaths, toRankPaths } from '../../src/tree/rank-paths.js';
import { positionalAcceptance } from '../../src/tree/static/positional-acceptance.js';
import { chainStrategy, createStrategy, eagleStrategy, FIXED_BUDGET_STRATEGY_NAMES, type StrategyName } from '../../src/tree/strategies/index.js';
import type { DraftingStrategy } from '../../src/tree/strategy.js';
import { expectedAcceptedLength, sampledAcceptedLength, verifierDistributions } from '../../src/tree/verification.js';
import { randomTableModel, twoTokenModel } from './fake-models.js';

/** Builds a tree with `strategy` for budget P and scores it under the verifier. */
async function scored(strategy: DraftingStrategy, verifier: LanguageModel, drafter: LanguageModel, budget: number) {
  const tree = await strategy.build({ drafter: await openTreeSession(drafter, []), verifier: await openTreeSession(verifier, []), budget });
  const dists = await verifierDistributions(tree, await openTreeSession(verifier, []));
  return { tree, dists, value: expectedAcceptedLength(tree, dists) };
}

function expectPrefixClosed(tree: DraftTree): void {
  for (let v = 1; v < tree.size; v++) {
    expect(tree.parent[v]).toBeGreaterThanOrEqual(0);
    expect(tree.parent[v]).toBeLessThan(v);
    expect(tree.depth[v]).toBe(tree.depth[tree.parent[v]!]! + 1);
  }
}

/** a_k measured at the root and a few nodes of the verifier's greedy path. */
async function acceptanceOf(verifier: LanguageModel, drafter: LanguageModel): Promise<number[]> {
  const prefixes = [[], [0], [0, 1], [1], [2, 0]];
  const p = await verifier.nextTokenDistributions(prefixes);
  const q = await drafter.nextTokenDistributions(prefixes);
  return Array.from(positionalAcceptance(p.map((d, i) => ({ verifier: d, drafter: q[i]! })), 4));
}

async function allStrategies(verifier: LanguageModel, drafter: LanguageModel): Promise<DraftingStrategy[]> {
  const acceptance = await acceptanceOf(verifier, drafter);
  return FIXED_BUDGET_STRATEGY_NAMES.map((name: StrategyName) => createStrategy(name, { acceptance, topK: 3 }));
}

describe('drafting strategies', () => {
  it('every strategy returns a prefix-closed tree of exactly P nodes, and Σ P(v) matches sampled verification', async () => {
    const verifier = randomTableModel(5, 21);
    const drafter = randomTableModel(5, 22, { peak: 1 });
    for (const strategy of await allStrategies(verifier, drafter)) {
      const { tree, dists, value } = await scored(strategy, verifier, drafter, 24);
      expect(tree.size, strategy.name).toBe(24);
      expectPrefixClosed(tree);
      const { mean, se } = sampledAcceptedLength(tree, dists, createRng(99, tree.size), 30_000);
      expect(Math.abs(mean - value), `${strategy.name}: sampled ${mean} ± ${se}, Σ P(v) = ${value}`).toBeLessThan(4 * se);
    }
  });

  it("the oracle tree's Σ P(v) is at least every other strategy's, for random models and budgets", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), async (V, P, s1, s2) => {
        const verifier = randomTableModel(V, s1);
        const drafter = randomTableModel(V, s2, { peak: 1 });
        const strategies = await allStrategies(verifier, drafter);
        const oracle = await scored(strategies[0]!, verifier, drafter, P);
        for (const s of strategies.slice(1)) {
          const other = await scored(s, verifier, drafter, P);
          expect(oracle.value, s.name).toBeGreaterThanOrEqual(other.value - 1e-12);
        }
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('the chain under the i.i.d. (0.6, 0.4) model gives 1 + .6 + .36 + .216 for P = 4', async () => {
    const m = twoTokenModel(0.6);
    const { tree, value } = await scored(chainStrategy(), m, m, 4);
    expect(toRankPaths(tree)).toEqual([[0], [0, 0], [0, 0, 0]]);
    expect(value).toBeCloseTo(2.176, 14);
  });

  it('static trees equal the oracle on an i.i.d. model whose acceptance vector is its own distribution', async () => {
    // For i.i.d. p = (.6, .4) with drafter = verifier, a = (.6, .4) exactly, so the positional model is
    // the true token tree and Sequoia/Medusa find Lemma 1's optimum: E[X*](7) = 3.056 (by hand, see
    // optimal-tree.test.ts).
    const m = twoTokenModel(0.6);
    for (const name of ['sequoia', 'medusa'] as const) {
      const { value } = await scored(createStrategy(name, { acceptance: [0.6, 0.4] }), m, m, 7);
      expect(value, name).toBeCloseTo(3.056, 12);
    }
  });

  it('q-greedy equals the oracle when drafter and verifier are the same model', async () => {
    const m = randomTableModel(4, 5);
    const oracle = await scored(createStrategy('oracle'), m, m, 30);
    const q = await scored(createStrategy('q-greedy'), m, m, 30);
    expect(toRankPaths(q.tree)).toEqual(toRankPaths(oracle.tree));
    expect(q.value).toBeCloseTo(oracle.value, 14);
  });

  it('EAGLE with top_k >= P - 1 and P - 1 layers keeps the q-greedy tree (its candidates contain the top P - 1 nodes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.nat(), async (V, P, seed) => {
        const drafter = randomTableModel(V, seed);
        const eagle = await eagleStrategy({ topK: Math.max(1, P - 1), depth: Math.max(0, P - 2) }).build({ drafter: await openTreeSession(drafter, []), budget: P });
        const greedy = await buildOptimalTree(await openTreeSession(drafter, []), P);
        expect(Array.from(eagle.score)).toEqual(Array.from(greedy.tree.score));
        expect(toBreadthFirstRankPaths(eagle)).toEqual(toBreadthFirstRankPaths(greedy.tree));
      }),
      { numRuns: 40, seed: 12 },
    );
  });

  it('EAGLE with top_k = 1 is the greedy chain', async () => {
    const drafter = randomTableModel(5, 8);
    // depth 8 = 9 layers of one token each.
    const eagle = await eagleStrategy({ topK: 1, depth: 8 }).build({ drafter: await openTreeSession(drafter, []), budget: 10 });
    const chain = await chainStrategy().build({ drafter: await openTreeSession(drafter, []), budget: 10 });
    expect(Array.from(eagle.token)).toEqual(Array.from(chain.token));
  });

  it('EAGLE rejects a (depth, top_k) that cannot hold P - 1 tokens, and raises the default depth when needed', async () => {
    const drafter = randomTableModel(50, 1);
    const session = await openTreeSession(drafter, []);
    // depth 1, top_k 3: at most 3 + 1·9 = 12 drafted tokens.
    await expect(eagleStrategy({ depth: 1, topK: 3 }).build({ drafter: session, budget: 14 })).rejects.toThrow(/at most 12 drafted tokens/);
    const t = await eagleStrategy({ topK: 2 }).build({ drafter: session, budget: 40 });
    expect(t.size).toBe(40);
  });

  it('createStrategy rejects unknown names and static strategies without an acceptance vector', () => {
    expect(() => createStrategy('beam')).toThrow(/expected one of oracle, q-greedy/);
    expect(() => createStrategy('sequoia')).toThrow(/acceptance/);
  });
});
