/**
 * Dirichlet(α, V): every node draws its child distribution from a symmetric Dirichlet over V
 * tokens (independent Gamma(α) variates, normalised, sorted). Small α gives peaked
 * distributions, large α nearly uniform ones. Each draw costs V Gamma variates and a sort, so
 * keep V modest (the enumerator only ever reads a node's top P − 1 children, which is all we keep).
 *
 * Exact moments (p₁ ~ Beta(α, (V−1)α), E[p g(p)] = E_{Beta(α+1,(V−1)α)}[g]/V):
 *   μ  = ψ(Vα + 1) − ψ(α + 1),
 *   μ₂ = (ψ(α + 1) − ψ(Vα + 1))² + ψ′(α + 1) − ψ′(Vα + 1).
 */
import { InvalidValueError } from '../core/errors.js';
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

function createDirichletSampler(alpha: number, vocabSize: number, maxChildren: number): ChildSampler {
  const keep = Math.max(1, Math.min(vocabSize, maxChildren));
  const store = new SampledStore(true, keep * 64);
  const logs = new Float64Array(vocabSize);
  const sampler: ChildSampler = {
    rankProbs: store.rankProbs,
    valueProbs: store.valueProbs,
    offsets: store.offsets,
    lengths: store.lengths,
    tailCounts: store.tailCounts,
    tailRankProbs: store.tailRankProbs,
    tailValueProbs: store.tailValueProbs,
    draw(rng) {
      const max = fillLogGamma(rng, alpha, logs, vocabSize);
      let total = 0;
      for (let i = 0; i < vocabSize; i++) {
        const w = Math.exp(logs[i]! - max);
        logs[i] = w;
        total += w;
      }
      logs.sort(); // ascending; read from the end for decreasing order
      const id = store.allocate(keep);
      syncSampler(sampler, store);
      const off = store.offsets[id]!;
      const probs = store.rankProbs;
      for (let k = 0; k < keep; k++) probs[off + k] = logs[vocabSize - 1 - k]! / total;
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
  return sampler;
}
