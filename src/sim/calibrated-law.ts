/**
 * A law calibrated to given (μ, μ₂), so every preset of the paper's Table 1 can be simulated.
 *
 * Family: with probability w a node is confident (top token 1 − ε, one runner-up ε; ε = 10⁻³ by
 * default), otherwise it is spread: top token 1 − t, and the mass t shared by n further tokens in
 * Zipf proportions z_k ∝ (k + 1)^(−s) (s = `tailExponent`, default 1; s = 0 shares it equally).
 * Real verifiers look like this: entropy sits in a few uncertain positions, which is why μ₂/μ is
 * large in Table 1. The mixture's moments are linear in w:
 *   μ = w·H_C + (1 − w)·H_S(n, t),   μ₂ = w·M_C + (1 − w)·M_S(n, t),
 * with, for the spread node (A_n = Σ z ln z, B_n = Σ z ln² z),
 *   H_S = −(1 − t) ln(1 − t) − t ln t − t·A_n,
 *   M_S = (1 − t) ln²(1 − t) + t (ln² t + 2 ln t·A_n + B_n),
 * so (μ, μ₂) must lie on the segment from the confident point (H_C, M_C) to the spread point
 * (H_S, M_S). We take the largest n for which the ray from (H_C, M_C) through (μ, μ₂) crosses the
 * curve t ↦ (H_S, M_S) at H_S > μ, find that t by bisection, and read w off the first equation.
 * Both moments are then matched exactly (to rounding). Since M ≥ H² for every distribution, a
 * target with μ₂/μ below ~ln 2 (nearly uniform entropy everywhere) is outside the family.
 *
 * The shape matters: Theorem 1 sees only (μ, μ₂), but the simulated optimum depends on the whole
 * law (with s = 0 the equal tail probabilities make E[X*](P) grow in steps).
 */
import { InvalidValueError } from '../core/errors.js';
import type { ChildLaw } from './child-law.js';
import { createChildTable } from './child-table.js';
import { tableLaw } from './table-law.js';

export interface CalibratedLawOptions {
  readonly mu: number;
  readonly mu2: number;
  /** Largest vocabulary the spread node may use (default 128256, Llama 3's). */
  readonly vocabSize?: number;
  /** Runner-up mass of the confident node (default 1e-3, falling back to 0 = a point mass). */
  readonly confidentEpsilon?: number;
  /** Zipf exponent s of the spread node's tail (default 1; 0 = equal shares). */
  readonly tailExponent?: number;
  /** Name of the preset the targets come from, for the description. */
  readonly preset?: string;
}

/** The solved parameters of the calibrated family. */
export interface CalibratedParameters {
  /** Probability w that a node is confident. */
  readonly confidentWeight: number;
  /** Runner-up mass ε of the confident node. */
  readonly confidentEpsilon: number;
  /** Mass t the spread node leaves off its top token. */
  readonly spreadMass: number;
  /** Number n of tokens sharing that mass. */
  readonly spreadTokens: number;
  /** Zipf exponent s of how they share it. */
  readonly tailExponent: number;
}

const xlogx = (p: number): number => (p > 0 ? p * Math.log(p) : 0);
const xlog2x = (p: number): number => (p > 0 ? p * Math.log(p) ** 2 : 0);

/** Prefix sums over k < n of w_k = (k+1)^(−s), w ln w and w ln² w, for the tail moments A_n, B_n. */
function tailPrefixSums(maxTokens: number, s: number): { w: Float64Array; wl: Float64Array; wl2: Float64Array } {
  const w = new Float64Array(maxTokens + 1);
  const wl = new Float64Array(maxTokens + 1);
  const wl2 = new Float64Array(maxTokens + 1);
  for (let k = 0; k < maxTokens; k++) {
    const l = -s * Math.log(k + 1);
    const x = Math.exp(l);
    w[k + 1] = w[k]! + x;
    wl[k + 1] = wl[k]! + x * l;
    wl2[k + 1] = wl2[k]! + x * l * l;
  }
  return { w, wl, wl2 };
}

/**
 * Solves the calibrated family for (μ, μ₂); undefined when no member matches.
 * @example solveCalibration(0.683, 2.96, 128256, 1e-3, 0) // {confidentWeight ≈ 0.839, spreadTokens: 76, spreadMass ≈ 0.886, ...}
 */
