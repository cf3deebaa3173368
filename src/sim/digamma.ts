/**
 * Digamma ψ and trigamma ψ′ for x > 0: recurrence up to x ≥ 10, then the asymptotic series
 * (Abramowitz & Stegun 6.3.18 and 6.4.12). Accurate to ~1e-12, enough for Dirichlet moments.
 */

/** ψ(x) = d/dx ln Γ(x). @example digamma(1) // −0.5772156649 (−Euler's constant) */
export function digamma(x: number): number {
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return result + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ′(x). @example trigamma(1) // π²/6 ≈ 1.6449340668 */
export function trigamma(x: number): number {
  let result = 0;
  while (x < 10) {
    result += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return result + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - (5 / 66) * f))));
}
