import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { digamma, dirichletLaw, logGamma01, simulateIid, tableEntryMoments, trigamma } from '../../src/sim/index.js';

describe('digamma(x), trigamma(x)', () => {
  it('match known values', () => {
    // ψ(1) = −γ (Euler–Mascheroni 0.5772156649015329); ψ(1/2) = −γ − 2 ln 2; ψ′(1) = π²/6; ψ′(1/2) = π²/2.
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 12);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.log(2), 12);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 12);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 12);
    // Recurrence ψ(x + 1) = ψ(x) + 1/x.
    expect(digamma(13.7)).toBeCloseTo(digamma(12.7) + 1 / 12.7, 12);
  });
});

describe('logGamma01(rng, shape)', () => {
  it.each([0.3, 1, 2.5])('has mean and variance equal to the shape %s (Gamma(α, 1): E = Var = α)', (shape) => {
    const rng = createRng(11, Math.round(shape * 10));
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.exp(logGamma01(rng, shape));
      sum += g;
      sumSq += g * g;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard error of the mean is sqrt(α/n); of the variance about sqrt((μ4 − σ⁴)/n) with μ4 = 3α² + 6α.
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
    expect(Math.abs(variance - shape)).toBeLessThan(5 * Math.sqrt((3 * shape * shape + 6 * shape - shape * shape) / n));
  });
});

describe('dirichletLaw(alpha, V)', () => {
  it('has the closed-form moments, confirmed by Monte Carlo over its own draws', () => {
    // α = 1, V = 2: p = max(U, 1 − U). μ = ψ(3) − ψ(2) = 1/2 (closed form of the file header).
    expect(dirichletLaw(1, 2).mu).toBeCloseTo(0.5, 12);
    const law = dirichletLaw(0.3, 20);
    const sampler = law.createSampler(19);
    const rng = createRng(3);
    const n = 40_000;
    let h = 0;
    let hSq = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      sampler.reset();
      const d = sampler.draw(rng);
      const m = tableEntryMoments({ probs: sampler.rankProbs, offsets: sampler.offsets, lengths: sampler.lengths, tailCounts: sampler.tailCounts, tailProbs: sampler.tailRankProbs }, d);
      h += m.entropy;
      hSq += m.entropy ** 2;
      m2 += m.secondLogMoment;
    }
    const seH = Math.sqrt((hSq / n - (h / n) ** 2) / n);
    expect(Math.abs(h / n - law.mu)).toBeLessThan(5 * seH);
    expect(m2 / n).toBeCloseTo(law.mu2, 1);
  });

  it('with alpha = 1 and V = 2 reproduces the hand-derived E[X*](2) and E[X*](3)', async () => {
    // The root's top child M ~ Uniform(1/2, 1), so E[X*](2) = 1 + E[M] = 1.75. The third node is
    // max(M·M′, 1 − M) with M′ the top child of that child, independent Uniform(1/2, 1):
    // E = ∫∫ max(m m′, 1 − m) · 4 dm dm′ over [1/2, 1]², computed by the midpoint rule below.
    const steps = 2000;
    let integral = 0;
    for (let i = 0; i < steps; i++) {
      for (let j = 0; j < steps; j++) {
        const m = 0.5 + (i + 0.5) / (2 * steps);
        const m2 = 0.5 + (j + 0.5) / (2 * steps);
        integral += Math.max(m * m2, 1 - m);
      }
    }
    integral /= steps * steps;
    const result = await simulateIid({ law: dirichletLaw(1, 2), maxNodes: 3, trees: 40_000, workers: 1, seed: 5 });
    expect(Math.abs(result.rows[1]!.mean - 1.75)).toBeLessThan(4 * result.rows[1]!.se);
    expect(Math.abs(result.rows[2]!.mean - (1.75 + integral))).toBeLessThan(4 * result.rows[2]!.se);
  });
});
