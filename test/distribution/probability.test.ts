import { describe, expect, it } from 'vitest';
import { fromLogits, fromTopLogprobs, logProbabilityOf, probabilityOf } from '../../src/distribution/index.js';

describe('probabilityOf(d, tokenId)', () => {
  it('probabilityOf a dense distribution is exp(logProb)', () => {
    const d = fromLogits(new Float64Array([0, Math.log(3)]));
    expect(probabilityOf(d, 1)).toBeCloseTo(0.75, 15);
    expect(probabilityOf(d, 2)).toBe(0);
    expect(logProbabilityOf(d, 0)).toBeCloseTo(Math.log(0.25), 15);
  });

  it('probabilityOf a sparse distribution: listed ids exact, unlisted NaN (unknown) unless the tail is 0', () => {
    const d = fromTopLogprobs(10, [2, 7], [Math.log(0.6), Math.log(0.3)]);
    expect(probabilityOf(d, 7)).toBeCloseTo(0.3, 15);
    expect(probabilityOf(d, 0)).toBeNaN();
    expect(probabilityOf(d, 10)).toBe(0);
    const full = fromTopLogprobs(10, [2, 7], [Math.log(0.75), Math.log(0.25)]);
    expect(probabilityOf(full, 0)).toBe(0);
    expect(logProbabilityOf(full, 0)).toBe(-Infinity);
  });
});

describe('fromTopLogprobs(vocabSize, ids, logProbs)', () => {
  it('sorts by decreasing probability with ties by smaller id and sets the tail mass', () => {
    const d = fromTopLogprobs(10, [5, 3, 1], [Math.log(0.2), Math.log(0.5), Math.log(0.2)]);
    expect(Array.from(d.ids)).toEqual([3, 1, 5]);
    expect(d.tailMass).toBeCloseTo(0.1, 14);
  });
});
