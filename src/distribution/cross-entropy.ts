/**
 * Per-position terms of the drafter-vs-verifier quantities of Lemma 7 (docs/conventions.md):
 * μ_CE = E[ −Σ_{q>0} p ln q / Σ_{q>0} p ] and π₀ = E[ Σ p·1(q = 0) ], with p the verifier's and
 * q the drafter's next-token distribution at the same prefix.
 */
import { InvalidValueError } from '../core/errors.js';
import type { TokenDistribution } from './distribution.js';
import { tailCapOf, vocabSizeOf } from './distribution.js';

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

/** The μ_CE and π₀ terms of one position as intervals over every tail consistent with top-k data. */
export interface CrossEntropyIntervals {
  /** [low, high] of −Σ_{q>0} p ln q / Σ_{q>0} p; high may be Infinity (a top-k q can be tiny on an unlisted token). */
  readonly crossEntropy: [number, number];
  /** [low, high] of Σ p·1(q = 0). */
  readonly missingMass: [number, number];
}

/**
 * Intervals for the terms of `crossEntropyTerms` when p or q is top-k: every completion of the
 * unknown tails (p's unlisted mass over its unlisted ids, each ≤ its cap; q's likewise) gives a
 * value inside. Dense p and q give points.
 *
 * Derivation. The ratio is a weighted mean of −ln q over the covered mass. Known tokens give
 * N = Σ p(−ln q), C = Σ p over q > 0, Π = Σ p over q = 0. Two pools are unknown:
 * - U: tokens p lists whose q is unknown (q top-k with a tail): mass M_U; each may have q = 0 or
 *   any q ≤ q's cap, so −ln q ∈ [−ln cap_q, ∞).
 * - T: p's tail r_p over its unlisted ids (each ≤ cap_p). The mass m that lands on q > 0 ids
 *   lies in [m_min, m_max] (m_max = min(r_p, cap_p·#ids that can have q > 0), m_min = max(0,
 *   r_p − cap_p·#ids that can have q = 0)), at −ln q ∈ [w_min, w_max] over those ids.
 * For any allocation the ratio is ≥ (N + m_U·w_U,min + m_T·w_T,min)/(C + m_U + m_T) (each w replaced
 * by its pool's smallest), which is linear-fractional and so monotone in m_U and in m_T: its minimum
 * over the box is at a vertex. The same with the largest w gives the high end. π₀ ∈
 * [Π + r_p − m_max, Π + r_p − m_min + M_U]. Positions where no mass can be covered give NaN.
 */
