import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { calibratedLaw, solveCalibration, tableEntryMoments } from '../../src/sim/index.js';
import { listPresets } from '../../src/theory/index.js';

describe('calibratedLaw({mu, mu2})', () => {
  it.each(listPresets().map((p) => [p.name, p.mu, p.mu2] as const))('hits the Table 1 moments of %s exactly', (name, mu, mu2) => {
    const law = calibratedLaw({ mu, mu2, preset: name });
    expect(law.mu).toBeCloseTo(mu, 10);
    expect(law.mu2).toBeCloseTo(mu2, 10);
    const d = law.description as unknown as { confidentWeight: number; spreadTokens: number; spreadMass: number };
    expect(d.confidentWeight).toBeGreaterThan(0);
    expect(d.confidentWeight).toBeLessThan(1);
    expect(d.spreadMass).toBeLessThanOrEqual(d.spreadTokens / (d.spreadTokens + 1)); // the top token stays the top
  });

  it('reproduces its moments by Monte Carlo over its own draws (Llama-3.1-8B mean row)', () => {
    // Independent of how μ, μ₂ were computed: draw 200k nodes from the sampler and average H and Σ p ln² p.
    const law = calibratedLaw({ mu: 0.683, mu2: 2.96 });
    const sampler = law.createSampler(1000);
    const rng = createRng(9);
    const n = 200_000;
    let h = 0;
    let hSq = 0;
    let m = 0;
    let mSq = 0;
    const table = { probs: sampler.rankProbs, offsets: sampler.offsets, lengths: sampler.lengths, tailCounts: sampler.tailCounts, tailProbs: sampler.tailRankProbs };
    for (let i = 0; i < n; i++) {
      const moments = tableEntryMoments(table, sampler.draw(rng));
      h += moments.entropy;
      hSq += moments.entropy ** 2;
      m += moments.secondLogMoment;
      mSq += moments.secondLogMoment ** 2;
    }
    const se = (sum: number, sumSq: number): number => Math.sqrt((sumSq / n - (sum / n) ** 2) / n);
    expect(Math.abs(h / n - 0.683)).toBeLessThan(4 * se(h, hSq));
    expect(Math.abs(m / n - 2.96)).toBeLessThan(4 * se(m, mSq));
  });

  it('shares the spread mass in Zipf proportions by default, equally with tailExponent 0', () => {
    const zipfTail = calibratedLaw({ mu: 0.683, mu2: 2.96 }).createSampler(10);
    // Entry 1 is the spread node: ranks 1 and 2 carry t·z₀ and t·z₁ with z₀/z₁ = 2^s = 2 (s = 1).
    const spreadOffset = zipfTail.offsets[1]!;
    expect(zipfTail.rankProbs[spreadOffset + 1]! / zipfTail.rankProbs[spreadOffset + 2]!).toBeCloseTo(2, 12);
    const equal = calibratedLaw({ mu: 0.683, mu2: 2.96, tailExponent: 0 });
    expect(equal.mu).toBeCloseTo(0.683, 10);
    expect(equal.mu2).toBeCloseTo(2.96, 10);
    const equalSampler = equal.createSampler(10);
    const o = equalSampler.offsets[1]!;
    expect(equalSampler.rankProbs[o + 1]).toBe(equalSampler.rankProbs[o + 2]);
  });

  it('falls back to a point-mass confident node when the runner-up would carry too much entropy', () => {
    // With ε = 1e-3 the confident node alone has H ≈ 0.0079 > μ = 0.005, so only ε = 0 can work.
    const law = calibratedLaw({ mu: 0.005, mu2: 0.02 });
    expect((law.description as unknown as { confidentEpsilon: number }).confidentEpsilon).toBe(0);
    expect(law.mu).toBeCloseTo(0.005, 10);
    expect(law.mu2).toBeCloseTo(0.02, 10);
  });

  it('rejects impossible and out-of-family targets with one line naming the value', () => {
    expect(() => calibratedLaw({ mu: 0, mu2: 1 })).toThrow(/invalid mu.*must be > 0/);
    expect(() => calibratedLaw({ mu: 1, mu2: 0.5 })).toThrow(/invalid mu2.*Jensen/);
    expect(() => calibratedLaw({ mu: 2, mu2: 4.5 })).toThrow(/invalid mu2.*no confident\/spread mixture/);
    expect(solveCalibration(2, 4.5, 128256, 0)).toBeUndefined();
    expect(solveCalibration(2, 4.5, 128256, 0, 0)).toBeUndefined();
  });
});
