/**
 * `distribution/`: next-token distributions (dense over the vocabulary, or sparse top-k with a known tail
 * mass) and what every other layer does with them.
 */
export type { DenseDistribution, DistributionPair, SparseDistribution, TokenDistribution, RankedTokens } from './distribution.js';
export { vocabSizeOf, tailCapOf } from './distribution.js';
export { logSoftmax, fromLogits } from './log-softmax.js';
export { fromTopLogprobs } from './sparse.js';
export { rankedTokens } from './ranked-tokens.js';
export { probabilityOf, logProbabilityOf } from './probability.js';
export { entropy, secondLogMoment, entropyInterval, secondLogMomentInterval } from './moments.js';
export type { Interval } from './moments.js';
export { tailShape, concentratedTailSum, spreadTailSum, entropyTerm, secondLogMomentTerm } from './tail-shapes.js';
export type { TailShape } from './tail-shapes.js';
export { sampleToken } from './sample-token.js';
export { withTemperature } from './temperature.js';
export { withTopK, withTopP } from './truncation.js';
export { crossEntropyTerms } from './cross-entropy.js';
export type { CrossEntropyTerms } from './cross-entropy.js';
export { exactTransform, isIdentity, TailDependentError } from './exact-transform.js';
export type { TransformSpec } from './exact-transform.js';
