import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { BestFirstEnumerator } from '../../src/sim/best-first-enumerator.js';
import { simulateIid } from '../../src/sim/simulate-iid.js';
import { zipfLaw } from '../../src/sim/zipf-law.js';
import { dirichletLaw } from '../../src/sim/dirichlet-law.js';
import { noisyDrafterLaw } from '../../src/sim/noisy-drafter-law.js';
import { lawTreeSession } from '../../src/tree/law-session.js';
import { buildOptimalTree } from '../../src/tree/optimal-tree.js';
import { expectedAcceptedLength, verifierDistributions } from '../../src/tree/verification.js';
import { toRankPaths } from '../../src/tree/rank-paths.js';
import type { TokenDistribution } from '../../src/distribution/distribution.js';

const probs = (d: TokenDistribution) => (d.kind === 'sparse' ? Array.from(d.logProbs, Math.exp) : []);

describe('lawTreeSession(law, {seed, maxChildren})', () => {
  it('gives each node the same distribution whatever order nodes are requested in', async () => {
    const law = dirichletLaw(0.5, 20);
    const a = lawTreeSession(law, { seed: 9, maxChildren: 8 });
    const b = lawTreeSession(law, { seed: 9, maxChildren: 8 });
    expect(probs(a.root)).toEqual(probs(b.root));
    const [a1, a2] = await a.expand([{ parent: 0, token: 1 }, { parent: 0, token: 3 }]);
    const [b2, b1] = await b.expand([{ parent: 0, token: 3 }, { parent: 0, token: 1 }]);
    expect(probs(a1!.distribution)).toEqual(probs(b1!.distribution));
    expect(probs(a2!.distribution)).toEqual(probs(b2!.distribution));
    expect(probs(a1!.distribution)).not.toEqual(probs(a2!.distribution));
    const other = lawTreeSession(law, { seed: 10, maxChildren: 8 });
    expect(probs(other.root)).not.toEqual(probs(a.root));
  });

  it("reproduces the sim enumerator's exact E[X*](P) on the deterministic Zipf(1.2, 50) law", async () => {
    // Independent computation: sim/'s typed-array enumerator on the same law.
    const law = zipfLaw(1.2, 50);
    const P = 200;
    const reference = new Float64Array(P);
    new BestFirstEnumerator(P).run(law.createSampler(P - 1), createRng(1), reference);
    const { expectedAcceptedLengths } = await buildOptimalTree(lawTreeSession(law, { seed: 1, maxChildren: P - 1 }), P);
    for (let i = 0; i < P; i++) expect(expectedAcceptedLengths[i]).toBeCloseTo(reference[i]!, 10);
  });

  it('gives the rank-path tree [[0],[0,0],[1]] for Zipf(1, 2) at P = 4 (p = 2/3, 1/3 by hand)', async () => {
    // P(v): [0] 2/3, [0,0] 4/9, [1] 1/3, [0,0,0] 8/27 ≈ .296 < 1/3.
    const { tree, expectedAcceptedLengths } = await buildOptimalTree(lawTreeSession(zipfLaw(1, 2), { seed: 1, maxChildren: 3 }), 4);
    expect(toRankPaths(tree)).toEqual([[0], [0, 0], [1]]);
    expect(expectedAcceptedLengths[3]).toBeCloseTo(1 + 2 / 3 + 4 / 9 + 1 / 3, 14);
  });

  it('averages over seeds to the simulator mean on a random law (Dirichlet(0.3, 12), P = 32)', async () => {
    const law = dirichletLaw(0.3, 12);
    const P = 32;
    const trees = 200;
    let sum = 0;
    let sumSq = 0;
    for (let s = 0; s < trees; s++) {
      const { expectedAcceptedLengths } = await buildOptimalTree(lawTreeSession(law, { seed: 1000 + s, maxChildren: P - 1 }), P);
      const x = expectedAcceptedLengths[P - 1]!;
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / trees;
    const se = Math.sqrt((sumSq / trees - mean * mean) / (trees - 1));
    const sim = await simulateIid({ law, maxNodes: P, trees: 1000, workers: 1, seed: 3 });
    const row = sim.rows[P - 1]!;
    expect(Math.abs(mean - row.mean)).toBeLessThan(4 * Math.hypot(se, row.se));
  });

  it('with a drafter law, the q-greedy tree scored under the verifier view matches the simulator (Lemma 7 setting)', async () => {
    const law = noisyDrafterLaw(dirichletLaw(0.3, 12), { noise: 1, estimateSamples: 1000 });
    const P = 16;
    const trees = 200;
    let sum = 0;
    let sumSq = 0;
    for (let s = 0; s < trees; s++) {
      const drafter = lawTreeSession(law, { seed: 5000 + s, maxChildren: P - 1, view: 'drafter' });
      const verifier = lawTreeSession(law, { seed: 5000 + s, maxChildren: P - 1, view: 'verifier' });
      const { tree } = await buildOptimalTree(drafter, P);
      const x = expectedAcceptedLength(tree, await verifierDistributions(tree, verifier));
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / trees;
    const se = Math.sqrt((sumSq / trees - mean * mean) / (trees - 1));
    const sim = await simulateIid({ law, maxNodes: P, trees: 1000, workers: 1, seed: 4 });
    const row = sim.rows[P - 1]!;
    expect(Math.abs(mean - row.mean)).toBeLessThan(4 * Math.hypot(se, row.se));
  });
});

describe('drafting strategies on a simulated (p, q) law', () => {
  it('every strategy: exactly P nodes, Σ P(v) = sampled verification, and the oracle is best', async () => {
    const { FIXED_BUDGET_STRATEGY_NAMES, createStrategy } = await import('../../src/tree/strategies/index.js');
    const { lawPositionalAcceptance } = await import('../../src/tree/law-session.js');
    const { sampledAcceptedLength } = await import('../../src/tree/verification.js');
    const law = noisyDrafterLaw(dirichletLaw(0.2, 40), { noise: 0.7, estimateSamples: 1000 });
    const P = 40;
    const acceptance = Array.from(lawPositionalAcceptance(law, 8, 4000, 1));
    const values = new Map<string, number>();
    for (const name of FIXED_BUDGET_STRATEGY_NAMES) {
      const session = (view: 'drafter' | 'verifier') => lawTreeSession(law, { seed: 77, maxChildren: P - 1, view });
      const tree = await createStrategy(name, { acceptance, topK: 4 }).build({ drafter: session('drafter'), verifier: session('verifier'), budget: P });
      expect(tree.size, name).toBe(P);
      const dists = await verifierDistributions(tree, session('verifier'));
      const value = expectedAcceptedLength(tree, dists);
      const { mean, se } = sampledAcceptedLength(tree, dists, createRng(3, name.length), 20_000);
      expect(Math.abs(mean - value), name).toBeLessThan(4 * se + 1e-12);
      values.set(name, value);
    }
    for (const [name, v] of values) expect(values.get('oracle')!, name).toBeGreaterThanOrEqual(v - 1e-12);
    // The drafter is noisy, so q-greedy loses something against the oracle.
    expect(values.get('q-greedy')!).toBeLessThan(values.get('oracle')!);
  });
});
