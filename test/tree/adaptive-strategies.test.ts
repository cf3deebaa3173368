import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { entropy } from '../../src/distribution/moments.js';
import type { LanguageModel } from '../../src/models/model.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { firstNodes, tokenPath } from '../../src/tree/draft-tree.js';
import { buildOptimalTree } from '../../src/tree/optimal-tree.js';
import {
  chainStrategy, confidenceBudget, confidenceStrategy, costAwareBudget, costAwareStrategy, createStrategy, entropyGateBudget, entropyGateStrategy,
} from '../../src/tree/strategies/index.js';
import type { DraftingStrategy } from '../../src/tree/strategy.js';
import { expectedAcceptedLength, sampledAcceptedLength, verifierDistributions } from '../../src/tree/verification.js';
import { dense, randomTableModel, tableModel } from './fake-models.js';

async function build(strategy: DraftingStrategy, drafter: LanguageModel, budget: number) {
  return strategy.build({ drafter: await openTreeSession(drafter, []), budget });
}

describe('adaptive budget rules (pure)', () => {
  it('confidence: leading nodes with Q >= threshold; entropy gate: stop at the first node above the threshold; cost-aware: argmax', () => {
    const Q = [1, 0.6, 0.3, 0.3, 0.1];
    expect(confidenceBudget(Q, 0.3)).toBe(4);
    expect(confidenceBudget(Q, 0.31)).toBe(2);
    expect(confidenceBudget(Q, 0.01)).toBe(5);
    expect(confidenceBudget(Q, 0.01, 3)).toBe(3);
    expect(confidenceBudget(Q, 2)).toBe(1);
    // H at chain nodes 0, 1, 2: the chain drafts from nodes 0 and 1 (H <= 1) and stops at node 2.
    expect(entropyGateBudget([0.2, 1, 1.5, 0.1], 1, 10)).toBe(3);
    expect(entropyGateBudget([0.2, 1, 1.5, 0.1], 1, 2)).toBe(2);
    expect(entropyGateBudget([1.2], 1, 10)).toBe(1);
    // cumQ = 1, 1.6, 1.9, 2.2, 2.3; T = 1 + 0.5(P − 1); λ = 0.5: values 0.5, 0.85, 0.9, 0.95, 0.8 → P = 4.
    const cumQ = [1, 1.6, 1.9, 2.2, 2.3];
    const T = [1, 1.5, 2, 2.5, 3];
    expect(costAwareBudget(cumQ, T, 0.5)).toBe(4);
    expect(costAwareBudget(cumQ, T, 0)).toBe(5);
    expect(costAwareBudget(cumQ, T, 10)).toBe(1);
  });
});

describe('adaptive drafting strategies on models', () => {
  it('confidence = the q-greedy nodes with Q(v) >= threshold; cost-aware = the q-greedy tree cut by its rule (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 30 }), fc.nat(), fc.double({ min: 0.001, max: 1, noNaN: true }), async (V, P, seed, tau) => {
        const drafter = randomTableModel(V, seed, { peak: 1 });
        const q = await buildOptimalTree(await openTreeSession(drafter, []), P);
        const conf = await build(confidenceStrategy({ threshold: tau }), drafter, P);
        const want = confidenceBudget(q.pathProbabilities, tau);
        expect(conf.size).toBe(want);
        expect(Array.from(conf.token)).toEqual(Array.from(firstNodes(q.tree, want).token));
        const costs = Array.from({ length: P }, (_, i) => 1 + 0.1 * i);
        const cost = await build(costAwareStrategy({ lambda: tau * 3, costs }), drafter, P);
        expect(cost.size).toBe(costAwareBudget(q.expectedAcceptedLengths, costs, tau * 3));
        expect(Array.from(cost.parent)).toEqual(Array.from(q.tree.parent.slice(0, cost.size)));
      }),
      { numRuns: 60, seed: 16 },
    );
  });

  it("entropy gate: the drafter's chain, cut where H(q) first exceeds the threshold (hand-built model)", async () => {
    // After [] and [0]: q = (0.9, 0.1), H = 0.325 nats; after [0, 0]: q = (0.5, 0.5), H = ln 2 = 0.693.
    const probs = (prefix: readonly number[]) => (prefix.length >= 2 ? [0.5, 0.5] : [0.9, 0.1]);
    const drafter = tableModel(2, probs);
    expect(entropy(dense([0.9, 0.1]))).toBeCloseTo(0.3251, 4);
    const at = async (h: number) => (await build(entropyGateStrategy({ threshold: h }), drafter, 10)).size;
    expect(await at(0.3)).toBe(1);
    expect(await at(0.5)).toBe(3); // drafts from the root and node 1, stops at node 2 (H = ln 2)
    expect(await at(0.7)).toBe(10); // every node is below the gate: the cap P
    const chain = await build(chainStrategy(), drafter, 10);
    const gated = await build(entropyGateStrategy({ threshold: 0.5 }), drafter, 10);
    expect(tokenPath(gated, gated.size - 1)).toEqual(tokenPath(chain, 2));
  });

  it('adaptive trees are scored like every drafter: Σ P(v) matches sampled verification, and never beats the oracle of the same size', async () => {
    const verifier = randomTableModel(4, 31);
    const drafter = randomTableModel(4, 32, { peak: 1 });
    const costs = Array.from({ length: 40 }, (_, i) => 1 + 0.05 * i);
    for (const name of ['confidence', 'entropy-gate', 'cost-aware']) {
      const strategy = createStrategy(name, { threshold: name === 'entropy-gate' ? 1.2 : 0.05, costs });
      const tree = await build(strategy, drafter, 40);
      expect(tree.size, name).toBeGreaterThan(1);
      expect(tree.size, name).toBeLessThanOrEqual(40);
      const dists = await verifierDistributions(tree, await openTreeSession(verifier, []));
      const value = expectedAcceptedLength(tree, dists);
      const { mean, se } = sampledAcceptedLength(tree, dists, createRng(7, name.length), 20_000);
      expect(Math.abs(mean - value), name).toBeLessThan(4 * se);
      const oracle = await buildOptimalTree(await openTreeSession(verifier, []), tree.size);
      expect(oracle.expectedAcceptedLengths.at(-1)!, name).toBeGreaterThanOrEqual(value - 1e-12);
    }
  });

  it('bad thresholds and a cost-aware strategy without T(P) are one-line errors', () => {
    expect(() => createStrategy('confidence', { threshold: 1.5 })).toThrow(/threshold.*1\.5/);
    expect(() => createStrategy('entropy-gate', { threshold: -1 })).toThrow(/threshold/);
    expect(() => createStrategy('cost-aware', {})).toThrow(/latency curve/);
  });
});
