import { describe, expect, it } from 'vitest';
import { oracleAncestralCurve } from '../../src/results/aggregate.js';
import type { UnitRecord } from '../../src/measure/records.js';

/**
 * A chain tree root → a → b (P = 3, depth 2) at every position, and a verifier that follows the
 * chain with probability 1/2 per step: E[X](3) = 1 + 1/2 + 1/4 = 1.75 exactly (Lemma 1, Σ P(v)).
 * Continuations of length 1 reach the end of the sample after one accepted token half the time:
 * the old rule dropped exactly those (censored) walks and kept the failures, biasing low.
 */
function record(unit: number, positions: { t: number; path: number[]; censoredFrom: number | null }[], length: number): UnitRecord {
  return {
    unit,
    tokens: new Array(length).fill(0),
    trees: positions.map((p) => ({ t: p.t, oracle: [1, 1.5, 1.75], oraclePath: p.path, censoredFrom: p.censoredFrom, depthByP: [0, 1, 2], drafters: {} })),
  } as unknown as UnitRecord;
}

describe('oracleAncestralCurve: positions chosen without looking at the outcome', () => {
  it('keeps, at P, exactly the positions whose continuation is as long as the P-node tree is deep', () => {
    // Long continuations (length 10, t = 0): outcomes in the exact proportions 1/2 miss, 1/4 one, 1/4 two.
    const long = record(0, [
      { t: 0, path: [], censoredFrom: null },
      { t: 0, path: [], censoredFrom: null },
      { t: 0, path: [1], censoredFrom: null },
      { t: 0, path: [1, 2], censoredFrom: null },
    ], 10);
    // Position t = 9 of a 10-token sequence: 1 token left, the depth-2 tree needs 2. Half the walks
    // accept that token and run out (censored from P = 3), half miss.
    const short = record(1, [
      { t: 9, path: [1], censoredFrom: 3 },
      { t: 9, path: [], censoredFrom: null },
    ], 10);
    const [at3] = oracleAncestralCurve([long, short], [3]);
    // New rule: the short positions are out at P = 3 whatever happened: mean of 1, 1, 2, 3 = 1.75 = E[X](3).
    expect(at3!.mean).toBeCloseTo(1.75, 12);
    // The old rule (no depthByP) kept the short miss (X = 1) and dropped the short hit: 8/5 = 1.6, biased low.
    const strip = (r: UnitRecord) => ({ ...r, trees: r.trees.map(({ depthByP: _d, ...rest }) => rest) });
    const [old3] = oracleAncestralCurve([strip(long), strip(short)], [3]);
    expect(old3!.mean).toBeCloseTo(8 / 5, 12);
    // At P = 2 (depth 1) the short positions have enough continuation and count: (1+1+2+2 + 2+1)/6.
    const [at2] = oracleAncestralCurve([long, short], [2]);
    expect(at2!.mean).toBeCloseTo(9 / 6, 12);
  });
});
