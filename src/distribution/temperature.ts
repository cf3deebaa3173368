/** Temperature: p_T(i) ∝ p(i)^(1/T). T < 1 sharpens (μ falls), T > 1 flattens (μ rises). */
import { InvalidValueError } from '../core/errors.js';
import type { DenseDistribution, SparseDistribution, TokenDistribution } from './distribution.js';
import { logSoftmax } from './log-softmax.js';
import { rankedTokens } from './ranked-tokens.js';

/**
 * The distribution at temperature `temperature` (≥ 0; 0 = greedy: all mass on the most probable
 * token, ties → smaller id). A new distribution; `d` is unchanged. For a sparse distribution the
 * unknown tail is taken as spread evenly over the V − k unlisted tokens (each at r/(V − k)) to
 * compute the new tail mass, which is exact only for that shape.
 */
export function withTemperature<D extends TokenDistribution>(d: D, temperature: number): D;
export function withTemperature(d: TokenDistribution, temperature: number): TokenDistribution {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new InvalidValueError('temperature', temperature, 'must be a finite number >= 0');
  if (temperature === 1) return d;
  if (temperature === 0) return greedy(d);
  if (d.kind === 'dense') {
    const lp = d.logProbs;
    const scaled = new Float64Array(lp.length);
    const inv = 1 / temperature;
    for (let i = 0; i < lp.length; i++) scaled[i] = lp[i]! * inv;
    return { kind: 'dense', logProbs: logSoftmax(scaled) } satisfies DenseDistribution;
  }
  const k = d.ids.length;
  const slots = d.vocabSize - k;
  const hasTail = d.tailMass > 0 && slots > 0;
  const tailEach = hasTail ? Math.log(d.tailMass / slots) / temperature : -Infinity;
  let max = hasTail ? tailEach : -Infinity;
  for (let i = 0; i < k; i++) max = Math.max(max, d.logProbs[i]! / temperature);
  let z = hasTail ? slots * Math.exp(tailEach - max) : 0;
  for (let i = 0; i < k; i++) z += Math.exp(d.logProbs[i]! / temperature - max);
  const lnZ = max + Math.log(z);
  const logProbs = new Float64Array(k);
  for (let i = 0; i < k; i++) logProbs[i] = d.logProbs[i]! / temperature - lnZ;
  const tailMass = hasTail ? slots * Math.exp(tailEach - lnZ) : 0;
  return { kind: 'sparse', vocabSize: d.vocabSize, ids: d.ids.slice(), logProbs, tailMass } satisfies SparseDistribution;
}

function greedy(d: TokenDistribution): TokenDistribution {
  const top = rankedTokens(d, 1);
  const id = top.ids[0] ?? 0;
  if (d.kind === 'dense') {
    const logProbs = new Float64Array(d.logProbs.length).fill(-Infinity);
    logProbs[id] = 0;
    return { kind: 'dense', logProbs };
  }
  return { kind: 'sparse', vocabSize: d.vocabSize, ids: Int32Array.of(id), logProbs: Float64Array.of(0), tailMass: 0 };
}
