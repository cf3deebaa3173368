/**
 * Tiny in-test language models over hand-written conditionals, so tree code is tested against
 * values derivable by hand. Each counts its calls, so batching can be checked.
 */
import { createRng, deriveSeed } from '../../src/core/rng.js';
import type { DenseDistribution } from '../../src/distribution/distribution.js';
import type { LanguageModel, Tokenizer } from '../../src/models/model.js';

export interface CountingModel extends LanguageModel {
  /** Calls to nextTokenDistributions and total prefixes asked for. */
  readonly stats: { calls: number; prefixes: number };
  /** The conditionals the model was built from. */
  readonly conditional: (prefix: readonly number[]) => readonly number[];
}

const tokenizer = (vocabSize: number): Tokenizer => ({
  encode: (text) => Array.from(text, (c) => c.charCodeAt(0) % vocabSize),
  decode: (ids) => ids.map((i) => String.fromCharCode(97 + i)).join(''),
  tokenText: (id) => String.fromCharCode(97 + id),
  bos: undefined,
  eos: undefined,
});

/** A model whose next-token probabilities after `prefix` are `conditional(prefix)` (length V, summing to 1). */
export function tableModel(vocabSize: number, conditional: (prefix: readonly number[]) => readonly number[], name = 'table'): CountingModel {
  const stats = { calls: 0, prefixes: 0 };
  return {
    name,
    vocabSize,
    tokenizer: tokenizer(vocabSize),
    contextLength: undefined,
    remote: false,
    concurrency: 1,
    stats,
    conditional,
    nextTokenDistributions(prefixes) {
      stats.calls++;
      stats.prefixes += prefixes.length;
      return Promise.resolve(prefixes.map((p) => dense(conditional(p))));
    },
  };
}

export function dense(probs: readonly number[]): DenseDistribution {
  return { kind: 'dense', logProbs: Float64Array.from(probs, (p) => Math.log(p)) };
}

/** Every position: p(0) = a, p(1) = 1 − a (the i.i.d. two-token model). */
export function twoTokenModel(a: number): CountingModel {
  return tableModel(2, () => [a, 1 - a], `two-token(${a})`);
}

/**
 * A path-dependent model: the conditional after each prefix is a random vector (some entries
 * exactly 0 when `zeros`), fixed by a hash of (seed, prefix). Like a real LM, children depend on
 * the path.
 */
export function randomTableModel(vocabSize: number, seed: number, options: { zeros?: boolean; peak?: number } = {}): CountingModel {
  const cache = new Map<string, number[]>();
  return tableModel(
    vocabSize,
    (prefix) => {
      const key = prefix.join(',');
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      let h = deriveSeed(seed, 0x5eed);
      for (const t of prefix) h = deriveSeed(h, t);
      const rng = createRng(h);
      const w = Array.from({ length: vocabSize }, () => rng.next() ** (options.peak ?? 2));
      if (options.zeros === true) for (let i = 0; i < vocabSize; i++) if (rng.next() < 0.25 && i > 0) w[i] = 0;
      const total = w.reduce((s, x) => s + x, 0);
      const probs = w.map((x) => x / total);
      cache.set(key, probs);
      return probs;
    },
    `random(${vocabSize},${seed})`,
  );
}

/** Every path of length 1..maxDepth over V tokens with its probability under `model`'s conditionals. */
export function allPaths(conditional: (prefix: readonly number[]) => readonly number[], vocabSize: number, maxDepth: number): { path: number[]; prob: number }[] {
  const out: { path: number[]; prob: number }[] = [];
  const walk = (path: number[], prob: number) => {
    if (path.length >= maxDepth) return;
    const c = conditional(path);
    for (let t = 0; t < vocabSize; t++) {
      const p = prob * c[t]!;
      if (!(p > 0)) continue;
      const next = [...path, t];
      out.push({ path: next, prob: p });
      walk(next, p);
    }
  };
  walk([], 1);
  return out;
}
