/**
 * A mixture of a near-deterministic distribution and Zipf: with probability `weight` a node is
 * confident (its top token has probability 1 − ε, the other V − 1 tokens share ε in Zipf(s)
 * proportions), otherwise it is Zipf(s) over V tokens. LLMs look like this: most positions are
 * nearly certain, a few are spread out.
 */
import { InvalidValueError } from '../core/errors.js';
import type { ChildLaw } from './child-law.js';
import { createChildTable } from './child-table.js';
import { tableLaw } from './table-law.js';
import { zipfProbabilities } from './zipf-law.js';

export interface MixtureLawOptions {
  /** Probability that a node is the near-deterministic one, in [0, 1]. */
  readonly weight: number;
  /** Mass ε the near-deterministic node leaves off its top token, in [0, 0.5]. */
  readonly epsilon: number;
  /** Zipf exponent s ≥ 0. */
  readonly s: number;
  /** Vocabulary size V ≥ 2. */
  readonly vocabSize: number;
}

/**
 * The near-deterministic/Zipf mixture; μ and μ₂ exact from the two distributions.
 * @example mixtureLaw({weight: 1, epsilon: 0, s: 1, vocabSize: 10}).mu // 0 (every node is a point mass)
 */
export function mixtureLaw(options: MixtureLawOptions, source = 'mixture law'): ChildLaw {
  const { weight, epsilon, s, vocabSize } = options;
  if (!(weight >= 0 && weight <= 1)) throw new InvalidValueError('mixture weight', weight, 'must be in [0, 1]', source);
  if (!(epsilon >= 0 && epsilon <= 0.5)) throw new InvalidValueError('epsilon', epsilon, 'must be in [0, 0.5]', source);
  if (!(Number.isSafeInteger(vocabSize) && vocabSize >= 2)) throw new InvalidValueError('vocabulary size', vocabSize, 'must be a whole number >= 2', source);
  const spread = zipfProbabilities(s, vocabSize, source);
  let confident: Float64Array;
  if (epsilon === 0) {
    confident = Float64Array.of(1);
  } else {
    const rest = zipfProbabilities(s, vocabSize - 1, source);
    confident = new Float64Array(vocabSize);
    confident[0] = 1 - epsilon;
    for (let k = 1; k < vocabSize; k++) confident[k] = epsilon * rest[k - 1]!;
  }
  // Drop zero-weight components so a node never draws a distribution it cannot have.
  const entries = [];
  const weights = [];
  if (weight > 0) {
    entries.push({ probs: confident });
    weights.push(weight);
  }
  if (weight < 1) {
    entries.push({ probs: spread });
    weights.push(1 - weight);
  }
  return tableLaw({
    table: createChildTable(entries, source),
    weights,
    description: { kind: 'mixture', weight, epsilon, s, vocabSize },
  });
}
