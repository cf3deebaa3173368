/**
 * The second anchor of the Dirichlet benchmark: specbound's own Dirichlet sampler as it was before
 * issue 18 (src/sim/gamma-sampler.ts `fillLogGamma` and src/sim/dirichlet-law.ts
 * `createDirichletSampler` at commit 9a1fe26^, transcribed): Gamma(α < 1) by the boost
 * G(α) = G(α + 1)·U^(1/α) over Marsaglia–Tsang with a polar normal, then a full sort of the V
 * children at every node. Issue 18 asks the Dirichlet law for ≥ 2× that figure (65 trees/s then);
 * measuring it in the same run makes the ratio independent of the machine's load. It runs through
 * today's enumerator, so the ratio counts the law's own changes only. Used by bench/sim.bench.ts only.
 */
import type { Rng } from '../../src/core/rng.js';
import type { ChildSampler } from '../../src/sim/child-law.js';
import { SampledStore, syncSampler } from '../../src/sim/sampled-store.js';

/** ln Gamma(shape) variates into out[0..n), shape < 1 by the boost; returns their maximum. */
function fillLogGammaBoost(rng: Rng, shape: number, out: Float64Array, n: number): number {
  const boost = shape < 1;
  const d = (boost ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let lb = 0;
    if (boost) {
      let u = rng.next();
      while (u === 0) u = rng.next();
      lb = Math.log(u) / shape;
    }
    let l: number;
    for (;;) {
      let x: number;
      let v: number;
      do {
        for (;;) {
          const a = 2 * rng.next() - 1;
          const b = 2 * rng.next() - 1;
          const s = a * a + b * b;
          if (s > 0 && s < 1) {
            x = a * Math.sqrt((-2 * Math.log(s)) / s);
            break;
          }
        }
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng.next();
      if (u < 1 - 0.0331 * x * x * x * x || (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))) {
        l = Math.log(d * v);
        break;
      }
    }
    const g = boost ? l + lb : l;
    out[i] = g;
    if (g > max) max = g;
  }
  return max;
}

/** The pre-issue-18 Dirichlet(α, V) sampler for trees of at most maxChildren + 1 nodes. */
export function dirichletSamplerBeforeIssue18(alpha: number, vocabSize: number, maxChildren: number): ChildSampler {
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
      const max = fillLogGammaBoost(rng, alpha, logs, vocabSize);
      let total = 0;
      for (let i = 0; i < vocabSize; i++) {
        const w = Math.exp(logs[i]! - max);
        logs[i] = w;
        total += w;
      }
      logs.sort();
      const id = store.allocate(keep);
      syncSampler(sampler, store);
      const off = store.offsets[id]!;
      const probs = store.rankProbs;
      for (let k = 0; k < keep; k++) probs[off + k] = logs[vocabSize - 1 - k]! / total;
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
