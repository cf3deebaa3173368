/**
 * A drafter law made from a verifier law: at each node the verifier's children p are drawn from
 * `verifier`, and the drafter's q over the verifier's top `candidates` tokens is
 *   q(i) ∝ exp(ln p(i) / temperature + noise · Z_i),   Z_i ~ N(0, 1) independent,
 * so temperature > 1 flattens the drafter, noise scrambles its ranking, and tokens beyond the
 * top `candidates` are never proposed (q = 0; their verifier mass is π₀). The simulator builds
 * the q-greedy tree (Lemma 1 on q) and scores it with p: the true E[X] of a drafter that only
 * knows q, to compare with Lemma 7's min(1/π₀, ln P/μ_CE).
 *
 * μ, μ₂ are the verifier law's; μ_CE and π₀ are Monte Carlo estimates over `estimateSamples` nodes.
 */
import { InvalidValueError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { ChildLaw, ChildSampler, DrafterLaw, LawSpec } from './child-law.js';
import { standardNormal } from './gamma-sampler.js';
import { SampledStore, syncSampler } from './sampled-store.js';

export interface NoisyDrafterOptions {
  /** Drafter temperature (> 0; 1 = same shape as the verifier). Default 1. */
  readonly temperature?: number;
  /** Standard deviation of the log-space noise (≥ 0). Default 0.5. */
  readonly noise?: number;
  /** The drafter proposes only among the verifier's top `candidates` tokens. Default 1024. */
  readonly candidates?: number;
  /** Nodes sampled to estimate μ_CE and π₀. Default 20000. */
  readonly estimateSamples?: number;
  /** Seed of that estimate. Default 1. */
  readonly estimateSeed?: number;
}

/**
 * Wraps a verifier law into a (p, q) drafter law.
 * @example noisyDrafterLaw(zipfLaw(1, 8), {noise: 0}).muCE // = μ of the verifier when q = p
 */
export function noisyDrafterLaw(verifier: ChildLaw, options: NoisyDrafterOptions = {}, source = 'drafter law'): DrafterLaw {
  const temperature = options.temperature ?? 1;
  const noise = options.noise ?? 0.5;
  const candidates = options.candidates ?? 1024;
  const estimateSamples = options.estimateSamples ?? 20_000;
  if (verifier.hasDrafter) throw new InvalidValueError('verifier law', verifier.description.kind, 'already has a drafter', source);
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new InvalidValueError('drafter temperature', temperature, 'must be > 0', source);
  if (!(Number.isFinite(noise) && noise >= 0)) throw new InvalidValueError('drafter noise', noise, 'must be >= 0', source);
  if (!(Number.isSafeInteger(candidates) && candidates >= 1)) throw new InvalidValueError('drafter candidates', candidates, 'must be a whole number >= 1', source);
  if (!(Number.isSafeInteger(estimateSamples) && estimateSamples >= 1)) throw new RangeError(`estimateSamples must be a positive integer, got ${estimateSamples}`);
  const { muCE, pi0 } = estimateDrafterStatistics(verifier, temperature, noise, candidates, estimateSamples, options.estimateSeed ?? 1);
  return noisyDrafterLawFromSpec(
    { kind: 'noisy-drafter', verifier: verifier.spec, temperature, noise, candidates, muCE, pi0, estimateSamples },
    verifier,
  );
}

/** Rebuilds the drafter law from its spec and the rebuilt verifier law (used inside workers). */
export function noisyDrafterLawFromSpec(spec: Extract<LawSpec, { kind: 'noisy-drafter' }>, verifier: ChildLaw): DrafterLaw {
  const { temperature, noise, candidates } = spec;
  return {
    description: { kind: 'noisy-drafter', verifier: verifier.description, temperature, noise, candidates },
    mu: verifier.mu,
    mu2: verifier.mu2,
    momentsExact: verifier.momentsExact,
    exactRanks: verifier.exactRanks,
    hasDrafter: true,
    muCE: spec.muCE,
    pi0: spec.pi0,
    spec,
    createSampler: (maxChildren) => createDrafterSampler(verifier, temperature, noise, candidates, maxChildren),
  };
}

/** Draws a node's verifier children (top `candidates`) into `p` and the drafter's unnormalised log q into `logQ`; returns the count and the mass left out. */
function drawPair(verifierSampler: ChildSampler, rng: Rng, temperature: number, noise: number, candidates: number, p: Float64Array, logQ: Float64Array): { count: number; missed: number } {
  const d = verifierSampler.draw(rng);
  const length = verifierSampler.lengths[d]!;
  const total = length + verifierSampler.tailCounts[d]!;
  const count = Math.min(candidates, total);
  const offset = verifierSampler.offsets[d]!;
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const pk = k < length ? verifierSampler.valueProbs[offset + k]! : verifierSampler.tailValueProbs[d]!;
    p[k] = pk;
    kept += pk;
    logQ[k] = Math.log(pk) / temperature + (noise > 0 ? noise * standardNormal(rng) : 0);
  }
  return { count, missed: Math.max(0, 1 - kept) };
}

