import { describe, expect, it } from 'vitest';
import { StatsAccumulator, type AccumulatorSnapshot } from '../../src/stats/index.js';
import { StatsSummarySchema } from '../../src/stats/summary-schema.js';
import { fromLogits, fromTopLogprobs } from '../../src/distribution/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';
import { createRng } from '../../src/core/rng.js';

const dense = (probs: number[]): DenseDistribution => ({ kind: 'dense', logProbs: Float64Array.from(probs.map(Math.log)) });
const h2 = (a: number) => -(a * Math.log(a) + (1 - a) * Math.log(1 - a));
const m2 = (a: number) => a * Math.log(a) ** 2 + (1 - a) * Math.log(1 - a) ** 2;

describe('StatsAccumulator', () => {
  it('summary() of uniform-over-n positions gives μ = ln n, μ₂ = ln² n, point interval, shape of StatsSummarySchema', () => {
    const acc = new StatsAccumulator();
    const n = 50;
    for (let s = 0; s < 4; s++) for (let t = 0; t < 10; t++) acc.add({ sequence: s }, fromLogits(new Float64Array(n)));
    const sum = acc.summary();
    expect(StatsSummarySchema.parse(sum)).toEqual(sum);
    expect(Object.keys(sum).sort()).toEqual(['mu', 'mu2', 'positions', 'sequences', 'tailMass']);
    expect(sum.positions).toBe(40);
    expect(sum.sequences).toBe(4);
    expect(sum.mu.estimate).toBeCloseTo(Math.log(n), 12);
    expect(sum.mu2.estimate).toBeCloseTo(Math.log(n) ** 2, 11);
    expect(sum.mu.interval).toEqual([sum.mu.estimate, sum.mu.estimate]);
    // every sequence identical → every resample gives the same ratio
    expect(sum.mu.ci95[0]).toBeCloseTo(Math.log(n), 12);
    expect(sum.mu.ci95[1]).toBeCloseTo(Math.log(n), 12);
    expect(sum.tailMass).toBe(0);
  });

  it('summary() of two-point laws is the position-weighted mean of the hand values', () => {
    const acc = new StatsAccumulator();
    acc.add({ sequence: 'a' }, dense([0.9, 0.1]));
    acc.add({ sequence: 'a' }, dense([0.5, 0.5]));
    acc.add({ sequence: 'b' }, dense([0.99, 0.01]));
    const sum = acc.summary();
    expect(sum.mu.estimate).toBeCloseTo((h2(0.9) + Math.LN2 + h2(0.99)) / 3, 14);
    expect(sum.mu2.estimate).toBeCloseTo((m2(0.9) + Math.LN2 ** 2 + m2(0.99)) / 3, 14);
    expect(sum.mu.ci95[0]).toBeLessThanOrEqual(sum.mu.ci95[1]);
  });

  it('summary() of top-k input: interval [concentrated, spread] and mean tail mass; collapses with zero tail', () => {
    const acc = new StatsAccumulator();
    // tail 0.2 over V − 2 = 8 tokens (cap 0.3): concentrated = one token of 0.2; spread = 8 × 0.025
    acc.add({ sequence: 0 }, fromTopLogprobs(10, [0, 1], [Math.log(0.5), Math.log(0.3)]));
    acc.add({ sequence: 0 }, fromTopLogprobs(10, [0, 1], [Math.log(0.5), Math.log(0.5)]));
    const h = (t: number) => -t * Math.log(t);
    const sum = acc.summary();
    expect(sum.mu.interval[0]).toBeCloseTo((h(0.5) + h(0.3) + h(0.2) + Math.LN2) / 2, 13);
    expect(sum.mu.interval[1]).toBeCloseTo((h(0.5) + h(0.3) + 8 * h(0.025) + Math.LN2) / 2, 13);
    expect(sum.mu.estimate).toBe(sum.mu.interval[0]);
    expect(sum.tailMass).toBeCloseTo(0.1, 14);
    const closed = new StatsAccumulator();
    closed.add({ sequence: 0 }, fromTopLogprobs(1000, [3, 4], [Math.log(0.5), Math.log(0.5)]));
    const c = closed.summary();
    expect(c.mu.interval[0]).toBeCloseTo(c.mu.interval[1], 14);
    expect(c.mu2.interval[0]).toBeCloseTo(c.mu2.interval[1], 14);
  });

  it('summary() with a drafter adds μ_CE and π₀ (hand values)', () => {
    const acc = new StatsAccumulator();
    acc.add({ sequence: 0 }, dense([0.5, 0.3, 0.2]), dense([0.6, 0.4, 0]));
    acc.add({ sequence: 1 }, dense([0.5, 0.5, 0]), dense([0.5, 0.5, 0]));
    const sum = acc.summary();
    const ce1 = -(0.5 * Math.log(0.6) + 0.3 * Math.log(0.4)) / 0.8;
    expect(sum.muCE?.estimate).toBeCloseTo((ce1 + Math.LN2) / 2, 14);
    expect(sum.pi0?.estimate).toBeCloseTo(0.1, 15);
    expect(StatsSummarySchema.parse(sum)).toEqual(sum);
  });

  it('taskSummaries() splits by task label and entropyHistogram() counts positions per bin', () => {
    const acc = new StatsAccumulator({ histogramBinWidth: 0.5 });
    for (let i = 0; i < 3; i++) acc.add({ sequence: i, task: 'math' }, dense([0.5, 0.5]));
    acc.add({ sequence: 0, task: 'qa' }, dense([0.25, 0.25, 0.25, 0.25]));
    expect(acc.tasks).toEqual(['math', 'qa']);
    const t = acc.taskSummaries();
    expect(t['math']?.positions).toBe(3);
    expect(t['math']?.mu.estimate).toBeCloseTo(Math.LN2, 14);
    expect(t['qa']?.mu.estimate).toBeCloseTo(Math.log(4), 14);
    expect(acc.summary().sequences).toBe(4); // (qa, 0) and (math, 0) are different sequences
    // ln 2 = 0.69 → bin [0.5, 1); ln 4 = 1.39 → bin [1, 1.5)
    expect(acc.entropyHistogram()).toEqual({ edges: [0, 0.5, 1, 1.5], counts: [0, 3, 1] });
    expect(acc.entropyHistogram('qa').counts).toEqual([0, 0, 1]);
  });

  it('summary() is reproducible from the seed and changes with it', () => {
    const build = () => {
      const acc = new StatsAccumulator();
      const rng = createRng(5);
      for (let s = 0; s < 30; s++) for (let t = 0; t < 5; t++) acc.add({ sequence: s }, twoPoint(0.5 + 0.49 * rng.next()));
      return acc;
    };
    expect(build().summary({ seed: 3 })).toEqual(build().summary({ seed: 3 }));
    expect(build().summary({ seed: 3 }).mu.ci95).not.toEqual(build().summary({ seed: 4 }).mu.ci95);
  });

  it('merge() and snapshot()/restore() give the same summary as one accumulator', () => {
    const all = new StatsAccumulator();
    const a = new StatsAccumulator();
    const b = new StatsAccumulator();
    for (let s = 0; s < 6; s++)
      for (let t = 0; t < 4; t++) {
        const d = twoPoint(0.5 + 0.08 * s + 0.01 * t);
        all.add({ sequence: s }, d);
        (t < 2 ? a : b).add({ sequence: s }, d);
      }
    a.merge(b);
    // sums are added in another order, so equal up to rounding
    const [x, y] = [a.summary(), all.summary()];
    expect(x.positions).toBe(y.positions);
    expect(x.sequences).toBe(y.sequences);
    expect(x.mu.estimate).toBeCloseTo(y.mu.estimate, 14);
    expect(x.mu.ci95[0]).toBeCloseTo(y.mu.ci95[0], 14);
    expect(x.mu2.ci95[1]).toBeCloseTo(y.mu2.ci95[1], 14);
    const restored = StatsAccumulator.restore(JSON.parse(JSON.stringify(all.snapshot())) as AccumulatorSnapshot);
    expect(restored.summary()).toEqual(all.summary());
    expect(restored.entropyHistogram()).toEqual(all.entropyHistogram());
    expect(restored.positions).toBe(24);
  });

  it('summary() of an empty accumulator throws', () => {
    expect(() => new StatsAccumulator().summary()).toThrow(/no positions/);
  });

  it('the 95% CI covers the true μ and μ₂ in ≈95% of seeded repeats on a known law', () => {
    // Known law with dependence inside sequences: each sequence is "easy" or "hard" with
    // probability 1/2; an easy sequence's positions are two-point laws (θ, 1 − θ) with θ uniform
    // on {0.9, 0.99}, a hard one's with θ uniform on {0.5, 0.7}. True μ = mean of the four H(θ)
    // (each has weight 1/4), likewise μ₂. With 200 repeats and true coverage 0.95 the count of
    // covering intervals is Binomial(200, 0.95): mean 190, sd 3.1. A percentile bootstrap with
    // 40 clusters undercovers by a point or two, so we accept 176..198 (88%..99%): below 176 is
    // 4.5 sd under nominal, i.e. a real bug, not chance.
    const thetas = [0.9, 0.99, 0.5, 0.7];
    const trueMu = thetas.reduce((s, t) => s + h2(t), 0) / 4;
    const trueMu2 = thetas.reduce((s, t) => s + m2(t), 0) / 4;
    const laws = thetas.map(twoPoint);
    let coverMu = 0;
    let coverMu2 = 0;
    const repeats = 200;
    for (let r = 0; r < repeats; r++) {
      const rng = createRng(2024, r);
      const acc = new StatsAccumulator();
      for (let s = 0; s < 40; s++) {
        const hard = rng.next() < 0.5 ? 2 : 0;
        for (let t = 0; t < 20; t++) acc.add({ sequence: s }, laws[hard + rng.int(2)]!);
      }
      const sum = acc.summary({ seed: r, resamples: 400 });
      if (sum.mu.ci95[0] <= trueMu && trueMu <= sum.mu.ci95[1]) coverMu++;
      if (sum.mu2.ci95[0] <= trueMu2 && trueMu2 <= sum.mu2.ci95[1]) coverMu2++;
    }
    expect(coverMu).toBeGreaterThanOrEqual(176);
    expect(coverMu).toBeLessThanOrEqual(198);
    expect(coverMu2).toBeGreaterThanOrEqual(176);
    expect(coverMu2).toBeLessThanOrEqual(198);
  });
});

function twoPoint(theta: number): DenseDistribution {
  return dense([theta, 1 - theta]);
}
