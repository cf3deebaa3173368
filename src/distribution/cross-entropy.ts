/**
 * Per-position terms of the drafter-vs-verifier quantities of Lemma 7 (SPEC.md):
 * μ_CE = E[ −Σ_{q>0} p ln q / Σ_{q>0} p ] and π₀ = E[ Σ p·1(q = 0) ], with p the verifier's and
 * q the drafter's next-token distribution at the same prefix.
 */
import { InvalidValueError } from '../core/errors.js';
import type { TokenDistribution } from './distribution.js';
import { vocabSizeOf } from './distribution.js';

export interface CrossEntropyTerms {
  /** −Σ_{q>0} p ln q / Σ_{q>0} p (nats); NaN when q gives probability 0 to every token p lists. */
  readonly crossEntropy: number;
  /** Σ p·1(q = 0): the verifier mass the drafter can never propose (the π₀ term). */
  readonly missingMass: number;
}

/**
 * The μ_CE and π₀ terms of one position. Both distributions must share the vocabulary size.
 *
 * Sparse inputs: when p is sparse only its listed tokens enter (its tail's tokens are unknown), so
 * `missingMass` counts listed tokens only. When q is sparse, an id it does not list has q = 0 if
 * q's tail mass is 0, and otherwise q = (tail mass)/(V − k) (tail taken as spread evenly).
 *
 * @example crossEntropyTerms(p, p).crossEntropy // → entropy(p) for a dense p
 */
export function crossEntropyTerms(p: TokenDistribution, q: TokenDistribution): CrossEntropyTerms {
  const V = vocabSizeOf(p);
  if (vocabSizeOf(q) !== V) throw new InvalidValueError('drafter vocabulary size', vocabSizeOf(q), `must equal the verifier's ${V}`);
  const logQ = logLookup(q);
  let num = 0;
  let covered = 0;
  let missing = 0;
  if (p.kind === 'dense') {
    const lp = p.logProbs;
    if (q.kind === 'dense') {
      const lq = q.logProbs;
      for (let i = 0; i < V; i++) {
        const l = lp[i]!;
        if (!(l > -Infinity)) continue;
        const pi = Math.exp(l);
        const m = lq[i]!;
        if (m > -Infinity) {
          num -= pi * m;
          covered += pi;
        } else missing += pi;
      }
    } else {
      for (let i = 0; i < V; i++) {
        const l = lp[i]!;
        if (!(l > -Infinity)) continue;
        const pi = Math.exp(l);
        const m = logQ(i);
        if (m > -Infinity) {
          num -= pi * m;
          covered += pi;
        } else missing += pi;
      }
    }
  } else {
    for (let j = 0; j < p.ids.length; j++) {
      const pi = Math.exp(p.logProbs[j]!);
      const m = logQ(p.ids[j]!);
      if (m > -Infinity) {
        num -= pi * m;
        covered += pi;
      } else missing += pi;
    }
  }
  return { crossEntropy: covered > 0 ? num / covered : Number.NaN, missingMass: missing };
}

function logLookup(q: TokenDistribution): (id: number) => number {
  if (q.kind === 'dense') {
    const lq = q.logProbs;
    return (id) => lq[id] ?? -Infinity;
  }
  const map = new Map<number, number>();
  for (let i = 0; i < q.ids.length; i++) map.set(q.ids[i]!, q.logProbs[i]!);
  const slots = q.vocabSize - q.ids.length;
  const unlisted = q.tailMass > 0 && slots > 0 ? Math.log(q.tailMass / slots) : -Infinity;
  return (id) => map.get(id) ?? unlisted;
}
