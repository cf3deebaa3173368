/**
 * The gguf: backend (llama.cpp through node-llama-cpp 3.21.1, CPU, exact mode, 1 thread) against
 * the TypeScript llama2.c engine on the same weights, in the same run:
 * - greedy decoding speed on stories260K, one token per call (the prefix cache keeps the rest);
 * - evaluated tokens per node of a Lemma 1 oracle tree at P = 256 (the TypeScript engine's tree
 *   session evaluates exactly 1 per node; the gguf: prefix-cache pool more);
 * - full-vocabulary distributions per second at V = 128,256 excluding the forward pass: a 1-layer
 *   random-weight checkpoint (models/llama2c/random-checkpoint.ts), time per position with the
 *   distribution minus time per position without it; the TypeScript engine's counterpart is its
 *   log-softmax over the logits.
 * Skipped (one row saying so) when node-llama-cpp is not installed.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logSoftmax } from '../src/distribution/log-softmax.js';
import { convertLlama2cToGguf } from '../src/models/gguf/convert-llama2c.js';
import type { GgufModel } from '../src/models/gguf/gguf-model.js';
import { loadGguf } from '../src/models/gguf/load.js';
import { readLlama2cCheckpoint } from '../src/models/llama2c/checkpoint.js';
import { loadLlama2c } from '../src/models/llama2c/load.js';
import { writeRandomLlama2c } from '../src/models/llama2c/random-checkpoint.js';
import { readLlama2cTokenizer } from '../src/models/llama2c/tokenizer.js';
import type { LanguageModel } from '../src/models/model.js';
import { parseModelSpec } from '../src/models/spec.js';
import { openTreeSession } from '../src/models/tree-session.js';
import { buildOptimalTree } from '../src/tree/optimal-tree.js';
import type { BenchResult } from './run.js';

const STORIES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'stories260K');

async function toGguf(checkpointFile: string, tokenizerFile: string, out: string): Promise<void> {
  const checkpoint = await readLlama2cCheckpoint(checkpointFile);
  const tokenizer = await readLlama2cTokenizer(tokenizerFile, checkpoint.config.vocabSize, checkpointFile);
  await convertLlama2cToGguf(checkpoint, tokenizer, out, path.basename(checkpointFile));
}

function argmax(lp: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < lp.length; i++) if (lp[i]! > lp[best]!) best = i;
  return best;
}

/** Wall seconds per token of greedy decoding, one distribution per call (best of 3 runs). */
async function decodeSeconds(model: LanguageModel, prompt: number[], steps: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const ids = [...prompt];
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const [d] = await model.nextTokenDistributions([ids]);
      ids.push(argmax(d!.logProbs));
    }
    best = Math.min(best, (performance.now() - t0) / 1000 / steps);
  }
  return best;
}

// A string, not a literal, so tsc does not resolve the optional package at compile time.
const NODE_LLAMA_CPP: string = 'node-llama-cpp';

