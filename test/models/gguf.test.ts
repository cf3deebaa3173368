/**
 * The gguf: backend against the TypeScript llama.c engine on the same weights: stories260K
 * converted by `convert llama2c-to-gguf` and run by llama.cpp (node-llama-cpp 3.21.1, CPU).
 * Reference values are independent computations: src/models/llama2c (itself checked against
 * run.c-style reference code in llama2c.test.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError, InvalidValueError, SpecboundError } from '../../src/core/errors.js';
import { GGUF_TYPE, readGgufHeader, writeGguf } from '../../src/models/gguf/gguf-file.js';
import type { GgufModel } from '../../src/models/gguf/gguf-model.js';
import { loadGguf } from '../../src/models/gguf/load.js';
import { loadLlama2c } from '../../src/models/llama2c/load.js';
import type { Llama2cModel } from '../../src/models/llama2c/model.js';
import { parseModelSpec } from '../../src/models/spec.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { buildOptimalTree, type OptimalTreeResult } from '../../src/tree/optimal-tree.js';
import { convertLlama2cToGguf } from '../../src/models/gguf/convert-llama2c.js';
import { readLlama2cCheckpoint } from '../../src/models/llama2c/checkpoint.js';
import { writeRandomLlama2c } from '../../src/models/llama2c/random-checkpoint.js';
import { readLlama2cTokenizer } from '../../src/models/llama2c/tokenizer.js';
import { convertStories, nodeLlamaCppInstalled, STORIES } from '../helpers/gguf.js';

/** ≥ 20 strings: plain text, whitespace runs, tabs/newlines, unicode pieces, byte fallback (CJK, emoji, accents). */
const STRINGS = [
  'Once upon a time, there was a little girl named Lily.',
  'Tom and his dog went to the park. They',
  'hello',
  ' hello',
  '  two leading spaces',
  'trailing space ',
  'double  space  inside',
  '\n',
  'line one\nline two\n\nline four',
  '\ttab\tseparated',
  'MIXED case And Punctuation!?;:',
  '1234567890 + 3.14 = ?',
  'héllo wörld café',
  'naïve façade',
  '日本語のテキスト',
  '😀 emoji 🚀',
  'Ω≈ç√∫',
  '"quoted" and \'single\'',
  'a',
  ' ',
  'The end.',
  'x'.repeat(40),
  'Lily said, "I want to play!" and ran outside.',
  '<s> is not a special token here </s>',
];

const describeGguf = nodeLlamaCppInstalled ? describe : describe.skip;

/** Each node of an oracle tree keyed by its token path from the root, with ln P(v) and depth. */
function nodesByPath(r: OptimalTreeResult): Map<string, { lnP: number; depth: number }> {
  const keys: string[] = [];
  const out = new Map<string, { lnP: number; depth: number }>();
  for (let i = 0; i < r.tree.size; i++) {
    const parent = r.tree.parent[i]!;
    keys.push(parent < 0 ? '' : `${keys[parent]!}/${r.tree.token[i]!}`);
    out.set(keys[i]!, { lnP: Math.log(r.pathProbabilities[i]!), depth: r.tree.depth[i]! });
  }
  return out;
}

/**
 * Two Lemma 1 trees of the same budget from two engines whose log-probabilities differ by at most
 * `perToken`: ln P(v) of a node at depth d differs by at most d·perToken, so the trees hold the
 * same nodes except where two candidates tie within that margin at the cut (the P-th node). A
 * node in one tree only must lie within its margin of that tree's smallest ln P(v); a node in
 * both has ln P(v) within its margin.
 */
function expectSameOracleTree(x: OptimalTreeResult, y: OptimalTreeResult, perToken: number): void {
  const [a, b] = [nodesByPath(x), nodesByPath(y)];
  expect(a.size).toBe(b.size);
  for (const [one, other] of [[a, b], [b, a]] as const) {
    const cut = Math.min(...Array.from(one.values(), (n) => n.lnP));
    const onlyHere: string[] = [];
    for (const [key, node] of one) {
      const there = other.get(key);
      if (there !== undefined) {
        expect(Math.abs(node.lnP - there.lnP), `ln P(${key})`).toBeLessThanOrEqual(node.depth * perToken);
        continue;
      }
      onlyHere.push(key);
      expect(node.lnP - cut, `${key} is in one tree only, so it must tie at the cut`).toBeLessThanOrEqual(2 * node.depth * perToken);
    }
    expect(onlyHere.length, `nodes in one tree only: ${onlyHere.join(' ')}`).toBeLessThanOrEqual(4);
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // both −∞
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
  }
  return m;
}

