/**
 * Numerically stable log-softmax: ln p(i) = x(i) − max − ln Σ exp(x − max), accumulated in
 * float64, so logits of ±1e4 or a vocabulary of 262,144 give no overflow, underflow to NaN, or
 * loss of the largest terms.
 */
import { InvalidValueError } from '../core/errors.js';
import type { DenseDistribution } from './distribution.js';
import { logSoftmaxInKernel } from './exp-sums.js';

/**
 * Log-softmax of `logits` (natural log). Entries of −Infinity stay −Infinity (impossible tokens).
 * Throws InvalidValueError for NaN or +Infinity logits, or when every logit is −Infinity.
 *
 * @example logSoftmax(new Float64Array([0, 0])) // → [−ln 2, −ln 2]
 */
export function logSoftmax(logits: Float32Array | Float64Array): Float64Array {
  const n = logits.length;
  if (n === 0) throw new InvalidValueError('logits', '[]', 'empty vocabulary');
  // The three passes below in WebAssembly SIMD (exp-sums.ts: the same numbers to the bit), when it runs.
  const fast = logSoftmaxInKernel(logits);
  if (fast !== undefined) return fast;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = logits[i]!;
    if (x > max) max = x;
    else if (!(x <= max) && !(x === -Infinity)) throw new InvalidValueError('logits', x, `logit of token ${i} is NaN`);
  }
  if (max === Infinity) throw new InvalidValueError('logits', max, 'a logit is +Infinity');
  if (max === -Infinity) throw new InvalidValueError('logits', max, 'every logit is -Infinity (no possible token)');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i]! - max);
  // (x − max) − ln Σ rather than x − (max + ln Σ): exact for the largest logits even at 1e4.
  const lnSum = Math.log(sum);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logits[i]! - max - lnSum;
  return out;
}

/** The dense distribution of softmax(`logits`) at temperature 1 (apply `withTemperature` for others). */
export function fromLogits(logits: Float32Array | Float64Array): DenseDistribution {
  return { kind: 'dense', logProbs: logSoftmax(logits) };
}
