import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { Rng } from '../../src/core/rng.js';
import { fillLogGamma } from '../../src/sim/gamma-sampler.js';
import { relativeNodeCost } from '../../src/sim/simulate-iid.js';
import { BestFirstEnumerator } from '../../src/sim/best-first-enumerator.js';
import type { ChildSampler } from '../../src/sim/child-law.js';
import { digamma, dirichletLaw, logGamma01, simulateIid, standardNormal, tableEntryMoments, trigamma } from '../../src/sim/index.js';

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
  it.each([0.05, 0.3, 0.7, 1, 2.5])('has mean and variance equal to the shape %s (Gamma(α, 1): E = Var = α)', (shape) => {
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

/**
 * The sampler shape < 1 used before Liu–Martin–Syring (the stream it produced): the boost
 * G(α) = G(α + 1)·U^(1/α) over Marsaglia–Tsang, as src/sim/gamma-sampler.ts had it.
 */
function logGammaBoost(rng: Rng, shape: number): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  const boost = Math.log(u) / shape;
  const d = shape + 1 - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = rng.next();
    if (w < 1 - 0.0331 * x ** 4 || (w > 0 && Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v)))) return Math.log(d * v) + boost;
  }
}

describe('the small-shape Gamma sampler against the boost it replaced', () => {
  it.each([0.1, 0.3, 0.45])('agrees with the boost on E[ln G], Var[ln G] and E[G] within Monte Carlo error (shape %s)', (shape) => {
    // E[ln G] = ψ(α), Var[ln G] = ψ′(α) (the log-gamma moments), and E[G] = α; both samplers are
    // held to these and to each other (difference of two independent means: SE √(s₁²/n + s₂²/n)).
    const n = 100_000;
    const moments = (draw: (rng: Rng) => number, rng: Rng) => {
      let s = 0;
      let s2 = 0;
      let g = 0;
      for (let i = 0; i < n; i++) {
        const l = draw(rng);
        s += l;
        s2 += l * l;
        g += Math.exp(l);
      }
      return { mean: s / n, variance: s2 / n - (s / n) ** 2, g: g / n };
    };
    const now = moments((r) => logGamma01(r, shape), createRng(21));
    const old = moments((r) => logGammaBoost(r, shape), createRng(22));
    const se = Math.sqrt(trigamma(shape) / n);
    expect(Math.abs(now.mean - digamma(shape))).toBeLessThan(5 * se);
    expect(Math.abs(old.mean - digamma(shape))).toBeLessThan(5 * se);
    expect(Math.abs(now.mean - old.mean)).toBeLessThan(5 * Math.SQRT2 * se);
    // Var[ln G]: ψ′(α) ≈ 1/α² for small α; SE of a sample variance of a skewed variable, generously 5·ψ′·√(8/n)
    expect(Math.abs(now.variance - trigamma(shape))).toBeLessThan(5 * trigamma(shape) * Math.sqrt(8 / n));
    expect(Math.abs(now.variance - old.variance)).toBeLessThan(5 * trigamma(shape) * Math.sqrt(16 / n));
    expect(Math.abs(now.g - old.g)).toBeLessThan(5 * Math.sqrt((2 * shape) / n));
  });

  it('keeps the stream of the exact acceptance test it short-cuts with a squeeze, draw for draw', () => {
    // The sampler before the squeeze (rgamss as first written): every exponential-side draw
    // computed exp(−e^(−z/α)). Same seeds, so any changed decision or value shows as a mismatch.
    const exact = (rng: Rng, alpha: number): number => {
      const lambda = 1 / alpha - 1;
      const w = alpha / (Math.E * (1 - alpha));
      const r = 1 / (1 + w);
      for (;;) {
        const u = rng.next();
        let z: number;
        if (u <= r) {
          if (u === 0) continue;
          z = -Math.log(u / r);
        } else {
          let v = rng.next();
          while (v === 0) v = rng.next();
          z = Math.log(v) / lambda;
        }
        const ratio = z >= 0 ? Math.exp(-Math.exp(-z / alpha)) : Math.exp(-z - Math.exp(-z / alpha) - lambda * z) / (w * lambda);
        if (ratio > rng.next()) return -z / alpha;
      }
    };
    for (const shape of [0.01, 0.05, 0.1, 0.3, 0.45, 0.49]) {
      const n = 50_000;
      const now = new Float64Array(n);
      fillLogGamma(createRng(31, shape * 1000), shape, now, n);
      const rng = createRng(31, shape * 1000);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (!Object.is(now[i], exact(rng, shape))) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('keeps the boost, and its stream before rgamss, draw for draw, for 1/2 <= shape < 1', () => {
    // logGamma01 as it was before rgamss (src/sim/gamma-sampler.ts at 9a1fe26^, verbatim): rgamss's
    // acceptance falls to 0.22 at α = 0.9 and 0.03 at 0.99, so the boost is kept from α = 1/2 on.
    const before = (rng: Rng, shape: number): number => {
      if (shape < 1) {
        let u = rng.next();
        while (u === 0) u = rng.next();
        return before(rng, shape + 1) + Math.log(u) / shape;
      }
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x: number;
        let v: number;
        do {
          x = standardNormal(rng);
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = rng.next();
        if (u < 1 - 0.0331 * x * x * x * x) return Math.log(d * v);
        if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
      }
    };
    for (const shape of [0.5, 0.7, 0.9, 0.99]) {
      const n = 20_000;
      const now = new Float64Array(n);
      fillLogGamma(createRng(32, shape * 100), shape, now, n);
      const rng = createRng(32, shape * 100);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (!Object.is(now[i], before(rng, shape))) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('fillLogGamma gives the numbers of repeated logGamma01 calls, draw for draw', () => {
    for (const shape of [0.1, 0.7, 1, 3]) {
      const out = new Float64Array(500);
      const max = fillLogGamma(createRng(4, shape * 10), shape, out, 500);
      const rng = createRng(4, shape * 10);
      const one = Float64Array.from({ length: 500 }, () => logGamma01(rng, shape));
      expect(Array.from(out)).toEqual(Array.from(one));
      expect(max).toBe(Math.max(...one));
    }
  });

  it('simulates the same Dirichlet(0.1, 30) curve as the boost within Monte Carlo error', async () => {
    // E[X*](P) at P = 8 and 32: the library (new stream) against the same enumeration fed by the
    // boost sampler through the normalise-and-sort step the law had (old stream).
    const law = dirichletLaw(0.1, 30);
    const now = await simulateIid({ law, maxNodes: 32, trees: 3000, workers: 1, seed: 8 });
    // Old stream: the boost sampler through the same normalise-and-sort step, enumerated by hand.
    const { BestFirstEnumerator } = await import('../../src/sim/best-first-enumerator.js');
    const { SampledStore, syncSampler } = await import('../../src/sim/sampled-store.js');
    const store = new SampledStore(true, 30 * 64);
    const logs = new Float64Array(30);
    const sampler = {
      rankProbs: store.rankProbs, valueProbs: store.valueProbs, offsets: store.offsets, lengths: store.lengths,
      tailCounts: store.tailCounts, tailRankProbs: store.tailRankProbs, tailValueProbs: store.tailValueProbs,
      draw(rng: Rng): number {
        let max = -Infinity;
        for (let i = 0; i < 30; i++) max = Math.max(max, (logs[i] = logGammaBoost(rng, 0.1)));
        let total = 0;
        for (let i = 0; i < 30; i++) total += logs[i] = Math.exp(logs[i]! - max);
        logs.sort();
        const id = store.allocate(30);
        syncSampler(sampler, store);
        const off = store.offsets[id]!;
        let n = 30;
        for (let k = 0; k < 30; k++) store.rankProbs[off + k] = logs[29 - k]! / total;
        while (n > 1 && !(store.rankProbs[off + n - 1]! > 0)) n--;
        store.lengths[id] = n;
        return id;
      },
      reset: () => store.reset(),
    };
    const enumerator = new BestFirstEnumerator(32);
    const curve = new Float64Array(32);
    const trees = 3000;
    const sum = new Float64Array(32);
    const sumSq = new Float64Array(32);
    for (let t = 0; t < trees; t++) {
      enumerator.run(sampler, createRng(9, t), curve);
      for (let i = 0; i < 32; i++) {
        sum[i]! += curve[i]!;
        sumSq[i]! += curve[i]! ** 2;
      }
    }
    for (const P of [8, 32]) {
      const oldMean = sum[P - 1]! / trees;
      const oldSe = Math.sqrt((sumSq[P - 1]! / trees - oldMean ** 2) / trees);
      const row = now.rows[P - 1]!;
      expect(Math.abs(row.mean - oldMean)).toBeLessThan(5 * Math.hypot(row.se, oldSe));
    }
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

describe('lazy child ranks (drawTop / exposeRank)', () => {
  it.each([
    [0.1, 100, 1024, 6],
    [1, 30, 256, 20], // near-uniform children: nodes expose many ranks (the scan, then the sort of the rest)
    [0.5, 50, 8, 40], // P − 1 < V: only the top 7 ranks are children
    [0.02, 40, 64, 40], // tiny α: children that underflow to 0 are trimmed
  ])('enumerates Dirichlet(%s, %s) trees of %s nodes bit for bit as the sorted draw does (%s trees)', (alpha, V, P, trees) => {
    // The eager path (draw: sort all V) is the law as it was; hiding drawTop makes the enumerator use it.
    const lazySampler = dirichletLaw(alpha, V).createSampler(P - 1);
    const expose = lazySampler.exposeRank?.bind(lazySampler);
    expect(expose).toBeDefined();
    let maxRank = 0;
    lazySampler.exposeRank = (d, rank) => {
      maxRank = Math.max(maxRank, rank);
      expose?.(d, rank);
    };
    const eagerSampler = dirichletLaw(alpha, V).createSampler(P - 1);
    const eager = {
      get rankProbs() { return eagerSampler.rankProbs; },
      get valueProbs() { return eagerSampler.valueProbs; },
      get offsets() { return eagerSampler.offsets; },
      get lengths() { return eagerSampler.lengths; },
      get tailCounts() { return eagerSampler.tailCounts; },
      get tailRankProbs() { return eagerSampler.tailRankProbs; },
      get tailValueProbs() { return eagerSampler.tailValueProbs; },
      draw: (rng: Rng) => eagerSampler.draw(rng),
      reset: () => eagerSampler.reset(),
    } as ChildSampler;
    const enumerator = new BestFirstEnumerator(P);
    const lazyCurve = new Float64Array(P);
    const eagerCurve = new Float64Array(P);
    const lazyDepths = new Float64Array(P);
    const eagerDepths = new Float64Array(P);
    for (let t = 0; t < trees; t++) {
      enumerator.run(lazySampler, createRng(17, t), lazyCurve, P, lazyDepths);
      enumerator.run(eager, createRng(17, t), eagerCurve, P, eagerDepths);
      expect(Array.from(lazyCurve)).toEqual(Array.from(eagerCurve));
    }
    expect(Array.from(lazyDepths)).toEqual(Array.from(eagerDepths));
    // The large trees reach past the scanned ranks into the sorted rest.
    if (P > 64) expect(maxRank).toBeGreaterThan(8);
    else expect(maxRank).toBeGreaterThan(0);
  });

  it('is left to the sorted draw above 4,096 tokens (V slots per node would be too many)', () => {
    expect('drawTop' in dirichletLaw(0.1, 5000).createSampler(63)).toBe(false);
    expect('drawTop' in dirichletLaw(0.1, 4096).createSampler(63)).toBe(true);
  });
});

describe('relativeNodeCost (default worker count)', () => {
  it('weighs a Dirichlet node by its vocabulary, so a long Dirichlet job is not kept on one thread', () => {
    // Measured ratio (see relativeNodeCost): a Dirichlet(0.1, V) node ≈ 5.0 µs at V = 100 against
    // ≈ 25 ns for a table node, 200 = 2·V table nodes; the noisy drafter adds its 20 candidates.
    // 2,000 trees of 1,024 nodes: 2M nodes, under the 4M one-thread threshold as a table law,
    // but 410M table-node equivalents as Dirichlet(0.1, 100) (~10 s of CPU on one core).
    expect(relativeNodeCost(dirichletLaw(0.1, 100).spec)).toBe(200);
    expect(relativeNodeCost({ kind: 'noisy-drafter', verifier: dirichletLaw(0.1, 100).spec, temperature: 1, noise: 0.5, candidates: 20, muCE: 1, pi0: 0, estimateSamples: 1 })).toBe(220);
    expect(2000 * 1024 * relativeNodeCost(dirichletLaw(0.1, 100).spec)).toBeGreaterThan(4_000_000);
  });
});