/** Normalises log q in place into q (returns nothing; `logQ[k]` becomes q(k)). */
function normaliseLogQ(logQ: Float64Array, count: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) if (logQ[k]! > max) max = logQ[k]!;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const w = Math.exp(logQ[k]! - max);
    logQ[k] = w;
    sum += w;
  }
  for (let k = 0; k < count; k++) logQ[k]! /= sum;
}

function estimateDrafterStatistics(verifier: ChildLaw, temperature: number, noise: number, candidates: number, samples: number, seed: number): { muCE: number; pi0: number } {
  const sampler = verifier.createSampler(candidates);
  const p = new Float64Array(candidates);
  const q = new Float64Array(candidates);
  const rng = createRng(seed, 0x5eed);
  let crossEntropy = 0;
  let missed = 0;
  for (let s = 0; s < samples; s++) {
    sampler.reset();
    const pair = drawPair(sampler, rng, temperature, noise, candidates, p, q);
    normaliseLogQ(q, pair.count);
    let ce = 0;
    let covered = 0;
    for (let k = 0; k < pair.count; k++) {
      if (q[k]! > 0) {
        ce -= p[k]! * Math.log(q[k]!);
        covered += p[k]!;
      }
    }
    crossEntropy += covered > 0 ? ce / covered : 0;
    missed += pair.missed;
  }
  return { muCE: crossEntropy / samples, pi0: missed / samples };
}

function createDrafterSampler(verifier: ChildLaw, temperature: number, noise: number, candidates: number, maxChildren: number): ChildSampler {
  const verifierSampler = verifier.createSampler(candidates);
  const store = new SampledStore(false, Math.min(candidates, maxChildren) * 64);
  const p = new Float64Array(candidates);
  const q = new Float64Array(candidates);
  const order = new Int32Array(candidates);
  const byQ = (a: number, b: number): number => q[b]! - q[a]! || a - b;
  const sampler: ChildSampler = {
    rankProbs: store.rankProbs,
    valueProbs: store.valueProbs,
    offsets: store.offsets,
    lengths: store.lengths,
    tailCounts: store.tailCounts,
    tailRankProbs: store.tailRankProbs,
    tailValueProbs: store.tailValueProbs,
    draw(rng) {
      verifierSampler.reset(); // the verifier's draw is copied out at once, so its store never grows
      const { count } = drawPair(verifierSampler, rng, temperature, noise, candidates, p, q);
      normaliseLogQ(q, count);
      for (let k = 0; k < count; k++) order[k] = k;
      order.subarray(0, count).sort(byQ);
      let keep = Math.min(count, maxChildren);
      while (keep > 1 && !(q[order[keep - 1]!]! > 0)) keep--; // q = 0 after underflow: never proposed
      const id = store.allocate(keep);
      syncSampler(sampler, store);
      const offset = store.offsets[id]!;
      for (let k = 0; k < keep; k++) {
        const i = order[k]!;
        store.rankProbs[offset + k] = q[i]!;
        store.valueProbs[offset + k] = p[i]!;
      }
      return id;
    },
    reset() {
      verifierSampler.reset();
      store.reset();
    },
  };
  return sampler;
}