export async function run(): Promise<BenchResult[]> {
  const installed = await import(NODE_LLAMA_CPP).then(
    () => true,
    () => false,
  );
  if (!installed) return [{ name: 'gguf: skipped (node-llama-cpp not installed: bash scripts/install-node-llama-cpp.sh)', value: 0, unit: '-' }];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-gguf-'));
  const storiesGguf = path.join(dir, 'stories260K.gguf');
  await toGguf(path.join(STORIES, 'stories260K.bin'), path.join(STORIES, 'tok512.bin'), storiesGguf);
  const ts = await loadLlama2c(parseModelSpec(`llama2c:${path.join(STORIES, 'stories260K.bin')}`));
  const gguf = await loadGguf(parseModelSpec(`gguf:${storiesGguf}#threads=1`));
  const backend = gguf.settings.backend;
  const prompt = ts.tokenizer.encode('Once upon a time');
  const results: BenchResult[] = [];

  const [g, t] = [await decodeSeconds(gguf, prompt, 100), await decodeSeconds(ts, prompt, 100)];
  results.push(
    { name: `stories260K decode, gguf: backend=${backend} (1 thread, exact)`, value: 1 / g, unit: 'tokens/s', notes: `${((1 / g) / (1 / t)).toFixed(2)}x the TypeScript engine` },
    { name: 'stories260K decode, llama2c: TypeScript engine (same run)', value: 1 / t, unit: 'tokens/s' },
  );

  for (const spelling of ['backend=capi', 'backend=public&sequences=4', 'backend=public&sequences=16']) {
    let model: GgufModel;
    try {
      model = await loadGguf(parseModelSpec(`gguf:${storiesGguf}#threads=1&${spelling}`));
    } catch (err) {
      results.push({ name: `oracle tree P = 256, gguf: ${spelling}: skipped`, value: 0, unit: '-', notes: err instanceof Error ? err.message : String(err) });
      continue;
    }
    await model.nextTokenDistributions([[2]]); // nothing cached: the root costs the whole prompt
    const before = model.evaluatedTokens + prompt.length;
    const t0 = performance.now();
    const tree = await buildOptimalTree(await openTreeSession(model, prompt), 256);
    const ms = performance.now() - t0;
    const perNode = (model.evaluatedTokens - before) / tree.requestedDistributions;
    results.push({
      name: `oracle tree P = 256, gguf: ${spelling}: evaluated tokens per node`,
      value: perNode,
      unit: 'tokens/node',
      target: 1.2,
      notes: `${tree.requestedDistributions} distributions, ${ms.toFixed(0)} ms; TypeScript tree session: 1 by construction`,
    });
    await model.close();
  }
  await gguf.close();

  // V = 128,256: per-position cost with and without the distribution, on a 1-layer random model.
  const V = 128256;
  const ck = path.join(dir, 'random128k.bin');
  const tok = path.join(dir, `tok${V}.bin`);
  await writeRandomLlama2c(ck, tok, { dim: 64, hiddenDim: 128, nLayers: 1, nHeads: 4, nKvHeads: 4, vocabSize: V, seqLen: 256, seed: 1 });
  const bigGguf = path.join(dir, 'random128k.gguf');
  await toGguf(ck, tok, bigGguf);
  const n = 24;
  const ids = [1, ...Array.from({ length: n - 1 }, (_, i) => 300 + i * 97)];
  const prefixes = ids.map((_, i) => ids.slice(0, i + 1));
  // Without distributions: the same tokens evaluated by node-llama-cpp directly (no probabilities asked).
  const nlc = (await import(NODE_LLAMA_CPP)) as {
    getLlama(o: object): Promise<{ loadModel(o: object): Promise<{ createContext(o: object): Promise<{ getSequence(): { evaluateWithoutGeneratingNewTokens(t: number[]): Promise<void>; clearHistory(): Promise<void> } }> }> }>;
  };
  const llama = await nlc.getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  const m = await llama.loadModel({ modelPath: bigGguf });
  const ctx = await m.createContext({ contextSize: 256, sequences: 1, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  const seq = ctx.getSequence();
  let forward = Infinity;
  for (let r = 0; r < 3; r++) {
    await seq.clearHistory();
    const t0 = performance.now();
    await seq.evaluateWithoutGeneratingNewTokens(ids);
    forward = Math.min(forward, performance.now() - t0);
  }
  for (const spelling of ['backend=capi', 'backend=public']) {
    let big: GgufModel;
    try {
      big = await loadGguf(parseModelSpec(`gguf:${bigGguf}#threads=1&sequences=1&${spelling}`));
    } catch (err) {
      results.push({ name: `V = 128,256 distributions/s, gguf: ${spelling}: skipped`, value: 0, unit: '-', notes: err instanceof Error ? err.message : String(err) });
      continue;
    }
    let withDist = Infinity;
    for (let r = 0; r < 3; r++) {
      await big.nextTokenDistributions([[2]]); // the next call shares nothing with the cache: n tokens evaluated
      const t0 = performance.now();
      await big.nextTokenDistributions(prefixes);
      withDist = Math.min(withDist, performance.now() - t0);
    }
    await big.close();
    const extraMs = Math.max(1e-3, (withDist - forward) / n);
    results.push({
      name: `V = 128,256 distributions/s excluding the forward pass, gguf: ${spelling}`,
      value: 1000 / extraMs,
      unit: 'dist/s/core',
      target: 50,
      notes:
        spelling === 'backend=capi'
          ? `${extraMs.toFixed(1)} ms per position: float32 logits viewed from C memory, copied, log-softmax in float64`
          : `${extraMs.toFixed(1)} ms per position: node-llama-cpp sorts the vocabulary, returns [id, p] pairs as a JS array and a Map; we take logs`,
    });
  }
  const logits = new Float32Array(V).map((_, i) => Math.sin(i));
  const t0 = performance.now();
  const reps = 50;
  for (let r = 0; r < reps; r++) logSoftmax(logits);
  const tsMs = (performance.now() - t0) / reps;
  results.push({ name: 'V = 128,256 log-softmax, TypeScript engine (same run)', value: 1000 / tsMs, unit: 'dist/s/core' });
  return results;
}
