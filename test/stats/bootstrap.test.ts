import { describe, expect, it } from 'vitest';
import { bootstrapRatioIntervals, bootstrapWeightedIntervals, quantileSorted } from '../../src/stats/index.js';
import { createRng } from '../../src/core/rng.js';

describe('quantileSorted(sorted, q)', () => {
  it('interpolates like R quantile(type = 7): quantile(1:4, c(0, .5, .25, 1)) = 1, 2.5, 1.75, 4', () => {
    const x = Float64Array.of(1, 2, 3, 4);
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 0.5)).toBe(2.5);
    expect(quantileSorted(x, 0.25)).toBe(1.75);
    expect(quantileSorted(x, 1)).toBe(4);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('bootstrapRatioIntervals(columns, rng, resamples)', () => {
  it('one sequence gives the point estimate', () => {
    const ci = bootstrapRatioIntervals([{ numerators: Float64Array.of(3), denominators: Float64Array.of(2) }], createRng(1));
    expect(ci).toEqual([[1.5, 1.5]]);
  });

  it('the interval of a mean of 0/1 sequences is close to the normal-theory interval', () => {
    // 400 sequences of one position, half 1 and half 0: mean 0.5, se = 0.5/√400 = 0.025, so the
    // 95% interval is ≈ 0.5 ± 1.96·0.025 = [0.451, 0.549] (normal approximation).
    const n = 400;
    const num = Float64Array.from({ length: n }, (_, i) => i % 2);
    const den = new Float64Array(n).fill(1);
    const [ci] = bootstrapRatioIntervals([{ numerators: num, denominators: den }], createRng(9), 4000);
    expect(ci![0]).toBeCloseTo(0.451, 2);
    expect(ci![1]).toBeCloseTo(0.549, 2);
  });
});

describe('bootstrapWeightedIntervals(sequences, statistic, rng)', () => {
  it('with a ratio-of-sums statistic it draws the same resamples as bootstrapRatioIntervals', () => {
    const num = Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6);
    const den = Float64Array.of(2, 1, 2, 3, 2, 4, 1, 3);
    const ratio = bootstrapRatioIntervals([{ numerators: num, denominators: den }], createRng(3), 500);
    const weighted = bootstrapWeightedIntervals(
      num.length,
      (w) => {
        let a = 0;
        let b = 0;
        for (let i = 0; i < w.length; i++) {
          a += w[i]! * num[i]!;
          b += w[i]! * den[i]!;
        }
        return [a / b];
      },
      createRng(3),
      500,
    );
    expect(weighted).toEqual(ratio);
  });
});
