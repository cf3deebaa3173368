import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulateIid, zipfLaw, zipfProbabilities } from '../../src/sim/index.js';
import { bruteForceOptimum } from './brute-force.js';

describe('zipfProbabilities(s, V)', () => {
  it('is proportional to 1/(k+1)^s and sums to 1', () => {
    // s = 1, V = 3: weights 1, 1/2, 1/3 with total 11/6 → 6/11, 3/11, 2/11 (hand derivation).
    const p = zipfProbabilities(1, 3);
    expect(p[0]).toBeCloseTo(6 / 11, 15);
    expect(p[1]).toBeCloseTo(3 / 11, 15);
    expect(p[2]).toBeCloseTo(2 / 11, 15);
  });
  it('rejects a negative exponent and a zero vocabulary', () => {
    expect(() => zipfProbabilities(-1, 3)).toThrow(/Zipf exponent/);
    expect(() => zipfProbabilities(1, 0)).toThrow(/vocabulary size/);
  });
});

describe('zipfLaw(s, V)', () => {
  it('has the entropy and second log-moment of its one distribution', () => {
    // V = 2, s = 1: p = (2/3, 1/3). H = ln 3 − (2/3) ln 2; M2 = (2/3) ln²(2/3) + (1/3) ln²(1/3).
    const law = zipfLaw(1, 2);
    expect(law.mu).toBeCloseTo(Math.log(3) - (2 / 3) * Math.log(2), 14);
    expect(law.mu2).toBeCloseTo((2 / 3) * Math.log(2 / 3) ** 2 + (1 / 3) * Math.log(1 / 3) ** 2, 14);
  });
});

describe('simulateIid on a Zipf law', () => {
  it('equals the brute-force top-P sums of the deterministic tree, with zero standard error', async () => {
    const probs = Array.from(zipfProbabilities(1.2, 5));
    const maxNodes = 60;
    const reference = bruteForceOptimum(probs, 7, maxNodes);
    expect(reference.smallestKept).toBeGreaterThan(reference.cutoffBound); // depth 7 was deep enough
    const result = await simulateIid({ law: zipfLaw(1.2, 5), maxNodes, trees: 3, workers: 1 });
    result.rows.forEach((row, i) => {
      expect(row.P).toBe(i + 1);
      expect(row.mean).toBeCloseTo(reference.cumulative[i]!, 12);
      expect(row.se).toBe(0);
    });
  });

  it('matches brute force for random exponents, vocabularies and budgets (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.3, max: 3, noNaN: true }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 40 }), async (s, V, maxNodes) => {
        const probs = Array.from(zipfProbabilities(s, V));
        // Deep enough that every node below the cut-off is smaller than the P-th largest kept.
        let depth = 1;
        while (Math.max(...probs) ** (depth + 1) >= 1e-300 && V ** (depth + 1) <= 40_000) depth++;
        const reference = bruteForceOptimum(probs, depth, maxNodes);
        fc.pre(reference.smallestKept > reference.cutoffBound);
        const result = await simulateIid({ law: zipfLaw(s, V), maxNodes, trees: 1, workers: 1 });
        for (let i = 0; i < maxNodes; i++) expect(result.rows[i]!.mean).toBeCloseTo(reference.cumulative[i]!, 10);
      }),
      { numRuns: 40 },
    );
  });
});
