/** THE number formatter of every table, report and page: `digits` significant digits. */

/**
 * `v` with `digits` significant digits, in fixed notation for magnitudes in [1e-3, 1e7) (trailing
 * zeros dropped: 0.5, 2.25, 1234) and in exponent notation otherwise (1.23e-5); non-finite values
 * as `NaN`, `Infinity`, `-Infinity`. Callers choose their own placeholder for a missing value.
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}
