import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { sampleToken } from '../../src/distribution/sample-token.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { fromRankPaths } from '../../src/tree/rank-paths.js';
import {
  ancestralAcceptedLength,
  ancestralAcceptedLengths,
  expectedAcceptedLength,
  pathProbabilities,
  sampledAcceptedLength,
  sampleVerifiedLength,
  verifierDistributions,
  type NodeDistributions,
} from '../../src/tree/verification.js';
import { buildOptimalTree } from '../../src/tree/optimal-tree.js';
import { createDraftTree } from '../../src/tree/draft-tree.js';
import { dense, randomTableModel, twoTokenModel } from './fake-models.js';

describe('expectedAcceptedLength(tree, verifier)', () => {
  it('sums the verifier path probabilities: chain [0,0] under (0.6, 0.4) is 1 + .6 + .36', () => {
    // Rank paths with token = rank: tokens 0, 0. Two-token i.i.d. verifier p = (0.6, 0.4).
    const tree = fromRankPaths([[0], [0, 0]]);
    const d = dense([0.6, 0.4]);
    const dists: NodeDistributions = [d, d, undefined];
    expect(expectedAcceptedLength(tree, dists)).toBeCloseTo(1.96, 14);
    expect(Array.from(pathProbabilities(tree, dists))).toEqual([1, 0.6, expect.closeTo(0.36, 15)]);
  });

  it('counts a drafted token the sparse verifier does not list as probability 0 (a lower bound)', () => {
    // Verifier lists token 0 (p = .5) only; tail mass .5 over unknown tokens. Tree drafts 0 and 1.
    const sparse = { kind: 'sparse' as const, vocabSize: 4, ids: Int32Array.of(0), logProbs: Float64Array.of(Math.log(0.5)), tailMass: 0.5 };
    const tree = createDraftTree([
      { parent: 0, token: 0, rank: 0 },
      { parent: 0, token: 1, rank: 1 },
    ]);
    expect(expectedAcceptedLength(tree, [sparse, undefined, undefined])).toBeCloseTo(1.5, 15);
  });
});

describe('sampleVerifiedLength(tree, verifier, rng)', () => {
  it('has mean Σ P(v) on the optimal tree of a path-dependent model (within 4 standard errors)', async () => {
    const model = randomTableModel(5, 3);
    const session = await openTreeSession(model, []);
    const { tree, expectedAcceptedLengths } = await buildOptimalTree(session, 40);
    const dists = await verifierDistributions(tree, await openTreeSession(model, []));
    const exact = expectedAcceptedLength(tree, dists);
    expect(exact).toBeCloseTo(expectedAcceptedLengths[39]!, 12);
    const { mean, se } = sampledAcceptedLength(tree, dists, createRng(7), 40_000);
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
  });

  it('returns depth + 1 of the deepest accepted node: always 3 for a chain the verifier surely accepts', () => {
    const tree = fromRankPaths([[0], [0, 0]]);
    const d = dense([1, 0]);
    const rng = createRng(1);
    for (let i = 0; i < 20; i++) expect(sampleVerifiedLength(tree, [d, d, undefined], rng)).toBe(3);
  });

  it('stops at the root (X = 1) when the verifier never proposes the drafted tokens', () => {
    const tree = fromRankPaths([[1]]);
    const d = dense([1, 0]);
    expect(sampleVerifiedLength(tree, [d, undefined], createRng(2))).toBe(1);
  });
});

