import { describe, expect, it } from 'vitest';
import { calibratedLaw, dirichletLaw, mixtureLaw, simulateIid, zipfLaw, empiricalLaw, type ChildLaw } from '../../src/sim/index.js';
import { listPresets, reportedBound } from '../../src/theory/index.js';

/**
 * docs/conventions.md: the simulated i.i.d. optimum never exceeds Theorem 1 (reported as min(P, bound), the
 * trivial P below 1 + μ₂/μ²) beyond Monte Carlo error. Checked at every P ≤ 256.
 */
const laws: [string, () => ChildLaw][] = [
  ['zipf:1:1000', () => zipfLaw(1, 1000)],
  ['zipf:2.5:50', () => zipfLaw(2.5, 50)],
  ['dirichlet:0.05:40', () => dirichletLaw(0.05, 40)],
  ['dirichlet:1:4', () => dirichletLaw(1, 4)],
  ['mixture:0.8:0.01:1.1:5000', () => mixtureLaw({ weight: 0.8, epsilon: 0.01, s: 1.1, vocabSize: 5000 })],
  ['two-point bank', () => empiricalLaw([{ kind: 'dense', logProbs: Float64Array.of(Math.log(0.9), Math.log(0.1)) }, { kind: 'dense', logProbs: Float64Array.of(Math.log(0.5), Math.log(0.5)) }])],
  ...listPresets().map((p): [string, () => ChildLaw] => [`preset ${p.name}`, () => calibratedLaw({ mu: p.mu, mu2: p.mu2 })]),
];

describe('simulateIid never exceeds Theorem 1', () => {
  it.each(laws)('on %s', async (_name, makeLaw) => {
    const law = makeLaw();
    const result = await simulateIid({ law, maxNodes: 256, trees: 300, workers: 1, seed: 17 });
    for (const row of result.rows) {
      const bound = reportedBound({ mu: law.mu, mu2: law.mu2 }, row.P).value;
      expect(row.mean).toBeLessThanOrEqual(bound + 4 * row.se + 1e-9);
    }
    // The optimum really grows: at P = 256 it is well above 1 (so the check is not vacuous).
    expect(result.rows[255]!.mean).toBeGreaterThan(1.5);
  });
});
