/**
 * Gamma and normal variates from an Rng (no library offers seeded, allocation-free ones over our
 * Rng). Gamma: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM
 * TOMS 26(3); shape < 1 uses the boost G(α) = G(α + 1)·U^(1/α), returned in log space so tiny
 * shapes do not underflow. Normal: Marsaglia's polar method.
 */
import type { Rng } from '../core/rng.js';

/** A standard normal variate (Marsaglia polar method; the second variate is discarded for simplicity). */
export function standardNormal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** ln of a Gamma(shape, 1) variate, shape > 0. */
export function logGamma01(rng: Rng, shape: number): number {
  if (shape < 1) {
    // G(α) = G(α+1)·U^(1/α)  ⇒  ln G(α) = ln G(α+1) + ln(U)/α
    let u = rng.next();
    while (u === 0) u = rng.next();
    return logGamma01(rng, shape + 1) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return Math.log(d * v);
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}
