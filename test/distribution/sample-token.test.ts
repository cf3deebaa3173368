import { describe, expect, it } from 'vitest';
import { fromTopLogprobs, sampleToken } from '../../src/distribution/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';
import { createRng } from '../../src/core/rng.js';

describe('sampleToken(d, rng)', () => {
  it('sampleToken frequencies match a dense law within 4 standard errors', () => {
    const probs = [0.5, 0.3, 0, 0.2];
    const d: DenseDistribution = { kind: 'dense', logProbs: Float64Array.from(probs.map(Math.log)) };
    const rng = createRng(42);
    const n = 40_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleToken(d, rng)]!++;
    probs.forEach((p, i) => {
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(counts[i]! / n - p)).toBeLessThanOrEqual(4 * se + 1e-12);
    });
  });

  it('sampleToken is reproducible from the seed', () => {
    const d: DenseDistribution = { kind: 'dense', logProbs: Float64Array.from([0.1, 0.2, 0.7].map(Math.log)) };
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 50; i++) expect(sampleToken(d, a)).toBe(sampleToken(d, b));
  });

  it('sampleToken of a sparse law lands on unlisted ids with the tail mass', () => {
    const d = fromTopLogprobs(1000, [3], [Math.log(0.9)]);
    const rng = createRng(3);
    let tail = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const t = sampleToken(d, rng);
      expect(t >= 0 && t < 1000).toBe(true);
      if (t !== 3) tail++;
    }
    expect(Math.abs(tail / n - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / n));
  });
});
