/**
 * Turns the logprob maps of an OpenAI-compatible answer into sparse TokenDistributions
 * (distribution/distribution.ts): the top-k token ids by decreasing probability (ties: smaller id), and
 * the tail mass 1 − Σ p. Every check that could let a wrong distribution through throws
 * InvalidModelResponseError naming the endpoint: fewer entries than asked, duplicate or
 * out-of-vocabulary ids, probabilities summing above 1.
 */
import type { SparseDistribution } from '../../distribution/distribution.js';
import { InvalidModelResponseError, UnmappableTokenError } from './errors.js';
import type { PromptLogprobEntry } from './response-schema.js';

/** vLLM sends −∞ as −9999 (clamp_prompt_logprobs); anything at or below is probability 0. */
const NEG_INF_SENTINEL = -9999;
/** Σ p may exceed 1 by rounding of the server's floats; more than this is a broken answer. */
const SUM_TOLERANCE = 1e-4;

/** Maps a token string of an answer to its id: `token_id:N` (vLLM's return_tokens_as_token_ids) or the vocabulary. */
export type TokenStringMapper = (token: string, endpoint: string) => number;

export function tokenIdMapper(pieceToId: ReadonlyMap<string, number> | undefined): TokenStringMapper {
  return (token, endpoint) => {
    if (token.startsWith('token_id:')) {
      const id = tokenIdDigits(token);
      if (id !== undefined) return id;
      const text = token.slice('token_id:'.length);
      if (/^\d+$/.test(text)) return Number(text);
    }
    const id = pieceToId?.get(token);
    if (id === undefined) throw new UnmappableTokenError(endpoint, token);
    return id;
  };
}

/**
 * The N of `token_id:N` for 1–15 decimal digits (exact in a double, so the same as
 * `Number(digits)`), read digit by digit: this runs for every entry of every answer. Undefined
 * otherwise (longer or non-digit tails take the general path).
 */
function tokenIdDigits(token: string): number | undefined {
  const start = 'token_id:'.length;
  const end = token.length;
  if (end === start || end - start > 15) return undefined;
  let id = 0;
  for (let i = start; i < end; i++) {
    const digit = token.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    id = id * 10 + digit;
  }
  return id;
}

/**
 * Builds the sparse distribution of the `k` most probable tokens from (id, logprob) pairs,
 * keeping only the k largest when the server listed one more (the sampled token).
 */
export function sparseFromPairs(
  ids: readonly number[],
  logProbs: readonly number[],
  k: number,
  vocabSize: number,
  endpoint: string,
  where: string,
): SparseDistribution {
  const expected = Math.min(k, vocabSize);
  if (ids.length < expected) {
    throw new InvalidModelResponseError(endpoint, `${where}: ${ids.length} logprobs returned, ${expected} asked for`);
  }
  // The first problem in listing order is reported (a short quadratic scan: k is at most a few dozen).
  const seen = ids.length > 64 ? new Set<number>() : undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new InvalidModelResponseError(endpoint, `${where}: token id ${id} is outside the vocabulary of ${vocabSize}`);
    if (seen === undefined ? i > 0 && ids.lastIndexOf(id, i - 1) >= 0 : seen.has(id)) throw new InvalidModelResponseError(endpoint, `${where}: token id ${id} listed twice`);
    seen?.add(id);
  }
  const byProbability = (a: number, b: number): number => logProbs[b]! - logProbs[a]! || ids[a]! - ids[b]!;
  const order = ids.map((_, i) => i);
  // Servers list top_logprobs most probable first: sort only when the listing is out of order.
  let sorted = true;
  for (let i = 1; i < order.length && sorted; i++) sorted = !(byProbability(i - 1, i) > 0);
  if (!sorted) order.sort(byProbability);
  const n = expected;
  // One backing store for both arrays: each ArrayBuffer is a separate allocation outside the
  // heap, which cost more than the rest of this function per answer (profile of the openai bench).
  const store = new ArrayBuffer(n * (Float64Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT));
  const outLogProbs = new Float64Array(store, 0, n);
  const outIds = new Int32Array(store, n * Float64Array.BYTES_PER_ELEMENT, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    const lp = logProbs[j]! <= NEG_INF_SENTINEL ? -Infinity : logProbs[j]!;
    outIds[i] = ids[j]!;
    outLogProbs[i] = lp;
    sum += Math.exp(lp);
  }
  if (sum > 1 + SUM_TOLERANCE) throw new InvalidModelResponseError(endpoint, `${where}: the top ${n} probabilities sum to ${sum.toPrecision(6)} > 1`);
  return { kind: 'sparse', vocabSize, ids: outIds, logProbs: outLogProbs, tailMass: Math.max(0, 1 - sum) };
}

/** A `top_logprobs` map (token string → logprob) of a completion choice. */
export function sparseFromTopLogprobs(
  map: Readonly<Record<string, number>>,
  k: number,
  vocabSize: number,
  mapToken: TokenStringMapper,
  endpoint: string,
  where: string,
): SparseDistribution {
  const ids: number[] = [];
  const lps: number[] = [];
  // for…in over own keys (the map is a plain JSON object): the order of Object.entries without its arrays.
  for (const token in map) {
    if (!Object.hasOwn(map, token)) continue;
    ids.push(mapToken(token, endpoint));
    lps.push(map[token]!);
  }
  return sparseFromPairs(ids, lps, k, vocabSize, endpoint, where);
}

/**
 * A `prompt_logprobs` entry (token id → {logprob, rank}). It lists the prompt's own token
 * (whatever its rank) and the top k; entries of rank > k are dropped so the tail keeps its
 * meaning (every unlisted token is at most the k-th probability).
 */
export function sparseFromPromptEntry(
  entry: PromptLogprobEntry,
  k: number,
  ownToken: number,
  vocabSize: number,
  endpoint: string,
  where: string,
): SparseDistribution {
  const all = Object.entries(entry).map(([key, v]) => {
    if (!/^\d+$/.test(key)) throw new UnmappableTokenError(endpoint, key);
    return { id: Number(key), logprob: v.logprob, rank: v.rank ?? undefined };
  });
  const ranked = all.every((e) => e.rank !== undefined);
  let top = ranked ? all.filter((e) => e.rank! <= k) : all;
  // Without ranks: k + 1 entries means the prompt's own token is the one outside the top k.
  if (!ranked && top.length === k + 1) top = top.filter((e) => e.id !== ownToken);
  return sparseFromPairs(
    top.map((e) => e.id),
    top.map((e) => e.logprob),
    k,
    vocabSize,
    endpoint,
    where,
  );
}