export function solveCalibration(mu: number, mu2: number, vocabSize: number, confidentEpsilon: number, tailExponent = 1): CalibratedParameters | undefined {
  const eps = confidentEpsilon;
  const confidentH = -xlogx(1 - eps) - xlogx(eps);
  const confidentM = xlog2x(1 - eps) + xlog2x(eps);
  if (!(mu > confidentH)) return undefined;
  const slope = (mu2 - confidentM) / (mu - confidentH);
  const prefix = tailPrefixSums(vocabSize - 1, tailExponent);
  for (let n = vocabSize - 1; n >= 1; n = n > 2000 ? Math.floor(n / 1.05) : n > 200 ? Math.floor(n / 1.01) : n - 1) {
    // Tail moments A_n = Σ z ln z, B_n = Σ z ln² z with z = w / W.
    const total = prefix.w[n]!;
    const logTotal = Math.log(total);
    const a = prefix.wl[n]! / total - logTotal;
    const b = prefix.wl2[n]! / total - (2 * logTotal * prefix.wl[n]!) / total + logTotal * logTotal;
    const spreadEntropy = (t: number): number => -xlogx(1 - t) - (t > 0 ? t * Math.log(t) + t * a : 0);
    const spreadSecondMoment = (t: number): number => {
      if (!(t > 0)) return xlog2x(1 - t);
      const l = Math.log(t);
      return xlog2x(1 - t) + t * (l * l + 2 * l * a + b);
    };
    const tMax = 1 / (1 + 1 / total); // beyond this the top token is no longer the most probable
    if (spreadEntropy(tMax) <= mu) continue;
    // H_S increases in t on (0, tMax]: find where it passes μ.
    let lo = 0;
    let hi = tMax;
    for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
      const mid = (lo + hi) / 2;
      if (spreadEntropy(mid) > mu) hi = mid;
      else lo = mid;
    }
    const tMu = hi;
    const gap = (t: number): number => spreadSecondMoment(t) - confidentM - slope * (spreadEntropy(t) - confidentH);
    const steps = 200;
    let prevT = tMax;
    let prevGap = gap(tMax);
    for (let i = 1; i <= steps; i++) {
      const t = tMu + (tMax - tMu) * (1 - i / steps);
      const g = gap(t);
      if (g === 0 || g < 0 !== prevGap < 0) {
        let lower = t;
        let upper = prevT;
        for (let j = 0; j < 200 && upper - lower > 1e-16; j++) {
          const m = (lower + upper) / 2;
          if (gap(m) < 0 === g < 0) lower = m;
          else upper = m;
        }
        const spreadMass = g === 0 ? t : (lower + upper) / 2;
        const h = spreadEntropy(spreadMass);
        const confidentWeight = (h - mu) / (h - confidentH);
        return { confidentWeight, confidentEpsilon: eps, spreadMass, spreadTokens: n, tailExponent };
      }
      prevT = t;
      prevGap = g;
    }
  }
  return undefined;
}

/**
 * The law matching (μ, μ₂); μ and μ₂ reported are those of the built law (equal to the targets
 * to ~1e-12). Throws InvalidValueError when the targets are impossible or outside the family.
 * @example calibratedLaw({mu: 0.683, mu2: 2.96}).mu // 0.683 (Llama-3.1-8B mean row of Table 1)
 */
export function calibratedLaw(options: CalibratedLawOptions, source = 'calibrated law'): ChildLaw {
  const { mu, mu2 } = options;
  const vocabSize = options.vocabSize ?? 128_256;
  if (!(Number.isFinite(mu) && mu > 0)) throw new InvalidValueError('mu', mu, 'must be > 0 (a deterministic verifier has no speculation limit)', source);
  if (!(Number.isFinite(mu2) && mu2 >= mu * mu)) throw new InvalidValueError('mu2', mu2, `must be >= mu^2 = ${mu * mu} (Jensen)`, source);
  if (!(Number.isSafeInteger(vocabSize) && vocabSize >= 2)) throw new InvalidValueError('vocabulary size', vocabSize, 'must be a whole number >= 2', source);
  let params: CalibratedParameters | undefined;
  const tailExponent = options.tailExponent ?? 1;
  if (!(Number.isFinite(tailExponent) && tailExponent >= 0)) throw new InvalidValueError('tail exponent', tailExponent, 'must be >= 0', source);
  for (const eps of options.confidentEpsilon === undefined ? [1e-3, 0] : [options.confidentEpsilon]) {
    params = solveCalibration(mu, mu2, vocabSize, eps, tailExponent);
    if (params !== undefined) break;
  }
  if (params === undefined) {
    throw new InvalidValueError('mu2', mu2, `no confident/spread mixture over ${vocabSize} tokens has mu = ${mu} and this mu2 (mu2/mu must be well above ln 2 and mu below ln V)`, source);
  }
  const { confidentWeight: w, confidentEpsilon: eps, spreadMass: t, spreadTokens: n } = params;
  const confident = eps > 0 ? Float64Array.of(1 - eps, eps) : Float64Array.of(1);
  const spread = new Float64Array(n + 1);
  let total = 0;
  for (let k = n - 1; k >= 0; k--) total += (k + 1) ** -tailExponent;
  spread[0] = 1 - t;
  for (let k = 0; k < n; k++) spread[k + 1] = (t * (k + 1) ** -tailExponent) / total;
  return tableLaw({
    table: createChildTable([{ probs: confident }, { probs: spread }], source),
    weights: [w, 1 - w],
    description: {
      kind: 'calibrated',
      ...(options.preset === undefined ? {} : { preset: options.preset }),
      targetMu: mu,
      targetMu2: mu2,
      ...params,
    },
  });
}
