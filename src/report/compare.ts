/**
 * Tests behind the report's comparative sentences (issue 13: a sentence that says "more", "fewer"
 * or "best" must be backed by the numbers beside it). Each comparison is a z-test on the
 * difference of two means with standard errors; within `INDISTINGUISHABLE_Z` standard errors the
 * narrative says "indistinguishable within error" instead of naming a direction.
 *
 * The SE of a difference is taken as √(se_a² + se_b²). For independent estimates (the real oracle
 * and the i.i.d. simulation) that is exact; for estimates on the same positions (two drafters, or
 * a drafter and the oracle) the errors are positively correlated, so it overstates the SE and the
 * test errs towards "indistinguishable": it never announces a difference that is not there.
 */

/** |difference| / SE below this: "indistinguishable within error" (about a 95% two-sided test). */
export const INDISTINGUISHABLE_Z = 2;

/** Fewer sequences than this: a sequence-bootstrap CI is flagged as resting on a small sample. */
export const SMALL_SAMPLE_SEQUENCES = 10;

export interface MeanWithError {
  readonly mean: number;
  /** Standard error; absent or 0 for exact values (a bound computed from estimates, for instance). */
  readonly se?: number | undefined;
}

export interface Comparison {
  /** a − b. */
  readonly difference: number;
  /** SE of a − b (0 when both are exact). */
  readonly se: number;
  /** |difference| / se (Infinity when se = 0 and the values differ). */
  readonly z: number;
  /** 'higher' / 'lower' when |z| ≥ INDISTINGUISHABLE_Z, else 'indistinguishable'. */
  readonly verdict: 'higher' | 'lower' | 'indistinguishable';
}

/**
 * a compared with b. @example compare({mean: 2.6, se: 0.05}, {mean: 2.5, se: 0.05}).verdict // 'indistinguishable' (z = 1.41)
 */
export function compare(a: MeanWithError, b: MeanWithError): Comparison {
  const difference = a.mean - b.mean;
  const se = Math.sqrt((a.se ?? 0) ** 2 + (b.se ?? 0) ** 2);
  const z = se > 0 ? Math.abs(difference) / se : difference === 0 ? 0 : Number.POSITIVE_INFINITY;
  const verdict = z < INDISTINGUISHABLE_Z ? 'indistinguishable' : difference > 0 ? 'higher' : 'lower';
  return { difference, se, z, verdict };
}
