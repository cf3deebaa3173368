import { describe, expect, it } from 'vitest';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import { empiricalDrafterLaw, simulateIid } from '../../src/sim/index.js';

const dense = (...probs: number[]): TokenDistribution => ({ kind: 'dense', logProbs: Float64Array.from(probs, Math.log) });

describe('empiricalDrafterLaw(pairs)', () => {
  it('builds the q-greedy tree and scores it with p (hand-derived)', async () => {
    // q = (0.2, 0.8) prefers token 1, whose p is 0.25. Q order: 0.8 (p .25), 0.64 (p .0625), 0.512 (p .015625)…
    // E[X](P) = 1, 1.25, 1.3125, 1.328125 (each the previous + .25^k). The oracle would give 1.75 at P = 2.
    const law = empiricalDrafterLaw([{ verifier: dense(0.75, 0.25), drafter: dense(0.2, 0.8) }]);
    const result = await simulateIid({ law, maxNodes: 4, trees: 2, workers: 1 });
    expect(result.rows.map((r) => r.mean)).toEqual([1, 1.25, 1.3125, 1.328125]);
    expect(law.muCE).toBeCloseTo(-(0.75 * Math.log(0.2) + 0.25 * Math.log(0.8)), 14);
    expect(law.pi0).toBe(0);
    expect(law.mu).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 14);
  });

  it('gives top-k verifier tails to unlisted tokens and counts tokens the drafter never lists as π₀', () => {
    // Verifier top-1 over V = 4: p(2) = 0.7, the other three share 0.3 → 0.1 each.
    // Drafter top-2: tokens 2 and 0. Covered p = 0.8, so π₀ = 0.2 and
    // μ_CE = −(0.7 ln 0.6 + 0.1 ln 0.3) / 0.8.
    const verifier: TokenDistribution = { kind: 'sparse', vocabSize: 4, ids: Int32Array.of(2), logProbs: Float64Array.of(Math.log(0.7)), tailMass: 0.3 };
    const drafter: TokenDistribution = { kind: 'sparse', vocabSize: 4, ids: Int32Array.of(2, 0), logProbs: Float64Array.of(Math.log(0.6), Math.log(0.3)), tailMass: 0.1 };
    const law = empiricalDrafterLaw([{ verifier, drafter }]);
    expect(law.pi0).toBeCloseTo(0.2, 14);
    expect(law.muCE).toBeCloseTo(-(0.7 * Math.log(0.6) + 0.1 * Math.log(0.3)) / 0.8, 14);
  });

  it('rejects pairs over different vocabularies, naming the pair', () => {
    expect(() => empiricalDrafterLaw([{ verifier: dense(0.5, 0.5), drafter: dense(0.2, 0.3, 0.5) }], { source: 't.jsonl' })).toThrow(/t\.jsonl #1.*differs/);
  });
});
