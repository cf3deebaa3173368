import { describe, expect, it } from 'vitest';
import { findings } from '../../src/report/narrative.js';
import { compare, INDISTINGUISHABLE_Z } from '../../src/report/compare.js';
import { fixtureReport } from '../helpers/report-fixture.js';
import type { Report } from '../../src/results/results-schema.js';

/** The fixture with the curves' values at P = 32 (the headline budget: the largest ≤ 60) replaced. */
function at32(report: Report, values: { oracle: [number, number]; iid: [number, number]; chain: [number, number]; 'q-greedy': [number, number] }): Report {
  const set = (curve: { P: number; mean: number; se?: number | undefined }[], [mean, se]: [number, number]) =>
    curve.map((p) => (p.P === 32 ? { ...p, mean, se } : p));
  return {
    ...report,
    curves: {
      ...report.curves,
      oracle: set(report.curves.oracle, values.oracle),
      iid: set(report.curves.iid, values.iid),
      drafters: { chain: set(report.curves.drafters['chain']!, values.chain), 'q-greedy': set(report.curves.drafters['q-greedy']!, values['q-greedy']) },
    },
  };
}

describe('compare(a, b): the test behind every comparative sentence', () => {
  it('calls a difference within 2 SE indistinguishable (hand: 0.1 / √(0.05² + 0.05²) = 1.414)', () => {
    const c = compare({ mean: 2.6, se: 0.05 }, { mean: 2.5, se: 0.05 });
    expect(c.z).toBeCloseTo(0.1 / Math.sqrt(0.005), 12);
    expect(c.verdict).toBe('indistinguishable');
    expect(INDISTINGUISHABLE_Z).toBe(2);
    expect(compare({ mean: 2.8, se: 0.05 }, { mean: 2.5, se: 0.05 }).verdict).toBe('higher'); // z = 4.24
    expect(compare({ mean: 2.2, se: 0.05 }, { mean: 2.5, se: 0.05 }).verdict).toBe('lower');
    expect(compare({ mean: 3, se: 0 }, { mean: 3, se: 0 }).verdict).toBe('indistinguishable');
  });
});

describe('findings(report): sentences backed by the numbers beside them', () => {
  it('noise: oracle and i.i.d. 0.8 SE apart and two drafters 0.5 SE apart give no direction and no single winner', () => {
    // oracle − iid = 0.04, SE √(0.035² + 0.035²) = 0.0495 → 0.81 SE (issue 13's "1.2% fewer" case, docs/history.md).
    const r = at32(fixtureReport(), { oracle: [3.31, 0.035], iid: [3.35, 0.035], chain: [2.5, 0.05], 'q-greedy': [2.535, 0.05] });
    const text = findings(r).join('\n');
    expect(text).toContain('indistinguishable within error (difference -0.04 ± 0.049, 0.81 SE, under the 2 SE threshold)');
    expect(text).not.toMatch(/% (more|fewer) tokens per pass/);
    expect(text).toContain('tied within error: q-greedy (2.54 ± 0.05 (SE)), chain (2.5 ± 0.05 (SE))');
    // The fixture has 8 sequences: flagged.
    expect(text).toContain('Small sample: 8 sequences in all (fewer than 10)');
  });

  it('a real difference: 10 SE apart gives the direction with its test; a clear best drafter is named alone', () => {
    const r = at32(fixtureReport(), { oracle: [3.9, 0.03], iid: [3.4, 0.02], chain: [2.0, 0.05], 'q-greedy': [2.9, 0.05] });
    const text = findings(r).join('\n');
    // 3.9/3.4 − 1 = 14.7% more (2 significant digits: 15); difference 0.5 ± √(0.03² + 0.02²) = 0.036, 13.9 SE.
    expect(text).toContain("the real model's context dependence gives 15% more tokens per pass than the i.i.d. idealisation (difference 0.5 ± 0.036, 14 SE)");
    // 2.9/3.9 = 74.4%.
    expect(text).toContain('The best measured drafting strategy, q-greedy, reaches 2.9 tokens per pass, 74% of the oracle: the rest is what a better drafter could win.');
  });

  it('says whether Theorem 1 or the trivial bound applied at the headline P', () => {
    const applies = findings(fixtureReport()).join('\n');
    expect(applies).toMatch(/Theorem 1 applies at P = 32 and bounds the i\.i\.d\. optimum by/);
    // μ₂/μ² large: 1 + 40/0.25 = 161 > 32, so only E[X] ≤ P holds at P = 32.
    const trivial = findings(fixtureReport(0.5, 40)).join('\n');
    expect(trivial).toContain('At P = 32 only the trivial bound E[X] ≤ P = 32 applies');
  });
});
