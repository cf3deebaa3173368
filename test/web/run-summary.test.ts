/** The runs list's "at P" columns (src/web/app/run-summary.ts), on the test fixture's curves. */
import { describe, expect, it } from 'vitest';
import { runAtP } from '../../src/web/app/run-summary.js';
import { fixtureReport } from '../helpers/report-fixture.js';

describe('runAtP(run, P)', () => {
  const report = fixtureReport(0.5, 1.2);
  const run = { oracle: report.curves.oracle, drafters: report.curves.drafters };

  it('reads the oracle and the best drafter at the largest measured budget ≤ P', () => {
    // The fixture's budgets are powers of two: P = 60 reads P = 32. Its oracle is 1 + 0.9·ln P/μ,
    // q-greedy 1 + 0.5·ln P/μ (beats chain's 0.3), μ = 0.5.
    const at = runAtP(run, 60);
    expect(at.P).toBe(32);
    expect(at.oracle).toBeCloseTo(1 + (0.9 * Math.log(32)) / 0.5, 12);
    expect(at.bestDrafter).toBe('q-greedy');
    expect(at.bestDrafterValue).toBeCloseTo(1 + (0.5 * Math.log(32)) / 0.5, 12);
    expect(at.share).toBeCloseTo((1 + Math.log(32)) / (1 + 1.8 * Math.log(32)), 12);
  });

  it('says nothing below the smallest budget, and breaks ties by name', () => {
    expect(runAtP(run, 0.5)).toMatchObject({ P: undefined, oracle: undefined, share: undefined });
    const tie = runAtP({ oracle: [{ P: 4, mean: 3 }], drafters: { zeta: [{ P: 4, mean: 2 }], alpha: [{ P: 4, mean: 2 }] } }, 4);
    expect(tie.bestDrafter).toBe('alpha');
  });
});
