import { describe, expect, it } from 'vitest';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import { empiricalLaw, simulateIid } from '../../src/sim/index.js';
import { bruteForceOptimum } from './brute-force.js';

const dense = (...probs: number[]): TokenDistribution => ({ kind: 'dense', logProbs: Float64Array.from(probs, (p) => (p > 0 ? Math.log(p) : Number.NEGATIVE_INFINITY)) });

describe('empiricalLaw(distributions)', () => {
  it('of one two-point distribution is deterministic: hand-derived top-P sums', async () => {
    // Tokens in any order; zero-probability tokens are not children. Nodes: 1, .75, .75², .75³, .75⁴, .25, .75⁵…
    // E[X](2) = 1.75, (3) = 1.75 + .5625 = 2.3125, (4) = + .421875 = 2.734375,
    // (5) = + .31640625 = 3.05078125, (6) = + .25 = 3.30078125 (hand derivation).
    const law = empiricalLaw([dense(0, 0.25, 0.75)]);
    const result = await simulateIid({ law, maxNodes: 6, trees: 5, workers: 1 });
    expect(result.rows.map((r) => r.mean)).toEqual([1, 1.75, 2.3125, 2.734375, 3.05078125, 3.30078125]);
    expect(result.rows.every((r) => r.se === 0)).toBe(true);
    expect(law.mu).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 14);
  });

  it('averages the entropies and second log-moments of the bank', () => {
    const law = empiricalLaw([dense(1), dense(0.5, 0.5)]);
    // Point mass: H = 0, M2 = 0. Fair coin: H = ln 2, M2 = ln² 2. Mean of the two.
    expect(law.mu).toBeCloseTo(Math.log(2) / 2, 14);
    expect(law.mu2).toBeCloseTo(Math.log(2) ** 2 / 2, 14);
  });

  it('spreads a sparse tail uniformly over the unlisted tokens', async () => {
    // Top-1 of V = 3: p = 0.6 listed, tail 0.4 over 2 tokens → (0.6, 0.2, 0.2).
    const sparse: TokenDistribution = { kind: 'sparse', vocabSize: 3, ids: Int32Array.of(7), logProbs: Float64Array.of(Math.log(0.6)), tailMass: 0.4 };
    const law = empiricalLaw([sparse]);
    expect(law.mu).toBeCloseTo(-(0.6 * Math.log(0.6) + 0.4 * Math.log(0.2)), 12);
    const reference = bruteForceOptimum([0.6, 0.2, 0.2], 8, 30);
    const result = await simulateIid({ law, maxNodes: 30, trees: 1, workers: 1 });
    result.rows.forEach((r, i) => expect(r.mean).toBeCloseTo(reference.cumulative[i]!, 12));
  });

  it('is exact up to keepTop children and refuses larger trees', async () => {
    const law = empiricalLaw([dense(0.4, 0.3, 0.2, 0.1)], { keepTop: 2 });
    // Top 2 kept, the other 0.3 spread over 2 tokens: (0.4, 0.3, 0.15, 0.15); ranks < 2 exact.
    await expect(simulateIid({ law, maxNodes: 4, trees: 1, workers: 1 })).rejects.toThrow(/top 2 children/);
    const result = await simulateIid({ law, maxNodes: 3, trees: 1, workers: 1 });
    // Nodes 1, .4, .4·.4 = .16 vs .3 → .3: E[X](3) = 1.7.
    expect(result.rows[2]!.mean).toBeCloseTo(1.7, 14);
  });

  it('names the bad distribution when probabilities do not sum to 1', () => {
    expect(() => empiricalLaw([dense(0.5, 0.5), dense(0.5, 0.2)], { source: 'trace.jsonl' })).toThrow(/trace\.jsonl #2.*sum to 1/);
    expect(() => empiricalLaw([])).toThrow(/at least one/);
  });
});
