/**
 * The integral form of Theorem 1 (its proof, before the closed form):
 *   E[X] ≤ ∫₀^∞ e^{−t} · min(P, a·e^t + b) dt,
 * evaluated numerically by adaptive Simpson quadrature on [0, 60] plus the exact tail P·e^{−60}
 * (where a·e^t + b > P for any P < 1e20). It knows nothing of the closed form's kink t*, so it
 * is an independent check of `theorem1ClosedForm`. Below P = a + b the integrand is P·e^{−t}
 * throughout and the integral is exactly P: the trivial bound.
 */
import { theorem1Coefficients } from './theorem1.js';
import { validateBudget, type EntropyStats } from './validate.js';

export function theorem1Integral(stats: EntropyStats, P: number, tolerance = 1e-10): number {
  validateBudget(P);
  const { a, b } = theorem1Coefficients(stats);
  const f = (t: number): number => Math.exp(-t) * Math.min(P, a * Math.exp(t) + b);
  const T = 60;
  return adaptiveSimpson(f, 0, T, tolerance, 50) + P * Math.exp(-T);
}

/** Adaptive Simpson's rule (Lyness 1969) with Richardson correction. */
export function adaptiveSimpson(f: (x: number) => number, lo: number, hi: number, tolerance: number, maxDepth: number): number {
  const fa = f(lo);
  const fb = f(hi);
  const m = (lo + hi) / 2;
  const fm = f(m);
  const whole = ((hi - lo) / 6) * (fa + 4 * fm + fb);
  return refine(f, lo, hi, fa, fm, fb, whole, tolerance, maxDepth);
}

function refine(
  f: (x: number) => number,
  lo: number,
  hi: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  tolerance: number,
  depth: number,
): number {
  const m = (lo + hi) / 2;
  const lm = (lo + m) / 2;
  const rm = (m + hi) / 2;
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - lo) / 6) * (fa + 4 * flm + fm);
  const right = ((hi - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * tolerance) return left + right + delta / 15;
  return (
    refine(f, lo, m, fa, flm, fm, left, tolerance / 2, depth - 1) + refine(f, m, hi, fm, frm, fb, right, tolerance / 2, depth - 1)
  );
}
