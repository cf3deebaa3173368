/**
 * tree/ speed: the model-facing Lemma 1 enumeration (`buildOptimalTree` over a TreeSession) on the
 * calibrated Llama-3.1-8B law, at Pmax = 64, 1,024 and 4,096; model calls saved by batching on a
 * path-dependent in-memory model; Sequoia's dynamic program. (The fast i.i.d. enumerator of
 * sim/ is benchmarked in sim.bench.ts; this one pays for a TreeSession, a keyed Rng draw and a
 * sparse distribution per expanded node, as a model backend would.)
 */
import { calibratedLaw } from '../src/sim/calibrated-law.js';
import { getPreset } from '../src/theory/presets.js';
import { lawTreeSession } from '../src/tree/law-session.js';
import { buildOptimalTree } from '../src/tree/optimal-tree.js';
import { sequoiaTree } from '../src/tree/static/sequoia.js';
import { medusaTree } from '../src/tree/static/medusa.js';
import type { TreeExpansion, TreeNodeResult, TreeSession } from '../src/models/model.js';
import { createRng, deriveSeed } from '../src/core/rng.js';
import type { BenchResult } from './run.js';

/** A path-dependent session with free distributions, counting expand calls. */
function countingSession(vocab: number): TreeSession & { calls: number } {
  const keys = [1];
  const make = (key: number) => {
    const rng = createRng(key);
    const w = Array.from({ length: vocab }, () => rng.next() ** 4);
    const total = w.reduce((s, x) => s + x, 0);
    return { kind: 'dense' as const, logProbs: Float64Array.from(w, (x) => Math.log(x / total)) };
  };
  const s = {
    calls: 0,
    root: make(1),
    expand(requests: readonly TreeExpansion[]): Promise<TreeNodeResult[]> {
      s.calls++;
      return Promise.resolve(
        requests.map(({ parent, token }) => {
          const key = deriveSeed(keys[parent]!, token);
          keys.push(key);
          return { node: keys.length - 1, distribution: make(key) };
        }),
      );
    },
    close() {},
  };
  return s;
}

export async function run(): Promise<BenchResult[]> {
  const preset = getPreset('llama3.1-8b');
  const law = calibratedLaw({ mu: preset.mu, mu2: preset.mu2, preset: preset.name });
  const out: BenchResult[] = [];
  for (const pMax of [64, 1024, 4096]) {
    const trees = Math.max(3, Math.round(60_000 / pMax));
    let nodes = 0;
    const t0 = performance.now();
    for (let s = 0; s < trees; s++) {
      const r = await buildOptimalTree(lawTreeSession(law, { seed: s, maxChildren: pMax - 1 }), pMax, { batchSize: 8 });
      nodes += r.tree.size;
    }
    const seconds = (performance.now() - t0) / 1000;
    out.push({
      name: `buildOptimalTree on law session, llama3.1-8b calibrated, Pmax=${pMax}`,
      value: Math.round(nodes / seconds),
      unit: 'nodes/s',
      notes: `${trees} trees; ${(trees / seconds).toFixed(1)} trees/s; per node: one keyed Rng + law draw + sparse distribution + heap`,
    });
  }
  for (const batchSize of [1, 8, 32]) {
    const session = countingSession(64);
    const r = await buildOptimalTree(session, 256, { batchSize });
    out.push({
      name: `model calls for a 256-node oracle tree, batch ${batchSize}`,
      value: r.modelCalls,
      unit: 'calls',
      notes: `${r.requestedDistributions} distributions requested for a tree of ${r.tree.size} nodes (the extra ones are speculative prefetches never used)`,
    });
  }
  const acceptance = [0.62, 0.12, 0.05, 0.03, 0.02, 0.015, 0.01, 0.008];
  for (const m of [64, 256, 1024]) {
    const t0 = performance.now();
    sequoiaTree(acceptance, m, { maxDepth: 16 });
    out.push({ name: `Sequoia dynamic program, m=${m}, depth<=16, 8 ranks`, value: Math.round(performance.now() - t0), unit: 'ms', notes: 'O(depth * ranks * m^2)' });
    const t1 = performance.now();
    medusaTree(acceptance, m, { maxDepth: 16 });
    out.push({ name: `Medusa greedy, m=${m}`, value: Math.round((performance.now() - t1) * 10) / 10, unit: 'ms', notes: 'O(m^2) scan' });
  }
  return out;
}