export function crossEntropyIntervals(p: TokenDistribution, q: TokenDistribution): CrossEntropyIntervals {
  if (p.kind === 'dense' && (q.kind === 'dense' || !(q.tailMass > 0))) {
    const t = crossEntropyTerms(p, q);
    return { crossEntropy: [t.crossEntropy, t.crossEntropy], missingMass: [t.missingMass, t.missingMass] };
  }
  const V = vocabSizeOf(p);
  if (vocabSizeOf(q) !== V) throw new InvalidValueError('drafter vocabulary size', vocabSizeOf(q), `must equal the verifier's ${V}`);
  const qListed = new Map<number, number>();
  if (q.kind === 'sparse') for (let i = 0; i < q.ids.length; i++) qListed.set(q.ids[i]!, q.logProbs[i]!);
  // A q tail with cap 0 (its last listed token has q = 0 and 1 − Σ q is rounding) cannot put q > 0 anywhere.
  const qTail = q.kind === 'sparse' && q.tailMass > 0 && tailCapOf(q) > 0;
  const qCapLog = q.kind === 'sparse' && qTail ? Math.log(tailCapOf(q)) : -Infinity;
  /** ln q(id), or NaN when unknown (q top-k with a tail, id not listed). */
  const logQ = (id: number): number => {
    if (q.kind === 'dense') return q.logProbs[id]!;
    const l = qListed.get(id);
    if (l !== undefined) return l;
    return qTail ? Number.NaN : -Infinity;
  };
  let N = 0;
  let C = 0;
  let Pi = 0;
  let MU = 0;
  const visit = (id: number, pi: number): void => {
    if (!(pi > 0)) return;
    const l = logQ(id);
    if (Number.isNaN(l)) MU += pi;
    else if (l > -Infinity) {
      N -= pi * l;
      C += pi;
    } else Pi += pi;
  };
  let rP = 0;
  let capP = 0;
  const pListed = new Set<number>();
  if (p.kind === 'dense') {
    for (let i = 0; i < V; i++) visit(i, Math.exp(p.logProbs[i]!));
  } else {
    for (let j = 0; j < p.ids.length; j++) {
      pListed.add(p.ids[j]!);
      visit(p.ids[j]!, Math.exp(p.logProbs[j]!));
    }
    rP = p.ids.length < V ? p.tailMass : 0;
    capP = tailCapOf(p);
  }
  // Pool T: p's tail over the ids p does not list.
  let mMin = 0;
  let mMax = 0;
  let wMinT = Number.POSITIVE_INFINITY;
  let wMaxT = Number.NEGATIVE_INFINITY;
  if (rP > 0) {
    let canCover = 0;
    let canMiss = 0;
    const unknownW = -qCapLog; // −ln cap_q: the smallest −ln q of an id q does not list
    let unknownIds = 0;
    {
      const scan = (id: number): void => {
        if (pListed.has(id)) return;
        const l = logQ(id);
        if (Number.isNaN(l)) {
          unknownIds++;
          return;
        }
        if (l > -Infinity) {
          canCover++;
          wMinT = Math.min(wMinT, -l);
          wMaxT = Math.max(wMaxT, -l);
        } else canMiss++;
      };
      if (q.kind === 'dense') for (let id = 0; id < V; id++) scan(id);
      else {
        for (const id of qListed.keys()) scan(id);
        // The ids neither lists: V − |p listed ∪ q listed|.
        let both = pListed.size;
        for (const id of qListed.keys()) if (!pListed.has(id)) both++;
        const neither = V - both;
        if (qTail) unknownIds += neither;
        else canMiss += neither;
      }
    }
    if (unknownIds > 0) {
      canCover += unknownIds;
      canMiss += unknownIds;
      wMinT = Math.min(wMinT, unknownW);
      wMaxT = Number.POSITIVE_INFINITY;
    }
    mMax = Math.min(rP, capP * canCover);
    // Rounding in 1 − Σ p can leave a tail that "does not fit"; never ask for more than can be covered.
    mMin = Math.min(mMax, Math.max(0, rP - capP * canMiss));
  }
  const wMinU = -qCapLog;
  const ratio = (nU: number, wU: number, nT: number, wT: number): number => {
    const den = C + nU + nT;
    if (!(den > 0)) return Number.NaN;
    if ((nU > 0 && wU === Number.POSITIVE_INFINITY) || (nT > 0 && wT === Number.POSITIVE_INFINITY)) return Number.POSITIVE_INFINITY;
    return (N + (nU > 0 ? nU * wU : 0) + (nT > 0 ? nT * wT : 0)) / den;
  };
  const mUs = MU > 0 ? [0, MU] : [0];
  const mTs = mMax > mMin ? [mMin, mMax] : [mMin];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const mU of mUs) {
    for (const mT of mTs) {
      const lo = ratio(mU, wMinU, mT, wMinT);
      const hi = ratio(mU, Number.POSITIVE_INFINITY, mT, wMaxT);
      if (!Number.isNaN(lo)) low = Math.min(low, lo);
      if (!Number.isNaN(hi)) high = Math.max(high, hi);
    }
  }
  const crossEntropy: [number, number] = low === Number.POSITIVE_INFINITY ? [Number.NaN, Number.NaN] : [low, high];
  const missLow = Math.max(0, Pi + rP - mMax);
  return { crossEntropy, missingMass: [missLow, Math.max(missLow, Math.min(1, Pi + rP - mMin + MU))] };
}
