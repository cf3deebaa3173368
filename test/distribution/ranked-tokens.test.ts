import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromLogits, fromTopLogprobs, rankedTokens } from '../../src/distribution/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';

describe('rankedTokens(d, k)', () => {
  it('rankedTokens returns the k most probable in decreasing order', () => {
    const d = fromLogits(new Float64Array([0, 2, 1, 3]));
    const r = rankedTokens(d, 2);
    expect(Array.from(r.ids)).toEqual([3, 1]);
    const z = 1 + Math.E + Math.E ** 2 + Math.E ** 3;
    expect(r.probs[0]).toBeCloseTo(Math.E ** 3 / z, 14);
    expect(r.probs[1]).toBeCloseTo(Math.E ** 2 / z, 14);
  });

  it('rankedTokens breaks ties by the smaller id, also across the selection threshold', () => {
    const d = fromLogits(new Float64Array([1, 5, 5, 1, 5, 0]));
    expect(Array.from(rankedTokens(d, 2).ids)).toEqual([1, 2]);
    expect(Array.from(rankedTokens(d, 5).ids)).toEqual([1, 2, 4, 0, 3]);
  });

  it('rankedTokens never returns tokens of probability 0', () => {
    const d: DenseDistribution = { kind: 'dense', logProbs: new Float64Array([-Infinity, 0, -Infinity]) };
    expect(Array.from(rankedTokens(d, 3).ids)).toEqual([1]);
  });

  it('rankedTokens of a sparse distribution returns at most the listed ids', () => {
    const d = fromTopLogprobs(100, [5, 9], [Math.log(0.2), Math.log(0.5)]);
    const r = rankedTokens(d, 10);
    expect(Array.from(r.ids)).toEqual([9, 5]);
    expect(r.probs[0]).toBeCloseTo(0.5, 15);
    expect(rankedTokens(d, 1).ids.length).toBe(1);
  });

  it('rankedTokens agrees with a full sort on random logits with many ties (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 300 }), fc.nat(320), (ints, k) => {
        const logits = new Float64Array(ints);
        const d = fromLogits(logits);
        const expected = ints
          .map((v, i) => [v, i] as const)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, k)
          .map((x) => x[1]);
        expect(Array.from(rankedTokens(d, k).ids)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
