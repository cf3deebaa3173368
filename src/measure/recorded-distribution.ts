/**
 * What a measurement keeps of a distribution (in its trace, `run-trace.ts`): complete (`dense`:
 * ln p for every token, −∞ written as null) when the vocabulary is small, otherwise the `keep`
 * most probable tokens with their ln p and the remaining mass (`sparse`, a `distribution/` top-k
 * distribution). JSON keeps every double exactly, so what is read back is the very numbers kept.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import { fromTopLogprobs } from '../distribution/sparse.js';
import { rankedTokens } from '../distribution/ranked-tokens.js';

export type EncodedDistribution =
  | { readonly dense: readonly (number | null)[] }
  | { readonly vocab: number; readonly ids: readonly number[]; readonly logProbs: readonly number[] };

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

/** What is kept of `d`: itself when complete and its vocabulary is at most `denseUpTo`, else its top `keep` tokens. */
export function keptDistribution(d: TokenDistribution, keep: number, denseUpTo: number): TokenDistribution {
  return decodeDistribution(encodeDistribution(d, keep, denseUpTo));
}