describe('ancestralAcceptedLength(tree, continuation)', () => {
  it('is 1 + the longest prefix of the continuation that is a tree path', () => {
    const tree = fromRankPaths([[0], [0, 0], [1], [0, 1]]);
    expect(ancestralAcceptedLength(tree, [0, 1, 0])).toBe(3);
    expect(ancestralAcceptedLength(tree, [0, 0, 0])).toBe(3);
    expect(ancestralAcceptedLength(tree, [1, 1])).toBe(2);
    expect(ancestralAcceptedLength(tree, [2, 0])).toBe(1);
    expect(ancestralAcceptedLength(tree, [])).toBe(1);
  });

  it('averages to Σ P(v) over continuations sampled from the verifier (the no-extra-cost estimate)', async () => {
    // Two-token (0.7, 0.3) verifier; the optimal tree of 12 nodes; continuations of length 12
    // drawn token by token from the verifier itself.
    const model = twoTokenModel(0.7);
    const { tree, expectedAcceptedLengths } = await buildOptimalTree(await openTreeSession(model, []), 12);
    const rng = createRng(5);
    const d = dense([0.7, 0.3]);
    const n = 40_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const cont = Array.from({ length: 12 }, () => sampleToken(d, rng));
      const x = ancestralAcceptedLength(tree, cont);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    expect(Math.abs(mean - expectedAcceptedLengths[11]!)).toBeLessThan(4 * se);
  });
});

describe('ancestralAcceptedLengths(trees, sampled)', () => {
  it('walks each position\'s tree along the rest of the sample and flags positions the sample ends too early for', () => {
    // The same tree at every position: paths [0], [0,0], [1]. Sample 0 0 1 0.
    // t=0: 0,0 then 1 is not below [0,0] → X = 3. t=1: 0 then 1 not below [0] → X = 2.
    // t=2: 1 then leaf → X = 2. t=3: 0 then the sample ends while [0] has a child → X = 2, censored.
    const tree = fromRankPaths([[0], [0, 0], [1]]);
    const { lengths, censored } = ancestralAcceptedLengths([tree, tree, tree, tree], [0, 0, 1, 0]);
    expect(Array.from(lengths)).toEqual([3, 2, 2, 2]);
    expect(Array.from(censored)).toEqual([0, 0, 0, 1]);
  });
});

describe('ancestral estimate on a path-dependent model', () => {
  it('averages to the mean of Σ P(v) over the same positions (q-greedy trees of a different drafter)', async () => {
    // At each of 400 positions (after a prefix sampled from the verifier) the drafter builds its
    // q-greedy tree; the verifier's continuation is then sampled. E[X_t | prefix] = Σ P(v) of that
    // tree, so the two means differ only by Monte Carlo noise.
    const verifier = randomTableModel(4, 31);
    const drafter = randomTableModel(4, 32, { peak: 1 });
    const rng = createRng(17);
    const sampleNext = (prefix: number[]) => sampleToken(dense([...verifier.conditional(prefix)]), rng);
    const n = 400;
    let diffSum = 0;
    let diffSq = 0;
    for (let i = 0; i < n; i++) {
      const prefix: number[] = [];
      for (let k = 0; k < 3; k++) prefix.push(sampleNext(prefix));
      const { tree } = await buildOptimalTree(await openTreeSession(drafter, prefix), 8);
      const exact = expectedAcceptedLength(tree, await verifierDistributions(tree, await openTreeSession(verifier, prefix)));
      const continuation: number[] = [];
      for (let k = 0; k < 8; k++) continuation.push(sampleNext([...prefix, ...continuation]));
      const d = ancestralAcceptedLength(tree, continuation) - exact;
      diffSum += d;
      diffSq += d * d;
    }
    const mean = diffSum / n;
    const se = Math.sqrt((diffSq / n - mean * mean) / (n - 1));
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(mean)).toBeLessThan(4 * se);
  });
});

describe('verifierDistributions(tree, session)', () => {
  it('asks the verifier once per tree level, for internal nodes only', async () => {
    const model = twoTokenModel(0.5);
    const session = await openTreeSession(model, []);
    const before = model.stats.prefixes;
    // Internal nodes: root, [0], [0,0]; leaves [1], [0,1], [0,0,0].
    const tree = fromRankPaths([[0], [1], [0, 0], [0, 1], [0, 0, 0]]);
    const dists = await verifierDistributions(tree, session);
    expect(model.stats.prefixes - before).toBe(2);
    expect(dists.map((d) => d !== undefined)).toEqual([true, true, false, true, false, false]);
    // Σ P(v) = 1 + .5 + .5 + .25 + .25 + .125.
    expect(expectedAcceptedLength(tree, dists)).toBeCloseTo(2.625, 15);
  });
});
