/**
 * The dense estimator's kernel: entropy H and second log-moment Σ p (ln p)² of softmax(logits)
 * straight from raw logits, without materialising the normalised distribution.
 *
 * Two passes over the logits: one for the maximum m, one computing eʸ once per element
 * (y = x − m ≤ 0) and accumulating S₀ = Σ eʸ, S₁ = Σ eʸ·y, S₂ = Σ eʸ·y² in float64. With
 * ln p = y − ln S₀:
 *   H  = −Σ p ln p   = ln S₀ − S₁/S₀
 *   μ₂ = Σ p (ln p)² = S₂/S₀ − 2 ln S₀ · S₁/S₀ + (ln S₀)²
 * The exponential dominates the cost (one per vocabulary entry); see bench/stats.bench.ts.
 */
import { InvalidValueError } from '../core/errors.js';

/** Entropy (nats) and second log-moment (nats²) of one next-token distribution. */
export interface DenseMoments {
  entropy: number;
  secondLogMoment: number;
}

/**
 * H and Σ p (ln p)² of softmax(`logits` / `temperature`) (temperature 1 by default). Writes into
 * `out` when given (no allocation). −Infinity logits are impossible tokens; NaN or +Infinity
 * logits throw InvalidValueError.
 *
 * @example denseLogitMoments(new Float32Array(4)) // → { entropy: ln 4, secondLogMoment: ln² 4 }
 */
export function denseLogitMoments(
  logits: Float32Array | Float64Array,
  temperature = 1,
  out: DenseMoments = { entropy: 0, secondLogMoment: 0 },
): DenseMoments {
  if (!(temperature > 0 && temperature < Infinity)) throw new InvalidValueError('temperature', temperature, 'must be a finite number > 0');
  const n = logits.length;
  const inv = 1 / temperature;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = logits[i]!;
    if (x > max) max = x;
  }
  if (max === Infinity) throw new InvalidValueError('logits', max, 'a logit is +Infinity');
  if (max === -Infinity) throw new InvalidValueError('logits', max, 'no possible token (every logit is -Infinity or NaN)');
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const y = (logits[i]! - max) * inv;
    const e = Math.exp(y);
    if (e > 0) {
      const ey = e * y;
      s0 += e;
      s1 += ey;
      s2 += ey * y;
    } else if (Number.isNaN(y)) s0 = Number.NaN;
  }
  if (Number.isNaN(s0)) throw new InvalidValueError('logits', Number.NaN, 'a logit is NaN');
  const lnZ = Math.log(s0);
  const meanY = s1 / s0;
  out.entropy = lnZ - meanY;
  out.secondLogMoment = Math.max(0, s2 / s0 - 2 * lnZ * meanY + lnZ * lnZ);
  return out;
}
