/**
 * Gamma and normal variates from an Rng (no library offers seeded, allocation-free ones over our
 * Rng), returned as ln G so tiny shapes do not underflow.
 *
 * Gamma, shape ≥ 1: Marsaglia & Tsang (2000), "A simple method for generating gamma variables",
 * ACM TOMS 26(3), with Marsaglia's polar normal. Shape < 1: Liu, Martin & Syring (2017),
 * "Simulating from a gamma distribution with small shape parameter", Statistics and Computing
 * 27(6), algorithm rgamss: ln G = −Z/α with Z drawn by rejection from the density ∝
 * exp(−z − e^(−z/α)) under an exponential/power mixture envelope. It replaced the boost
 * G(α) = G(α + 1)·U^(1/α) (a Marsaglia–Tsang variate plus a uniform: ~4.6 uniforms and three
 * logarithms per variate) with ~2.2 uniforms, one logarithm and one or two exponentials, ~1.6x
 * faster for the Dirichlet law's α = 0.1. This changed the random stream of Dirichlet draws with
 * α < 1/2 (results agree with the boost within Monte Carlo error: test/sim/dirichlet-law.test.ts).
 * For 1/2 ≤ α < 1 the boost is kept (its stream as before rgamss): rgamss accepts with probability
 * Γ(α + 1)/(1 + w), w = α/(e(1 − α)), which falls from 0.91 at α = 0.1 to 0.65 at 1/2, 0.22 at 0.9
 * and 0.03 at 0.99, while the boost costs the same at every α (measured: equal at α = 1/2, ~80 ns;
 * rgamss 4x slower at 0.9).
 *
 * Its acceptance test exp(−e^(−z/α)) > U costs two exponentials; a squeeze settles ~90% of them
 * (α = 0.1) with a few multiplications and leaves every variate, draw for draw, as it was (see
 * `logGammaSmallShape`).
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

/** Shapes below this use rgamss; from it up to 1, the boost over Marsaglia–Tsang (file comment). */
const SMALL_SHAPE = 0.5;

/** ln of a Gamma(shape, 1) variate, shape > 0 (fillLogGamma for one variate). */
export function logGamma01(rng: Rng, shape: number): number {
  fillLogGamma(rng, shape, one, 1);
  return one[0]!;
}

const one = new Float64Array(1);

/**
 * Fills out[0..n) with ln Gamma(shape, 1) variates and returns their maximum (the shape's
 * constants computed once): rgamss below 1/2, the boost from 1/2 to 1, Marsaglia–Tsang from 1.
 */
export function fillLogGamma(rng: Rng, shape: number, out: Float64Array, n: number): number {
  let max = Number.NEGATIVE_INFINITY;
  if (shape < SMALL_SHAPE) {
    const k = smallShapeConstants(shape);
    for (let i = 0; i < n; i++) {
      const g = logGammaSmallShape(rng, shape, k);
      out[i] = g;
      if (g > max) max = g;
    }
    return max;
  }
  // Marsaglia–Tsang with the polar normal inlined, for shape + 1 times U^(1/shape) when shape < 1.
  const boost = shape < 1;
  const d = (boost ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let i = 0; i < n; i++) {
    let lb = 0;
    if (boost) {
      let u = rng.next();
      while (u === 0) u = rng.next();
      lb = Math.log(u) / shape;
    }
    let l: number;
    for (;;) {
      let x: number;
      let v: number;
      do {
        for (;;) {
          const a = 2 * rng.next() - 1;
          const b = 2 * rng.next() - 1;
          const s = a * a + b * b;
          if (s > 0 && s < 1) {
            x = a * Math.sqrt((-2 * Math.log(s)) / s);
            break;
          }
        }
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng.next();
      if (u < 1 - 0.0331 * x * x * x * x || (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))) {
        l = Math.log(d * v);
        break;
      }
    }
    const g = boost ? l + lb : l;
    out[i] = g;
    if (g > max) max = g;
  }
  return max;
}

interface SmallShape {
  /** λ = 1/α − 1 */
  readonly lambda: number;
  /** w = α / (e (1 − α)) */
  readonly w: number;
  /** r = 1 / (1 + w): probability of the exponential part of the envelope */
  readonly r: number;
  /** k = ⌊1/α⌋ capped at 32: t^k ≥ t^(1/α) for t in (0, 1], the squeeze's cheap bound on e^(−z/α) */
  readonly k: number;
}

function smallShapeConstants(alpha: number): SmallShape {
  const lambda = 1 / alpha - 1;
  const w = alpha / (Math.E * (1 - alpha));
  return { lambda, w, r: 1 / (1 + w), k: Math.min(32, Math.max(1, Math.floor(1 / alpha))) };
}

/**
 * Margin of the squeeze, far above the rounding it must cover (a few units of 2^−53: the
 * exponentials of the exact test, V8's fdlibm-derived Math.exp/Math.log being within 1 ulp, and
 * the k − 1 products of t^k), far below anything that changes how often the squeeze decides.
 */
const SQUEEZE_MARGIN = 2 ** -40;

/**
 * rgamss (Liu, Martin & Syring 2017, §2): ln G for shape α < 1.
 *
 * On the exponential side (z = −ln t, t = u/r in (0, 1]) the test is exp(−G) > U with
 * G = e^(−z/α) = t^(1/α). Since exp(−G) ≥ 1 − G and G ≤ t^k (k ≤ 1/α, t ≤ 1), U < 1 − t^k − margin
 * implies the exact test accepts; only the other ~E[t^k] = 1/(k + 1) of the draws compute it. The
 * uniforms drawn and the value returned (−z/α from the same ln) are those of the exact test alone
 * (test/sim/dirichlet-law.test.ts replays one against the other).
 */
function logGammaSmallShape(rng: Rng, alpha: number, c: SmallShape): number {
  const { lambda, w, r, k } = c;
  for (;;) {
    const u = rng.next();
    if (u <= r) {
      if (u === 0) continue; // −ln 0: draw again (probability 2^−53)
      const t = u / r;
      const z = -Math.log(t); // Exp(1), z ≥ 0
      const v = rng.next();
      // t^k by squaring (k ≤ 32: at most five squarings and five products).
      let bound = 1;
      let base = t;
      for (let e = k; e > 0; e >>= 1) {
        if ((e & 1) !== 0) bound *= base;
        base *= base;
      }
      if (v < 1 - bound - SQUEEZE_MARGIN) return -z / alpha;
      // Target h(z) = exp(−z − e^(−z/α)); envelope η(z) = e^(−z) for z ≥ 0.
      if (Math.exp(-Math.exp(-z / alpha)) > v) return -z / alpha;
    } else {
      let v = rng.next();
      while (v === 0) v = rng.next();
      const z = Math.log(v) / lambda; // z < 0, density λ e^(λz); envelope w λ e^(λz)
      if (Math.exp(-z - Math.exp(-z / alpha) - lambda * z) / (w * lambda) > rng.next()) return -z / alpha;
    }
  }
}
