/**
 * How a measured distribution is stored in the unit log (JSON): complete (`dense`: ln p for
 * every token, −∞ written as null) when the vocabulary is small, otherwise the `keep` most
 * probable tokens with their ln p and the remaining mass (`sparse`, a `distribution/` top-k distribution).
 * JSON keeps every double exactly, so a resumed run reads back the very numbers it wrote.
 */
import { z } from 'zod';
import type { TokenDistribution } from '../distribution/distribution.js';
import { fromTopLogprobs } from '../distribution/sparse.js';
import { rankedTokens } from '../distribution/ranked-tokens.js';

export const EncodedDistributionSchema = z.union([
  z.object({ dense: z.array(z.number().nullable()) }),
  z.object({ vocab: z.number().int().positive(), ids: z.array(z.number().int().nonnegative()), logProbs: z.array(z.number()) }),
]);
export type EncodedDistribution = z.infer<typeof EncodedDistributionSchema>;

/** Encodes `d` dense when its vocabulary is at most `denseUpTo`, else as its top `keep` tokens. */
export function encodeDistribution(d: TokenDistribution, keep: number, denseUpTo: number): EncodedDistribution {
  const V = d.kind === 'dense' ? d.logProbs.length : d.vocabSize;
  if (d.kind === 'dense' && V <= denseUpTo) return { dense: Array.from(d.logProbs, (l) => (l > -Infinity ? l : null)) };
  const r = rankedTokens(d, keep);
  const ids = Array.from(r.ids);
  const logProbs = ids.map((id, i) => (d.kind === 'dense' ? d.logProbs[id]! : Math.log(r.probs[i]!)));
  return { vocab: V, ids, logProbs };
}

/** The `distribution/` distribution of an encoded one (sparse ones get their tail mass from Σ p). */
export function decodeDistribution(e: EncodedDistribution): TokenDistribution {
  if ('dense' in e) return { kind: 'dense', logProbs: Float64Array.from(e.dense, (l) => (l === null ? -Infinity : l)) };
  return fromTopLogprobs(e.vocab, e.ids, e.logProbs);
}