describe('convert llama2c-to-gguf: the file against the GGUF v3 layout', () => {
  it('writes magic, version 3, the llama keys with their GGUF value types, and every tensor', async () => {
    const file = await convertStories();
    const header = await readGgufHeader(file);
    expect(header.version).toBe(3);
    // 3 global tensors + 9 per layer × 5 layers (stories260K: n_layers 5, SOURCE.md).
    expect(header.tensorCount).toBe(3 + 9 * 5);
    const m = header.metadata;
    expect(m.get('general.architecture')).toBe('llama');
    expect(m.get('tokenizer.ggml.model')).toBe('llama');
    // stories260K's header: dim 64, hidden 172, 5 layers, 8 heads, 4 KV heads, vocab 512, seq_len 512.
    expect(m.get('llama.embedding_length')).toBe(64);
    expect(m.get('llama.feed_forward_length')).toBe(172);
    expect(m.get('llama.block_count')).toBe(5);
    expect(m.get('llama.attention.head_count')).toBe(8);
    expect(m.get('llama.attention.head_count_kv')).toBe(4);
    expect(m.get('llama.rope.dimension_count')).toBe(8);
    expect(m.get('llama.context_length')).toBe(512);
    expect(m.get('llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-5, 12);
    expect(m.get('tokenizer.ggml.tokens')).toEqual({ length: 512 });
    expect(m.get('tokenizer.ggml.bos_token_id')).toBe(1);
    expect(m.get('tokenizer.ggml.eos_token_id')).toBe(2);
  });

  it('reads back a hand-built file value by value (types from gguf-py GGUFValueType)', async () => {
    const file = path.join(path.dirname(await convertStories()), 'tiny.gguf');
    await writeGguf(file, new Map([['a.u32', { type: 'u32', value: 7 }], ['a.s', { type: 'string', value: 'ü' }], ['a.b', { type: 'bool', value: true }], ['a.arr', { type: 'i32[]', value: [-1, 2] }]]), [
      { name: 't', shape: [3], data: Float32Array.of(1, 2, 3) },
    ]);
    const bytes = (await import('node:fs')).readFileSync(file);
    expect(bytes.toString('latin1', 0, 4)).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(Number(bytes.readBigUInt64LE(8))).toBe(1); // tensors
    expect(Number(bytes.readBigUInt64LE(16))).toBe(4); // kv pairs
    expect(Number(bytes.readBigUInt64LE(24))).toBe(5); // "a.u32"
    expect(bytes.toString('latin1', 32, 37)).toBe('a.u32');
    expect(bytes.readUInt32LE(37)).toBe(GGUF_TYPE.UINT32);
    expect(bytes.readUInt32LE(41)).toBe(7);
    // Data section aligned to 32 and holding the floats last.
    expect(bytes.length % 32).toBe(0);
    expect(bytes.readFloatLE(bytes.length - 32)).toBe(1);
    const header = await readGgufHeader(file);
    expect([...header.metadata]).toEqual([['a.u32', 7], ['a.s', 'ü'], ['a.b', true], ['a.arr', [-1, 2]]]);
  });
});

// Both backends: llama.cpp's C API through koffi (the default on linux-x64) and node-llama-cpp's public API.
for (const backend of ['capi', 'public'] as const) describeGguf(`gguf: stories260K through llama.cpp (backend=${backend}) against the TypeScript engine`, () => {
  let file: string;
  let gguf: GgufModel;
  let ts: Llama2cModel;

  beforeAll(async () => {
    file = await convertStories();
    gguf = await loadGguf(parseModelSpec(`gguf:${file}#threads=1&backend=${backend}`));
    expect(gguf.settings.backend).toBe(backend);
    ts = await loadLlama2c(parseModelSpec(`llama2c:${STORIES}`));
  }, 60_000);
  afterAll(async () => {
    await gguf?.close();
  });

  it('tokenizes 24 strings exactly like the llama2.c tokenizer (BOS, dummy prefix, byte fallback)', () => {
    expect(STRINGS.length).toBeGreaterThanOrEqual(20);
    for (const s of STRINGS) {
      expect(gguf.tokenizer.encode(s), JSON.stringify(s)).toEqual(ts.tokenizer.encode(s));
      expect(gguf.tokenizer.encode(s, { bos: false }), JSON.stringify(s)).toEqual(ts.tokenizer.encode(s, { bos: false }));
    }
    // Byte fallback really happened: 日 is not a piece of the 512-token vocabulary.
    expect(ts.tokenizer.encode('日本', { bos: false }).some((id) => id >= 3 && id < 259)).toBe(true);
    expect(gguf.tokenizer.bos).toBe(1);
    expect(gguf.tokenizer.eos).toBe(2);
    expect(gguf.vocabSize).toBe(512);
    expect(gguf.contextLength).toBe(512);
  });

  it('decodes what it encodes', () => {
    for (const s of ['Once upon a time', 'héllo 日本 😀']) expect(gguf.tokenizer.decode(gguf.tokenizer.encode(s))).toBe(ts.tokenizer.decode(ts.tokenizer.encode(s)));
  });

  it('next-token log-probabilities within 1e-4 of the TypeScript engine at every position (exact mode)', async () => {
    const prompts = [STRINGS[0]!, STRINGS[1]!, 'Lily and Ben were friends. One day, they found a big box in the garden', 'héllo 日本 😀 and then'];
    for (const text of prompts) {
      const ids = ts.tokenizer.encode(text);
      const prefixes = ids.map((_, i) => ids.slice(0, i + 1));
      const [a, b] = [await gguf.nextTokenDistributions(prefixes), await ts.nextTokenDistributions(prefixes)];
      expect(a).toHaveLength(prefixes.length);
      for (let i = 0; i < prefixes.length; i++) {
        expect(a[i]!.logProbs.length).toBe(512);
        // The full vocabulary, normalised: no sampler truncation.
        expect(a[i]!.logProbs.every((x) => Number.isFinite(x))).toBe(true);
        let sum = 0;
        for (const x of a[i]!.logProbs) sum += Math.exp(x);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
        expect(maxAbsDiff(a[i]!.logProbs, b[i]!.logProbs), `${JSON.stringify(text)} position ${i}`).toBeLessThan(1e-4);
      }
    }
  });

  it('the same distributions whatever order prefixes come in (prefix cache reuse is exact)', async () => {
    const ids = ts.tokenizer.encode(STRINGS[22]!);
    const prefixes = ids.map((_, i) => ids.slice(0, i + 1)).reverse();
    const [a, b] = [await gguf.nextTokenDistributions(prefixes), await ts.nextTokenDistributions(prefixes)];
    for (let i = 0; i < prefixes.length; i++) expect(maxAbsDiff(a[i]!.logProbs, b[i]!.logProbs)).toBeLessThan(1e-4);
  });

  it('the same oracle tree and E[X*](P) at P = 60 (Lemma 1 tree on the verifier)', async () => {
    for (const text of ['Once upon a time', 'Tom and his dog went to the park. They']) {
      const prefix = ts.tokenizer.encode(text);
      await gguf.nextTokenDistributions([[2]]); // the cache now shares nothing with the prefix
      const before = gguf.evaluatedTokens + prefix.length; // the root evaluates the whole prefix
      const [x, y] = [await buildOptimalTree(await openTreeSession(gguf, prefix), 60), await buildOptimalTree(await openTreeSession(ts, prefix), 60)];
      // Not token for token: with backend=public, node-llama-cpp batches the pool's sequences as
      // their requests arrive, llama.cpp's sums depend on the batch, and near-ties at the cut can
      // swap (seen once on a loaded machine: 3 of 60 nodes). The margin is the log-probability
      // agreement asserted above (1e-4 per token; about 7e-6 measured).
      expectSameOracleTree(x, y, 1e-4);
      expect(x.expectedAcceptedLengths[59]!).toBeGreaterThan(1);
      if (backend === 'capi') expect(gguf.evaluatedTokens - before, 'C API: one evaluated token per requested node').toBe(x.requestedDistributions);
      expect(Math.abs(x.expectedAcceptedLengths[59]! - y.expectedAcceptedLengths[59]!)).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('a prefix longer than the context is an error naming both numbers, never a silent shift', async () => {
    const small = await loadGguf(parseModelSpec(`gguf:${file}#threads=1&context=16&sequences=1&backend=${backend}`));
    try {
      expect(small.contextLength).toBe(16);
      const ids = Array.from({ length: 17 }, (_, i) => (i === 0 ? 1 : 300 + i));
      await expect(small.nextTokenDistributions([ids])).rejects.toThrow(InvalidValueError);
      await expect(small.nextTokenDistributions([ids])).rejects.toThrow(/17 \(tokens exceed the context of 16 tokens/);
      // 16 tokens still fit.
      await expect(small.nextTokenDistributions([ids.slice(0, 16)])).resolves.toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it('a random-weight checkpoint at V = 32,000 (the benchmarks\' generator): same tokens and log-probabilities within 1e-4', async () => {
    const dir = path.dirname(file);
    const ck = path.join(dir, 'random.bin');
    const tok = path.join(dir, 'tok32000.bin');
    const config = await writeRandomLlama2c(ck, tok, { dim: 32, hiddenDim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 32000, seqLen: 64, seed: 7 });
    const checkpoint = await readLlama2cCheckpoint(ck);
    expect(checkpoint.config).toEqual(config);
    const tokenizer = await readLlama2cTokenizer(tok, 32000, ck);
    await convertLlama2cToGguf(checkpoint, tokenizer, path.join(dir, 'random.gguf'), 'random');
    const [g, t] = [await loadGguf(parseModelSpec(`gguf:${dir}/random.gguf#threads=1&sequences=1&backend=${backend}`)), await loadLlama2c(parseModelSpec(`llama2c:${ck}`))];
    try {
      expect(g.vocabSize).toBe(32000);
      const ids = t.tokenizer.encode('héllo wörld');
      expect(g.tokenizer.encode('héllo wörld')).toEqual(ids);
      const prefixes = ids.map((_, i) => ids.slice(0, i + 1));
      const [a, b] = [await g.nextTokenDistributions(prefixes), await t.nextTokenDistributions(prefixes)];
      for (let i = 0; i < prefixes.length; i++) expect(maxAbsDiff(a[i]!.logProbs, b[i]!.logProbs)).toBeLessThan(1e-4);
    } finally {
      await g.close();
    }
  }, 60_000);

  it('bad spellings and files: one line naming the value', async () => {
    const dir = path.dirname(file);
    await expect(loadGguf(parseModelSpec(`gguf:${dir}/missing.gguf`))).rejects.toThrow(InputFileError);
    await expect(loadGguf(parseModelSpec(`gguf:${dir}/missing.gguf`))).rejects.toThrow(/missing\.gguf: cannot read model: ENOENT/);
    writeFileSync(path.join(dir, 'not.gguf'), 'hello, not a model');
    await expect(loadGguf(parseModelSpec(`gguf:${dir}/not.gguf`))).rejects.toThrow(/not\.gguf: not a GGUF file \(starts with "hell"/);
    await writeGguf(path.join(dir, 'alien.gguf'), new Map([['general.architecture', { type: 'string', value: 'no-such-arch' }]]), []);
    await expect(loadGguf(parseModelSpec(`gguf:${dir}/alien.gguf`))).rejects.toThrow(/alien\.gguf: architecture "no-such-arch" is not supported/);
    await expect(loadGguf(parseModelSpec(`gguf:${file}#threads=0`))).rejects.toThrow(/threads=0 is not an integer ≥ 1/);
    await expect(loadGguf(parseModelSpec(`gguf:${file}#mode=quick`))).rejects.toThrow(/mode=quick; expected exact or fast/);
    await expect(loadGguf(parseModelSpec(`gguf:${file}#topk=3`))).rejects.toThrow(/unknown parameter "topk"/);
    await expect(loadGguf(parseModelSpec(`gguf:${file}#context=100000`))).rejects.toThrow(/context=100000 exceeds the model's training context of 512/);
    expect(new SpecboundError('x').exitCode).toBe(2);
  });
});
