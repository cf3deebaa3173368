/**
 * The C anchor of bench/sim.bench.ts (bench/reference/calibrated-enumerator.c) must compute the
 * same thing as the TypeScript simulator, or its speed says nothing about ours: for the same seed
 * it must return bit-identically the mean curve and Σ (x − mean)² of simulateChunk (same Rng
 * stream, same heap order, same rounding). Skipped, with the reason, when no C compiler works.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildCAnchor, checkCAnchor, lawTableText, timeCAnchor } from '../../bench/reference/c-anchor.js';
import { BestFirstEnumerator } from '../../src/sim/best-first-enumerator.js';
import { calibratedLaw } from '../../src/sim/calibrated-law.js';
import type { ChildLaw } from '../../src/sim/child-law.js';
import { createChildTable } from '../../src/sim/child-table.js';
import { simulateChunk } from '../../src/sim/simulate-chunk.js';
import { tableLaw } from '../../src/sim/table-law.js';

const build = buildCAnchor();
afterAll(() => {
  if ('binary' in build) build.dispose();
});
if ('skipped' in build) console.warn(`test/sim/c-anchor: skipped: ${build.skipped}`);

// Only a missing compiler skips: a compiler that rejects the file is a bug in it.
it('compiles bench/reference/calibrated-enumerator.c wherever a C compiler exists', () => {
  expect('skipped' in build && build.compileFailed ? build.skipped : 'compiled or no compiler').toBe('compiled or no compiler');
});

function typescriptChunk(law: ChildLaw, seed: number, P: number, trees: number, firstTree = 0): { mean: Float64Array; sumSquares: Float64Array } {
  const workspace = { sampler: law.createSampler(P - 1), enumerator: new BestFirstEnumerator(P), curve: new Float64Array(P) };
  return simulateChunk(workspace, seed, 0, firstTree, trees, false);
}

// Laws that take every branch of the C port: the calibrated law (2 weighted entries: linear
// search), 12 weighted entries (binary search), 3 unweighted entries (rng.int), uniform tails
// (tailCounts > 0: ties between equal siblings), and a single entry (no draws: deterministic).
const zipf = (n: number, s: number): number[] => {
  const w = Array.from({ length: n }, (_, k) => (k + 1) ** -s);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
};
const laws: [string, ChildLaw][] = [
  ['calibrated llama3.1-8b', calibratedLaw({ mu: 0.683, mu2: 2.96 })],
  ['calibrated, equal tail shares', calibratedLaw({ mu: 1.2, mu2: 5, tailExponent: 0 })],
  [
    '12 weighted entries with tails',
    tableLaw({
      table: createChildTable(Array.from({ length: 12 }, (_, d) => ({ probs: zipf(d + 1, 1).map((p) => p * 0.9), tailCount: 5 + d, tailProb: 0.1 / (5 + d) }))),
      weights: Array.from({ length: 12 }, (_, d) => d + 1),
      description: { kind: 'test' },
    }),
  ],
  ['3 unweighted entries', tableLaw({ table: createChildTable([{ probs: [0.5, 0.5] }, { probs: zipf(7, 1.5) }, { probs: [1] }]), description: { kind: 'test' } })],
  ['one entry (zipf:1:50)', tableLaw({ table: createChildTable([{ probs: zipf(50, 1) }]), description: { kind: 'test' } })],
];

describe.skipIf('skipped' in build)('C anchor (bench/reference/calibrated-enumerator.c)', () => {
  const binary = 'binary' in build ? build.binary : '';

  it.each(laws)('gives bit-identically the TypeScript chunk curve for %s', (_, law) => {
    const table = lawTableText(law);
    for (const [seed, P, trees] of [
      [1, 64, 40],
      [12345, 300, 9],
      [7, 2, 5],
      [3, 1, 2],
    ] as const) {
      const ts = typescriptChunk(law, seed, P, trees);
      const c = checkCAnchor(binary, table, seed, P, trees);
      expect(c.mean).toHaveLength(P);
      expect(c.sumSquares).toHaveLength(P);
      // Exact equality (not toBeCloseTo): the same doubles, index by index.
      expect(c.mean).toEqual(Array.from(ts.mean));
      expect(c.sumSquares).toEqual(Array.from(ts.sumSquares));
    }
  });

  it('times the same work in bench mode: chunks of 64 trees, the same final means', () => {
    const law = laws[0]![1];
    const P = 128;
    const trees = 150; // chunks of 64, 64 and 22 trees
    const timing = timeCAnchor(binary, lawTableText(law), 5, P, trees);
    let checksum = 0;
    for (let first = 0; first < trees; first += 64) {
      const workspace = { sampler: law.createSampler(P - 1), enumerator: new BestFirstEnumerator(P), curve: new Float64Array(P) };
      checksum += simulateChunk(workspace, 5, first / 64, first, Math.min(64, trees - first), false).mean[P - 1]!;
    }
    expect(timing.trees).toBe(trees);
    expect(timing.nodes).toBe(trees * P);
    expect(timing.checksum).toBe(checksum);
    expect(timing.cpuSeconds).toBeGreaterThanOrEqual(0);
  });

  it('rejects a law it does not simulate (a drafter table) instead of timing something else', () => {
    const drafter = {
      ...laws[0]![1],
      spec: { kind: 'table', table: { ...createChildTable([{ probs: [0.6, 0.4] }]), values: Float64Array.of(0.5, 0.5) }, cumulativeWeights: null, description: { kind: 'drafter' }, mu: 0, mu2: 0, exactRanks: 2 },
    } as ChildLaw;
    expect(() => lawTableText(drafter)).toThrow(/verifier-only table laws/);
  });
});
