/**
 * The built-in n-gram pair (src/models/builtin):
 * - training time on the whole Brown corpus (target: under 30 s on 2 cores), by phase;
 * - loading the cached file (checksum + typed-array views) and its size;
 * - distributions per CPU second of `nextTokenDistributions` (dense, V = 99) for target and drafter;
 * - the target's mean entropy μ on its own samples at T = 1 (issue 7's procedure: 64 new tokens
 *   after each built-in prompt), and the drafter's μ_CE and π₀ at the same positions.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '../src/core/rng.js';
import { crossEntropyTerms, entropy, sampleToken } from '../src/distribution/index.js';
import { builtinPrompts } from '../src/measure/prompts/index.js';
import { loadOrTrainBuiltinModel } from '../src/models/builtin/cache.js';
import { BuiltinNgramModel, DRAFT_LOWEST_ORDER } from '../src/models/builtin/load.js';
import type { TrainedModel } from '../src/models/builtin/model-file.js';
import type { BenchResult } from './run.js';

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

/** Sampled prefixes (prompt + continuation) to time distributions on. */
function samplePrefixes(target: BuiltinNgramModel, count: number): number[][] {
  const prompts = builtinPrompts();
  const prefixes: number[][] = [];
  for (let k = 0; k < count; k++) {
    const rng = createRng(7, k);
    const prefix = target.tokenizer.encode(prompts[k % prompts.length]!.text);
    const steps = 10 + rng.int(60);
    for (let t = 0; t < steps; t++) prefix.push(sampleToken(target.distribution(prefix), rng));
    prefixes.push(prefix);
  }
  return prefixes;
}

/** Distributions per CPU second (CPU time, so that other processes on the machine do not count). */
async function distributionsPerSecond(model: BuiltinNgramModel, prefixes: number[][]): Promise<number> {
  let done = 0;
  const cpu = process.cpuUsage();
  while (cpuSeconds(cpu) < 1.5) {
    await model.nextTokenDistributions(prefixes);
    done += prefixes.length;
  }
  return done / cpuSeconds(cpu);
}

/** Tree nodes expanded per CPU second through `openTree` (each child: one trie lookup per order). */
async function treeNodesPerSecond(model: BuiltinNgramModel, prefixes: number[][]): Promise<number> {
  let done = 0;
  const cpu = process.cpuUsage();
  const rng = createRng(11);
  while (cpuSeconds(cpu) < 1.5) {
    const session = await model.openTree(prefixes[done % prefixes.length]!);
    for (let node = 1; node <= 256; node++) {
      const parent = node === 1 ? 0 : Math.max(0, node - 1 - rng.int(8));
      await session.expand([{ parent, token: 3 + rng.int(model.vocabSize - 3) }]);
    }
    session.close();
    done += 256;
  }
  return done / cpuSeconds(cpu);
}

function selfEntropy(target: BuiltinNgramModel, draft: BuiltinNgramModel): { mu: number; muCE: number; pi0: number; positions: number } {
  let h = 0;
  let ce = 0;
  let missing = 0;
  let positions = 0;
  for (const [index, prompt] of builtinPrompts().entries()) {
    const rng = createRng(1, index);
    const prefix = target.tokenizer.encode(prompt.text);
    for (let t = 0; t < 64; t++) {
      const p = target.distribution(prefix);
      const terms = crossEntropyTerms(p, draft.distribution(prefix));
      h += entropy(p);
      ce += terms.crossEntropy;
      missing += terms.missingMass;
      positions++;
      const next = sampleToken(p, rng);
      if (next === target.tokenizer.eos) break;
      prefix.push(next);
    }
  }
  return { mu: h / positions, muCE: ce / positions, pi0: missing / positions, positions };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'specbound-bench-'));
  const saved = process.env['SPECBOUND_CACHE_DIR'];
  process.env['SPECBOUND_CACHE_DIR'] = dir;
  try {
    const cpu = process.cpuUsage();
    const trainStart = performance.now();
    const trained = loadOrTrainBuiltinModel().model;
    const trainWall = (performance.now() - trainStart) / 1000;
    const trainCpu = cpuSeconds(cpu);
    const phases = Object.entries(trained.phaseSeconds ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    const file = path.join(dir, 'builtin-ngram.bin');
    const fileMiB = statSync(file).size / 2 ** 20;

    const loadStart = performance.now();
    const cached = loadOrTrainBuiltinModel();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    if (cached.source.kind !== 'cache') throw new Error('bench: the cache was not used');
    const model: TrainedModel = cached.model;
    const nodes = model.counts.levels.reduce((s, l) => s + l.token.length, 0);

    const target = new BuiltinNgramModel('builtin', model, { order: model.config.targetOrder, uniformFloor: true });
    const draft = new BuiltinNgramModel('builtin-draft', model, { order: model.config.draftOrder, uniformFloor: false, lowestOrder: DRAFT_LOWEST_ORDER });
    const prefixes = samplePrefixes(target, 64);
    const targetRate = await distributionsPerSecond(target, prefixes);
    const draftRate = await distributionsPerSecond(draft, prefixes);
    const treeRate = await treeNodesPerSecond(target, prefixes);
    const stats = selfEntropy(target, draft);
    return [
      { name: 'builtin training (Brown, wall)', value: trainWall, unit: 's', target: 30, notes: `cpu ${trainCpu.toFixed(1)} s; phases (s): ${phases}` },
      { name: 'builtin cache load (read + sha256 + views)', value: loadSeconds, unit: 's', target: 2, notes: `${fileMiB.toFixed(1)} MiB, ${(nodes / 1e6).toFixed(2)} M n-grams up to order ${model.counts.order}` },
      { name: 'builtin target nextTokenDistributions', value: targetRate, unit: 'dists/cpu-s', target: 1000, notes: `order ${target.order}, V = ${target.vocabSize}, ${(1e6 / targetRate).toFixed(1)} µs each: O(order²) binary searches (cache misses) + O(V + children)` },
      { name: 'builtin-draft nextTokenDistributions', value: draftRate, unit: 'dists/cpu-s', target: 1000, notes: `order ${draft.order}, ${(1e6 / draftRate).toFixed(1)} µs each` },
      { name: 'builtin target openTree expand', value: treeRate, unit: 'nodes/cpu-s', target: 1000, notes: `${(1e6 / treeRate).toFixed(1)} µs per node: one lookup per order instead of order²/2` },
      { name: 'builtin target mean entropy μ (own samples, T=1)', value: stats.mu, unit: 'nats', notes: `issue 7 procedure, ${stats.positions} positions; must be in [0.2, 1.5]` },
      { name: 'builtin-draft cross-entropy μ_CE', value: stats.muCE, unit: 'nats', notes: `π₀ = ${stats.pi0.toExponential(2)}` },
    ];
  } finally {
    if (saved === undefined) delete process.env['SPECBOUND_CACHE_DIR'];
    else process.env['SPECBOUND_CACHE_DIR'] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}
