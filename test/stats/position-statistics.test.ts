import { createRng } from '../../src/core/rng.js';
import { crossEntropyTerms } from '../../src/distribution/cross-entropy.js';
import { entropyInterval, secondLogMomentInterval } from '../../src/distribution/moments.js';
import { describe, expect, it } from 'vitest';
import { fromLogits, fromTopLogprobs } from '../../src/distribution/index.js';
import { positionStatistics, PositionStatisticsSchema } from '../../src/stats/position-statistics.js';
import { StatsAccumulator } from '../../src/stats/stats-accumulator.js';

describe('positionStatistics(p, q): the one per-position estimator', () => {
  it('uniform over 4 tokens: H = ln 4, Σ p (ln p)² = ln² 4 (hand), points, no tail', () => {
    const s = positionStatistics(fromLogits(new Float64Array(4)));
    expect(s.entropy).toBeCloseTo(Math.log(4), 14);
    expect(s.entropyHigh).toBe(s.entropy);
    expect(s.secondLogMoment).toBeCloseTo(Math.log(4) ** 2, 14);
    expect(s.tailMass).toBe(0);
    expect(s.crossEntropy).toBeUndefined();
  });

  it('with q: μ_CE term −Σ_{q>0} p ln q / Σ_{q>0} p and π₀ term Σ p·1(q = 0) (hand: p = (½, ½, 0), q = (1, 0, 0) → 0 and ½)', () => {
    const p = fromLogits(Float64Array.from([0, 0, -Infinity]));
    const q = fromLogits(Float64Array.from([0, -Infinity, -Infinity]));
    const s = positionStatistics(p, q);
    expect(s.crossEntropy).toBeCloseTo(0, 14);
    expect(s.missingMass).toBeCloseTo(0.5, 14);
    // q covering none of p: the cross-entropy is undefined, stored as null (JSON-safe), not NaN.
    const disjoint = positionStatistics(fromLogits(Float64Array.from([-Infinity, 0, -Infinity])), q);
    expect(disjoint.crossEntropy).toBeNull();
    expect(disjoint.missingMass).toBeCloseTo(1, 14);
    expect(PositionStatisticsSchema.parse(JSON.parse(JSON.stringify(disjoint)))).toEqual(disjoint);
  });

  it('top-k p gives an interval [concentrated, spread] and its tail mass', () => {
    const s = positionStatistics(fromTopLogprobs(100, [0, 1], [Math.log(0.5), Math.log(0.3)]));
    expect(s.tailMass).toBeCloseTo(0.2, 12);
    expect(s.entropyHigh).toBeGreaterThan(s.entropy);
    expect(s.secondLogMomentHigh).toBeGreaterThan(s.secondLogMoment);
  });

  it('StatsAccumulator.add is addTerms of positionStatistics: identical summaries', () => {
    const ps = [[0, 1, 2], [3, 0, -1], [1, 1, 1], [0, -2, 5]].map((l) => fromLogits(Float64Array.from(l)));
    const qs = [[1, 0, 0], [0, 0, 0], [2, 1, 0], [0, 0, 9]].map((l) => fromLogits(Float64Array.from(l)));
    const a = new StatsAccumulator();
    const b = new StatsAccumulator();
    ps.forEach((p, i) => {
      a.add({ sequence: i % 2 }, p, qs[i]);
      b.addTerms({ sequence: i % 2 }, positionStatistics(p, qs[i]));
    });
    expect(a.summary()).toEqual(b.summary());
  });
});

describe('positionStatistics on complete distributions: the one-pass path', () => {
  it('equals entropyInterval, secondLogMomentInterval and crossEntropyTerms to the bit', () => {
    const rng = createRng(17);
    for (const V of [2, 17, 5000]) {
      const logits = (impossible: number) => Float64Array.from({ length: V }, (_, i) => (i % impossible === 3 ? -Infinity : 4 * Math.log(Math.max(rng.next(), 1e-300))));
      const p = fromLogits(logits(7));
      const q = fromLogits(logits(5));
      const [h] = entropyInterval(p);
      const [m2] = secondLogMomentInterval(p);
      const ce = crossEntropyTerms(p, q);
      expect(positionStatistics(p)).toEqual({ entropy: h, entropyHigh: h, secondLogMoment: m2, secondLogMomentHigh: m2, tailMass: 0 });
      const both = positionStatistics(p, q);
      expect(both.entropy).toBe(h);
      expect(both.secondLogMoment).toBe(m2);
      expect(both.crossEntropy).toBe(ce.crossEntropy);
      expect(both.missingMass).toBe(ce.missingMass);
      // q covering none of p: the cross-entropy is undefined (null)
      if (V > 7) {
        const disjoint = fromLogits(Float64Array.from({ length: V }, (_, i) => (Number.isFinite(p.kind === 'dense' ? p.logProbs[i]! : 0) ? -Infinity : 0)));
        expect(positionStatistics(p, disjoint).crossEntropy).toBeNull();
      }
    }
  });
});
