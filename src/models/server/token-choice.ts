/**
 * What the server needs from a next-token distribution: the log-probability and rank of one
 * token, the top k, and a sample at a temperature. Dense and sparse (top-k) distributions both
 * work; for a sparse one only listed tokens are known (and sampled).
 */
import type { Rng } from '../../core/rng.js';
import type { TokenDistribution } from '../../distribution/distribution.js';
import { rankedTokens } from '../../distribution/ranked-tokens.js';

/** ln p(id), or undefined when a sparse distribution does not list it. */
export function logProbOf(d: TokenDistribution, id: number): number | undefined {
  if (d.kind === 'dense') return d.logProbs[id];
  for (let i = 0; i < d.ids.length; i++) if (d.ids[i] === id) return d.logProbs[i];
  return undefined;
}

/** 1-based rank of `id` (ties: smaller id first, as everywhere in specbound); undefined when unknown. */
export function rankOf(d: TokenDistribution, id: number): number | undefined {
  if (d.kind === 'sparse') {
    for (let i = 0; i < d.ids.length; i++) if (d.ids[i] === id) return i + 1;
    return undefined;
  }
  const lp = d.logProbs;
  const x = lp[id];
  if (x === undefined) return undefined;
  let rank = 1;
  for (let i = 0; i < lp.length; i++) {
    const y = lp[i]!;
    if (y > x || (y === x && i < id)) rank++;
  }
  return rank;
}

/**
 * The `k` most probable tokens with their exact log-probabilities (not re-derived from
 * probabilities). Like vLLM, a dense distribution always yields min(k, V) tokens: when fewer than k
 * are possible, zero-probability tokens (log-probability −∞) follow in increasing id order.
 */
export function topLogProbs(d: TokenDistribution, k: number): { ids: Int32Array; logProbs: Float64Array } {
  const ranked = rankedTokens(d, k).ids;
  if (d.kind === 'sparse') return { ids: ranked, logProbs: d.logProbs.slice(0, ranked.length) };
  const lp = d.logProbs;
  const n = Math.min(k, lp.length);
  const ids = new Int32Array(n);
  ids.set(ranked);
  for (let id = 0, m = ranked.length; m < n; id++) if (!(lp[id]! > -Infinity)) ids[m++] = id;
  return { ids, logProbs: Float64Array.from(ids, (id) => lp[id]!) };
}

/**
 * Draws a token at `temperature` (0 = the most probable, smallest id on ties). A sparse
 * distribution is sampled among its listed tokens only.
 */
export function sampleToken(d: TokenDistribution, temperature: number, rng: Rng): number {
  const ids = d.kind === 'dense' ? undefined : d.ids;
  const lp = d.logProbs;
  const n = lp.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (lp[i]! > lp[best]!) best = i;
  if (temperature === 0 || !(lp[best]! > -Infinity)) return ids === undefined ? best : ids[best]!;
  const max = lp[best]!;
  const inv = 1 / temperature;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp((lp[i]! - max) * inv);
  let u = rng.next() * total;
  for (let i = 0; i < n; i++) {
    const w = Math.exp((lp[i]! - max) * inv);
    if (w > 0 && u < w) return ids === undefined ? i : ids[i]!;
    u -= w;
  }
  return ids === undefined ? best : ids[best]!;
}
