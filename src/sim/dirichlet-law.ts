/**
 * Dirichlet(α, V): every node draws its child distribution from a symmetric Dirichlet over V
 * tokens (independent Gamma(α) variates, normalised, sorted). Small α gives peaked
 * distributions, large α nearly uniform ones. Each draw costs V Gamma variates, so keep V modest.
 * The enumerator reads a node's children in rank order, child k + 1 only once child k is in the
 * tree, and most nodes expose one or two: for it the sampler ranks lazily (`drawTop`,
 * `exposeRank`) instead of sorting all V; other readers get `draw`'s sorted top P − 1.
 *
 * Exact moments (p₁ ~ Beta(α, (V−1)α), E[p g(p)] = E_{Beta(α+1,(V−1)α)}[g]/V):
 *   μ  = ψ(Vα + 1) − ψ(α + 1),
 *   μ₂ = (ψ(α + 1) − ψ(Vα + 1))² + ψ′(α + 1) − ψ′(Vα + 1).
 */
import { InvalidValueError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ChildLaw, ChildSampler, LawSpec } from './child-law.js';
import { digamma, trigamma } from './digamma.js';
import { fillLogGamma } from './gamma-sampler.js';
import { SampledStore, syncSampler } from './sampled-store.js';

/** Largest vocabulary a Dirichlet law accepts (each node draws V variates). */
export const MAX_DIRICHLET_VOCABULARY = 1_000_000;

/**
 * The symmetric Dirichlet law.
 * @example dirichletLaw(1, 2).mu // ψ(3) − ψ(2) = 1/2 (a uniform split of [0, 1])
 */
export function dirichletLaw(alpha: number, vocabSize: number, source = 'dirichlet law'): ChildLaw {
  if (!(Number.isFinite(alpha) && alpha > 0)) throw new InvalidValueError('Dirichlet alpha', alpha, 'must be a finite number > 0', source);
  if (!(Number.isSafeInteger(vocabSize) && vocabSize >= 2 && vocabSize <= MAX_DIRICHLET_VOCABULARY)) {
    throw new InvalidValueError('vocabulary size', vocabSize, `must be a whole number in [2, ${MAX_DIRICHLET_VOCABULARY}]`, source);
  }
  return dirichletLawFromSpec({ kind: 'dirichlet', alpha, vocabSize });
}

/** Rebuilds a Dirichlet law from its spec (also used inside workers). */
export function dirichletLawFromSpec(spec: Extract<LawSpec, { kind: 'dirichlet' }>): ChildLaw {
  const { alpha, vocabSize } = spec;
  const meanLog = digamma(alpha + 1) - digamma(vocabSize * alpha + 1);
  return {
    description: { kind: 'dirichlet', alpha, vocabSize },
    mu: -meanLog,
    mu2: meanLog * meanLog + trigamma(alpha + 1) - trigamma(vocabSize * alpha + 1),
    momentsExact: true,
    exactRanks: Number.POSITIVE_INFINITY,
    hasDrafter: false,
    spec,
    createSampler: (maxChildren) => createDirichletSampler(alpha, vocabSize, maxChildren),
  };
}

/**
 * Vocabularies up to this size are ranked lazily for the enumerator (`drawTop`/`exposeRank`): each
 * draw keeps all V probabilities, unsorted, and a child is ranked only when the enumeration reaches
 * it. Larger ones sort at once and keep the top `maxChildren` (V slots per tree node would be too many).
 */
const LAZY_VOCABULARY = 4096;

/**
 * Lazy ranks 1 .. SELECTED_RANKS − 1 are found by a linear scan for the largest remaining
 * probability (most nodes expose one or two children); reaching rank SELECTED_RANKS sorts the rest.
 */
const SELECTED_RANKS = 8;

function createDirichletSampler(alpha: number, vocabSize: number, maxChildren: number): ChildSampler {
  const keep = Math.max(1, Math.min(vocabSize, maxChildren));
  const lazy = vocabSize <= LAZY_VOCABULARY;
  const store = new SampledStore(true, (lazy ? vocabSize : keep) * 64);
  const weights = new Float64Array(vocabSize);
  /** Draws the V Gamma variates as weights G / max G into `weights` (index order); returns their sum. */
  const drawWeights = (rng: Rng): number => {
    const max = fillLogGamma(rng, alpha, weights, vocabSize);
    let total = 0;
    for (let i = 0; i < vocabSize; i++) {
      const w = Math.exp(weights[i]! - max);
      weights[i] = w;
      total += w;
    }
    return total;
  };
  const sampler: ChildSampler = {
    rankProbs: store.rankProbs,
    valueProbs: store.valueProbs,
    offsets: store.offsets,
    lengths: store.lengths,
    tailCounts: store.tailCounts,
    tailRankProbs: store.tailRankProbs,
    tailValueProbs: store.tailValueProbs,
    draw(rng) {
      const total = drawWeights(rng);
      weights.sort(); // ascending; read from the end for decreasing order
      const id = store.allocate(keep);
      syncSampler(sampler, store);
      const off = store.offsets[id]!;
      const probs = store.rankProbs;
      for (let k = 0; k < keep; k++) probs[off + k] = weights[vocabSize - 1 - k]! / total;
      // Children that underflowed to 0 are not children: trim them.
      let n = keep;
      while (n > 1 && !(probs[off + n - 1]! > 0)) n--;
      store.lengths[id] = n;
      return id;
    },
    reset() {
      store.reset();
    },
  };
  if (!lazy) return sampler;
  // The same probabilities as `draw` (each G / max G divided by the same index-order sum), all V
  // of them in the entry, the largest first; `exposeRank` moves the k-th largest to slot k.
  sampler.drawTop = (rng) => {
    const total = drawWeights(rng);
    const id = store.allocate(vocabSize);
    syncSampler(sampler, store);
    const off = store.offsets[id]!;
    const probs = store.rankProbs;
    let positive = 0;
    let top = 0;
    let topProb = -1;
    for (let i = 0; i < vocabSize; i++) {
      const p = weights[i]! / total;
      probs[off + i] = p;
      if (p > 0) positive++; // children that underflowed to 0 are not children
      if (p > topProb) {
        topProb = p;
        top = i;
      }
    }
    probs[off + top] = probs[off]!;
    probs[off] = topProb;
    store.lengths[id] = Math.min(keep, positive);
    return id;
  };
  sampler.exposeRank = (d, rank) => {
    const probs = store.rankProbs;
    const at = store.offsets[d]! + rank;
    const end = store.offsets[d]! + vocabSize;
    if (rank < SELECTED_RANKS) {
      let best = at;
      let bestProb = probs[at]!;
      for (let j = at + 1; j < end; j++) {
        const p = probs[j]!;
        if (p > bestProb) {
          bestProb = p;
          best = j;
        }
      }
      probs[best] = probs[at]!;
      probs[at] = bestProb;
    } else if (rank === SELECTED_RANKS) {
      probs.subarray(at, end).sort().reverse();
    }
  };
  return sampler;
}
