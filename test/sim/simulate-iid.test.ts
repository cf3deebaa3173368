import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { BestFirstEnumerator, calibratedLaw, dirichletLaw, empiricalDrafterLaw, noisyDrafterLaw, simulateIid, zipfLaw } from '../../src/sim/index.js';
import { lemma7Estimate } from '../../src/theory/index.js';

describe('simulateIid({law, maxNodes, trees, seed, workers})', () => {
  it('gives bit-identical output with 1, 2 and 3 workers for the same seed', async () => {
    const law = calibratedLaw({ mu: 0.683, mu2: 2.96 });
    const options = { law, maxNodes: 128, trees: 700, seed: 42, chunkSize: 50, depthProfile: true } as const;
    const one = await simulateIid({ ...options, workers: 1 });
    const two = await simulateIid({ ...options, workers: 2 });
    const three = await simulateIid({ ...options, workers: 3 });
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    // A different seed gives a different estimate (the check above is not trivially true).
    const other = await simulateIid({ ...options, seed: 43, workers: 1 });
    expect(other.rows[127]!.mean).not.toBe(one.rows[127]!.mean);
  }, 120_000);

  it('runs sampled laws on workers too (Dirichlet, bit-identical)', async () => {
    const options = { law: dirichletLaw(0.2, 30), maxNodes: 64, trees: 200, seed: 3, chunkSize: 16 } as const;
    expect(await simulateIid({ ...options, workers: 2 })).toEqual(await simulateIid({ ...options, workers: 1 }));
  }, 120_000);

  it('returns the two-pass mean and standard error of the per-tree curves (chunks merged exactly)', async () => {
    // Independent computation: run each tree with its documented stream createRng(seed, tree),
    // keep every curve, then mean and sd/√n the textbook way.
    const law = calibratedLaw({ mu: 0.3, mu2: 0.7 });
    const maxNodes = 20;
    const trees = 150;
    const result = await simulateIid({ law, maxNodes, trees, seed: 6, chunkSize: 40, workers: 1 });
    const enumerator = new BestFirstEnumerator(maxNodes);
    const sampler = law.createSampler(maxNodes - 1);
    const curves: number[][] = [];
    for (let t = 0; t < trees; t++) {
      const curve = new Float64Array(maxNodes);
      enumerator.run(sampler, createRng(6, t), curve);
      curves.push(Array.from(curve));
    }
    for (let i = 0; i < maxNodes; i++) {
      const xs = curves.map((c) => c[i]!);
      const mean = xs.reduce((a, b) => a + b, 0) / trees;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (trees - 1);
      expect(result.rows[i]!.mean).toBeCloseTo(mean, 12);
      expect(result.rows[i]!.se).toBeCloseTo(Math.sqrt(variance / trees), 12);
    }
  });

  it('reports progress up to the number of trees', async () => {
    const seen: number[] = [];
    await simulateIid({ law: zipfLaw(1, 10), maxNodes: 8, trees: 130, chunkSize: 64, workers: 1, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([64 / 130, 128 / 130, 1]);
  });

  it('records the depth profile: node counts per depth sum to P-max', async () => {
    // Zipf(1, 2): children 2/3, 1/3. The 4 largest nodes: 1, 2/3, 4/9, 1/3 → depths 0, 1, 2, 1.
    const result = await simulateIid({ law: zipfLaw(1, 2), maxNodes: 4, trees: 2, workers: 1, depthProfile: true });
    expect(result.depthProfile).toEqual([1, 2, 1]);
  });

  it('rejects a bad budget or tree count with a one-line error', async () => {
    await expect(simulateIid({ law: zipfLaw(1, 3), maxNodes: 0, trees: 1 })).rejects.toThrow(/invalid P-max: 0/);
    await expect(simulateIid({ law: zipfLaw(1, 3), maxNodes: 4, trees: 0 })).rejects.toThrow(/invalid trees: 0/);
  });
});

describe('simulateIid with a drafter law (q-greedy tree scored with p)', () => {
  const verifier = calibratedLaw({ mu: 0.683, mu2: 2.96 });

  it('equals the oracle when the drafter is the verifier (noise 0, temperature 1)', async () => {
    const drafter = noisyDrafterLaw(verifier, { noise: 0, estimateSamples: 5000 });
    const oracle = await simulateIid({ law: verifier, maxNodes: 64, trees: 200, seed: 8, workers: 1 });
    const greedy = await simulateIid({ law: drafter, maxNodes: 64, trees: 200, seed: 8, workers: 1 });
    greedy.rows.forEach((r, i) => expect(r.mean).toBeCloseTo(oracle.rows[i]!.mean, 12));
    // q = p: μ_CE is μ, estimated over 5000 nodes (standard error ≈ sd(H)/√5000 ≈ 0.02).
    expect(Math.abs(drafter.muCE - verifier.mu)).toBeLessThan(0.1);
    expect(drafter.pi0).toBeCloseTo(0, 12); // 1 − Σ p up to rounding
  });

  it('falls below the oracle with a noisy drafter, and its μ_CE exceeds μ', async () => {
    const drafter = noisyDrafterLaw(verifier, { noise: 1.5, temperature: 1.5, estimateSamples: 5000 });
    expect(drafter.muCE).toBeGreaterThan(verifier.mu); // cross-entropy ≥ entropy (Gibbs)
    const oracle = await simulateIid({ law: verifier, maxNodes: 64, trees: 1000, seed: 8, workers: 1 });
    const greedy = await simulateIid({ law: drafter, maxNodes: 64, trees: 1000, seed: 8, workers: 1 });
    const o = oracle.rows[63]!;
    const g = greedy.rows[63]!;
    expect(g.mean).toBeLessThan(o.mean - 2 * Math.hypot(o.se, g.se));
    expect(greedy.drafter?.muCE).toBe(drafter.muCE);
    // Lemma 7's estimate is finite and positive here; the CLI prints it beside the simulation.
    expect(lemma7Estimate({ muCE: drafter.muCE, pi0: drafter.pi0 }, 64)).toBeGreaterThan(0);
  });

  it('rebuilds drafter laws in workers: bit-identical with 1 and 2 workers', async () => {
    const noisy = noisyDrafterLaw(dirichletLaw(0.3, 12), { noise: 0.7, estimateSamples: 500 });
    const a = { law: noisy, maxNodes: 32, trees: 120, seed: 4, chunkSize: 20 } as const;
    expect(await simulateIid({ ...a, workers: 2 })).toEqual(await simulateIid({ ...a, workers: 1 }));
    const dense = (...p: number[]) => ({ kind: 'dense' as const, logProbs: Float64Array.from(p, Math.log) });
    const bank = empiricalDrafterLaw([
      { verifier: dense(0.6, 0.3, 0.1), drafter: dense(0.2, 0.5, 0.3) },
      { verifier: dense(0.9, 0.05, 0.05), drafter: dense(0.8, 0.1, 0.1) },
    ]);
    const b = { law: bank, maxNodes: 32, trees: 120, seed: 4, chunkSize: 20 } as const;
    const one = await simulateIid({ ...b, workers: 1 });
    expect(await simulateIid({ ...b, workers: 2 })).toEqual(one);
    expect(one.drafter).toEqual({ muCE: bank.muCE, pi0: 0 });
  }, 120_000);

  it('counts verifier mass beyond the drafter candidates as π₀', () => {
    // Zipf(1, 4): p = (12, 6, 4, 3)/25; with 2 candidates π₀ = 7/25 exactly (deterministic law).
    const drafter = noisyDrafterLaw(zipfLaw(1, 4), { candidates: 2, noise: 0, estimateSamples: 10 });
    expect(drafter.pi0).toBeCloseTo(7 / 25, 12);
  });
});
