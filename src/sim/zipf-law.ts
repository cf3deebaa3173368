/**
 * Zipf(s, V): every node has the same children, p(k) ∝ (k + 1)^(−s) for ranks k = 0..V−1.
 * The token tree is deterministic, so the simulated E[X*](P) is exact (standard error 0).
 */
import { InvalidValueError } from '../core/errors.js';
import type { ChildLaw } from './child-law.js';
import { createChildTable } from './child-table.js';
import { tableLaw } from './table-law.js';

/**
 * The Zipf(s) probabilities over V ranks, decreasing. `s` ≥ 0 (s = 0 is uniform).
 * @example zipfProbabilities(1, 3) // [6/11, 3/11, 2/11]
 */
export function zipfProbabilities(s: number, vocabSize: number, source = 'zipf law'): Float64Array {
  if (!(Number.isFinite(s) && s >= 0)) throw new InvalidValueError('Zipf exponent', s, 'must be a finite number >= 0', source);
  if (!(Number.isSafeInteger(vocabSize) && vocabSize >= 1)) throw new InvalidValueError('vocabulary size', vocabSize, 'must be a whole number >= 1', source);
  if (vocabSize > 50_000_000) throw new InvalidValueError('vocabulary size', vocabSize, 'must be <= 50000000', source);
  const probs = new Float64Array(vocabSize);
  let total = 0;
  // Sum from the smallest term up for accuracy.
  for (let k = vocabSize - 1; k >= 0; k--) {
    const w = (k + 1) ** -s;
    probs[k] = w;
    total += w;
  }
  for (let k = 0; k < vocabSize; k++) probs[k]! /= total;
  return probs;
}

/**
 * The deterministic Zipf law. μ and μ₂ are the entropy and second log-moment of the one
 * distribution (computed over all V ranks).
 * @example zipfLaw(1, 2).mu // H(2/3, 1/3) = ln 3 − (2/3) ln 2 ≈ 0.6365
 */
export function zipfLaw(s: number, vocabSize: number, source = 'zipf law'): ChildLaw {
  const probs = zipfProbabilities(s, vocabSize, source);
  return tableLaw({ table: createChildTable([{ probs }], source), description: { kind: 'zipf', s, vocabSize } });
}
