import { describe, expect, it } from 'vitest';
import { crossEntropyTerms, entropy, fromTopLogprobs } from '../../src/distribution/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';

const dense = (probs: number[]): DenseDistribution => ({ kind: 'dense', logProbs: Float64Array.from(probs.map(Math.log)) });

describe('crossEntropyTerms(p, q)', () => {
  it('crossEntropyTerms(p, p) is the entropy of p with no missing mass', () => {
    const p = dense([0.5, 0.25, 0.25]);
    const t = crossEntropyTerms(p, p);
    expect(t.crossEntropy).toBeCloseTo(entropy(p), 14);
    expect(t.missingMass).toBe(0);
  });

  it('q = 0 on part of p: renormalised cross-entropy and the π₀ term (hand)', () => {
    const p = dense([0.5, 0.3, 0.2]);
    const q = dense([0.6, 0.4, 0]);
    const t = crossEntropyTerms(p, q);
    // −(0.5 ln 0.6 + 0.3 ln 0.4) / 0.8 and Σ p·1(q=0) = 0.2
    expect(t.crossEntropy).toBeCloseTo(-(0.5 * Math.log(0.6) + 0.3 * Math.log(0.4)) / 0.8, 14);
    expect(t.missingMass).toBeCloseTo(0.2, 15);
  });

  it('q covering none of p gives NaN cross-entropy and missing mass 1', () => {
    const t = crossEntropyTerms(dense([1, 0]), dense([0, 1]));
    expect(t.crossEntropy).toBeNaN();
    expect(t.missingMass).toBe(1);
  });

  it('sparse q: unlisted ids get 0 with no tail, the spread tail otherwise', () => {
    const p = dense([0.5, 0.3, 0.2, 0]);
    const qClosed = fromTopLogprobs(4, [0, 1], [Math.log(0.6), Math.log(0.4)]);
    expect(crossEntropyTerms(p, qClosed).missingMass).toBeCloseTo(0.2, 15);
    const qOpen = fromTopLogprobs(4, [0, 1], [Math.log(0.6), Math.log(0.2)]); // tail 0.2 over ids 2, 3
    const t = crossEntropyTerms(p, qOpen);
    expect(t.missingMass).toBe(0);
    expect(t.crossEntropy).toBeCloseTo(-(0.5 * Math.log(0.6) + 0.3 * Math.log(0.2) + 0.2 * Math.log(0.1)), 14);
  });

  it('sparse p: only its listed tokens enter', () => {
    const p = fromTopLogprobs(3, [0, 2], [Math.log(0.5), Math.log(0.3)]);
    const q = dense([0.5, 0.5, 0]);
    const t = crossEntropyTerms(p, q);
    expect(t.crossEntropy).toBeCloseTo(Math.LN2, 14);
    expect(t.missingMass).toBeCloseTo(0.3, 15);
  });
});
