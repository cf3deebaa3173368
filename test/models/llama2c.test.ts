import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputFileError, InvalidValueError } from '../../src/core/errors.js';
import { readLlama2cCheckpoint } from '../../src/models/llama2c/checkpoint.js';
import { Llama2cTransformer } from '../../src/models/llama2c/transformer.js';
import { loadLlama2c, parseLayerList } from '../../src/models/llama2c/load.js';
import type { Llama2cModel } from '../../src/models/llama2c/model.js';
import { readLlama2cTokenizer } from '../../src/models/llama2c/tokenizer.js';
import { loadModel } from '../../src/models/registry.js';
import { parseModelSpec } from '../../src/models/spec.js';
import { SHARED } from '../helpers/cli.js';
import { readLegacyReference, referenceProbabilities } from './llama2c-reference.js';

const DIR = path.join(SHARED, 'models', 'stories260K');
const LEGACY = path.join(DIR, 'stories260K.bin');
const V1 = path.join(DIR, 'stories260K-v1.bin');
const TOKENIZER = path.join(DIR, 'tok512.bin');
/** docs/conventions.md and stories260K/SOURCE.md: greedy continuation of "Once upon a time". */
const SPEC_TEXT = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.';

const load = (text: string) => loadLlama2c(parseModelSpec(text));

function argmax(lp: Float64Array): number {
  let best = 0;
  for (let i = 1; i < lp.length; i++) if (lp[i]! > lp[best]!) best = i;
  return best;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Greedy decoding through a tree session (one node per step: the KV-cache path). */
async function greedy(model: Llama2cModel, prompt: readonly number[], steps: number): Promise<{ tokens: number[]; logProbs: Float64Array[] }> {
  const session = await model.openTree(prompt);
  let lp = session.root.logProbs as Float64Array;
  const tokens: number[] = [];
  const logProbs: Float64Array[] = [lp];
  let node = 0;
  for (let i = 0; i < steps; i++) {
    const t = argmax(lp);
    tokens.push(t);
    const [r] = await session.expand([{ parent: node, token: t }]);
    node = r!.node;
    lp = r!.distribution.logProbs as Float64Array;
    logProbs.push(lp);
  }
  session.close();
  return { tokens, logProbs };
}

describe('readLlama2cCheckpoint', () => {
  it('reads the legacy and the version-1 export of stories260K as the same model', async () => {
    const legacy = await readLlama2cCheckpoint(LEGACY);
    const v1 = await readLlama2cCheckpoint(V1);
    expect(legacy.format).toBe('legacy');
    expect(v1.format).toBe('version1');
    // SOURCE.md: dim 64, hidden 172, 5 layers, 8 heads, 4 KV heads, vocab 512, seq_len 512, shared classifier.
    const expected = { dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512, seqLen: 512, sharedClassifier: true };
    expect(legacy.config).toEqual(expected);
    expect(v1.config).toEqual(expected);
    expect(v1.weights.tokenEmbedding).toEqual(legacy.weights.tokenEmbedding);
    expect(v1.weights.rmsFinal).toEqual(legacy.weights.rmsFinal);
    for (let l = 0; l < 5; l++) expect(v1.weights.layers[l]).toEqual(legacy.weights.layers[l]);
  });

  it('keeps one copy of the weights: every tensor is a view of one buffer', async () => {
    const { weights } = await readLlama2cCheckpoint(V1);
    const buffer = weights.tokenEmbedding.buffer;
    // 260,032 floats (SOURCE.md shapes summed; = (1,040,384 − 256) / 4).
    expect(buffer.byteLength).toBe(260_032 * 4);
    for (const l of weights.layers) for (const t of Object.values(l)) expect((t as Float32Array).buffer).toBe(buffer);
    expect(weights.wcls).toBe(weights.tokenEmbedding);
  });
});

describe('Llama2cTokenizer', () => {
  it('encode("Once upon a time") gives BOS + 4 tokens and decodes back', async () => {
    const model = await load(`llama2c:${LEGACY}`);
    const ids = model.tokenizer.encode('Once upon a time');
    expect(ids.length).toBe(5); // SOURCE.md: "BOS + 4 prompt tokens"
    expect(ids[0]).toBe(1);
    // The pieces spell the text with SentencePiece's dummy-prefix space.
    expect(ids.slice(1).map((i) => model.tokenizer.piece(i)).join('')).toBe(' Once upon a time');
    expect(model.tokenizer.decode(ids)).toBe('Once upon a time');
  });

  it('encode falls back to <0xXX> byte tokens (id = byte + 3) for characters outside the vocabulary', async () => {
    const model = await load(`llama2c:${LEGACY}`);
    const t = model.tokenizer;
    const space = t.encode(' ', { bos: false })[0]!;
    // "ü" is UTF-8 C3 BC, not a piece of tok512 (whose only non-ASCII pieces are “ ” ’ – — ‘ é … ñ NBSP â € ™ and a hair space):
    // ids 0xC3 + 3 = 198, 0xBC + 3 = 191 after the dummy-prefix space.
    expect(t.encode('ü')).toEqual([1, space, 198, 191]);
    expect(t.piece(198)).toBe('<0xC3>');
    expect(t.decode(t.encode('ü'))).toBe('ü');
    expect(t.encode('é')).toEqual([1, space, t.encode('é', { bos: false })[1]!]); // a piece: no fallback
  });

  it('decode(encode(text)) returns the text for any string (byte fallback is lossless)', async () => {
    const model = await load(`llama2c:${LEGACY}`);
    const t = model.tokenizer;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        fc.pre(s !== '' && !s.startsWith(' ')); // the dummy-prefix space after BOS is stripped by design
        expect(t.decode(t.encode(s))).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('encode merges the adjacent pair with the best score first (hand-built vocabulary)', async () => {
    // Vocabulary: <unk>, <s>, </s>, 256 byte pieces, then " " (−5), "a" (−5), "b" (−5), "ab" (−1), " a" (−2), " ab" (−3).
    // "ab" → [BOS, " ", "a", "b"]: candidate pairs " a" (−2) and "ab" (−1) → merge "ab" first →
    // [BOS, " ", "ab"] → " ab" (−3) → [BOS, " ab"]. Without " ab", the result is [BOS, " ", "ab"].
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-tok-'));
    const write = (pieces: [string, number][]) => {
      const parts: Buffer[] = [Buffer.from(Int32Array.of(8).buffer)];
      for (const [p, s] of pieces) {
        const bytes = Buffer.from(p, 'utf8');
        const head = Buffer.alloc(8);
        head.writeFloatLE(s, 0);
        head.writeInt32LE(bytes.length, 4);
        parts.push(head, bytes);
      }
      const file = path.join(dir, `tok${pieces.length}.bin`);
      writeFileSync(file, Buffer.concat(parts));
      return file;
    };
    const base: [string, number][] = [['<unk>', 0], ['\n<s>\n', 0], ['\n</s>\n', 0]];
    for (let b = 0; b < 256; b++) base.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
    const extra: [string, number][] = [[' ', -5], ['a', -5], ['b', -5], ['ab', -1], [' a', -2]];
    const withAb = [...base, ...extra, [' ab', -3] as [string, number]];
    const full = await readLlama2cTokenizer(write(withAb), withAb.length, 'test');
    expect(full.encode('ab')).toEqual([1, withAb.length - 1]);
    const partial = [...base, ...extra];
    const t = await readLlama2cTokenizer(write(partial), partial.length, 'test');
    expect(t.encode('ab')).toEqual([1, 259, 262]);
    // "ba" → [BOS, " ", "b", "a"]: neither " b" nor "ba" is a piece, so nothing merges.
    expect(t.encode('ba')).toEqual([1, 259, 261, 260]);
  });
});

describe('Llama2cModel forward pass', () => {
  let legacy: Llama2cModel;
  let v1: Llama2cModel;
  let prompt: number[];
  let run: { tokens: number[]; logProbs: Float64Array[] };
  beforeAll(async () => {
    legacy = await load(`llama2c:${LEGACY}`);
    v1 = await load(`llama2c:${V1}#tokenizer=${TOKENIZER}`);
    prompt = legacy.tokenizer.encode('Once upon a time');
    run = await greedy(legacy, prompt, 40);
  });

  it('greedy decoding from "Once upon a time" reproduces docs/conventions.md token for token', () => {
    const text = legacy.tokenizer.decode([...prompt, ...run.tokens]);
    expect(text.startsWith(SPEC_TEXT)).toBe(true);
    // SOURCE.md continues "... park. One day, she saw a big, red ball."
    expect(text.startsWith(`${SPEC_TEXT} One day, she saw a big, red ball.`)).toBe(true);
  });

  it('gives the first generated token "," probability ≈ 0.9688 (SOURCE.md)', () => {
    expect(legacy.tokenizer.tokenText(run.tokens[0]!)).toBe(',');
    expect(Math.exp(run.logProbs[0]![run.tokens[0]!]!)).toBeCloseTo(0.9688, 4);
  });

  it('matches an independent float64 reference forward pass to 1e-5 at every position', () => {
    const reference = referenceProbabilities(readLegacyReference(LEGACY), [...prompt, ...run.tokens.slice(0, 24)]);
    // reference[t] predicts token t+1; run.logProbs[0] is after the prompt (position prompt.length − 1).
    for (let i = 0; i <= 24; i++) {
      const ref = reference[prompt.length - 1 + i]!;
      const ours = run.logProbs[i]!.map(Math.exp);
      expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-5);
      expect(argmax(ref)).toBe(argmax(run.logProbs[i]!));
    }
    // and every prompt position (the causal prefill path)
    const prefixRef = reference.slice(0, prompt.length);
    return Promise.all(
      prefixRef.map(async (ref, t) => {
        const [d] = await legacy.nextTokenDistributions([prompt.slice(0, t + 1)]);
        expect(maxAbsDiff((d!.logProbs as Float64Array).map(Math.exp), ref)).toBeLessThan(1e-5);
      }),
    );
  });

  it('gives identical distributions from the legacy and the version-1 file', async () => {
    const other = await greedy(v1, prompt, 40);
    expect(other.tokens).toEqual(run.tokens);
    for (let i = 0; i < run.logProbs.length; i++) expect(other.logProbs[i]).toEqual(run.logProbs[i]);
  });

  it('nextTokenDistributions(prefixes) equals the KV-cache path for each prefix, in order', async () => {
    const seq = [...prompt, ...run.tokens];
    const prefixes = [seq.slice(0, 7), seq.slice(0, 3), seq.slice(0, 20)];
    const ds = await legacy.nextTokenDistributions(prefixes);
    expect(ds.length).toBe(3);
    expect(maxAbsDiff(ds[0]!.logProbs, run.logProbs[7 - prompt.length]!)).toBeLessThan(1e-12);
    expect(maxAbsDiff(ds[2]!.logProbs, run.logProbs[20 - prompt.length]!)).toBeLessThan(1e-12);
    // every prefix of the sequence in order (the cache of the previous one is reused), and repeats
    const all = seq.slice(prompt.length - 1, 30).map((_, i) => seq.slice(0, prompt.length + i));
    const each = await legacy.nextTokenDistributions([...all, all[3]!, all[3]!, seq.slice(0, 2)]);
    all.forEach((_, i) => expect(maxAbsDiff(each[i]!.logProbs, run.logProbs[i]!)).toBeLessThan(1e-12));
    expect(each[all.length]!.logProbs).toEqual(each[3]!.logProbs);
    expect(each[all.length + 1]!.logProbs).toEqual(each[3]!.logProbs);
    const [fresh] = await v1.nextTokenDistributions([seq.slice(0, 2)]);
    expect(maxAbsDiff(each[all.length + 2]!.logProbs, fresh!.logProbs)).toBeLessThan(1e-12);
  });

  it('rejects an empty prefix and a prefix longer than the context with InvalidValueError', async () => {
    await expect(legacy.nextTokenDistributions([[]])).rejects.toThrow(InvalidValueError);
    await expect(legacy.nextTokenDistributions([new Array<number>(513).fill(1)])).rejects.toThrow(/context of 512 tokens/);
    await expect(legacy.nextTokenDistributions([[1, 512]])).rejects.toThrow(/outside the vocabulary/);
  });
});

describe('tree decoding', () => {
  let model: Llama2cModel;
  let prompt: number[];
  beforeAll(async () => {
    model = await load(`llama2c:${LEGACY}`);
    prompt = model.tokenizer.encode('Once upon a time');
  });

  /** Tree as parent/token arrays (node 0 = root) from a list of (parent index, token) choices. */
  const treeArb = (size: number) =>
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 3, max: 511 })), { minLength: 1, maxLength: size }).map((choices) => {
      const parents = [-1];
      const tokens = [-1];
      choices.forEach(([p, t], i) => {
        parents.push(p % (i + 1));
        tokens.push(t);
      });
      return { parents, tokens };
    });

  const pathTo = (parents: number[], tokens: number[], v: number): number[] => {
    const out: number[] = [];
    for (let u = v; u > 0; u = parents[u]!) out.unshift(tokens[u]!);
    return out;
  };

  it('verifyTree gives every node the distribution of sequential decoding along its path', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb(40), async ({ parents, tokens }) => {
        const verified = model.verifyTree(prompt, parents, tokens);
        expect(verified.length).toBe(parents.length);
        const sequential = await model.nextTokenDistributions(parents.map((_, v) => [...prompt, ...pathTo(parents, tokens, v)]));
        for (let v = 0; v < parents.length; v++) expect(maxAbsDiff(verified[v]!, sequential[v]!.logProbs)).toBeLessThan(1e-9);
      }),
      { numRuns: 12 },
    );
  });

  it('verifyTree on a 64-node tree of likely tokens matches decoding each path one token at a time', async () => {
    // A tree grown from the model itself: each node gets its two most probable children, breadth-first, until P = 64.
    const parents = [-1];
    const tokens = [-1];
    const root = await model.openTree(prompt);
    const dists: Float64Array[] = [root.root.logProbs as Float64Array];
    for (let v = 0; parents.length < 64; v++) {
      const lp = dists[v]!;
      const order = Array.from(lp.keys()).sort((a, b) => lp[b]! - lp[a]!);
      for (const t of order.slice(0, 2)) {
        if (parents.length >= 64) break;
        const [r] = await root.expand([{ parent: v, token: t }]);
        parents.push(v);
        tokens.push(t);
        dists.push(r!.distribution.logProbs as Float64Array);
      }
    }
    root.close();
    const verified = model.verifyTree(prompt, parents, tokens);
    for (let v = 0; v < 64; v++) {
      // one node per expand call (the per-node KV cache) == all 63 in one batched pass
      expect(maxAbsDiff(verified[v]!, dists[v]!)).toBeLessThan(1e-9);
      // == plain sequential decoding of prompt + path (a fresh causal pass)
      const [seq] = await model.nextTokenDistributions([[...prompt, ...pathTo(parents, tokens, v)]]);
      expect(maxAbsDiff(verified[v]!, seq!.logProbs)).toBeLessThan(1e-9);
    }
    // and to the float64 reference, for the deepest path (to 1e-5)
    const deepest = parents.length - 1;
    const seq = [...prompt, ...pathTo(parents, tokens, deepest)];
    const ref = referenceProbabilities(readLegacyReference(LEGACY), seq);
    expect(maxAbsDiff(verified[deepest]!.map(Math.exp), ref[seq.length - 1]!)).toBeLessThan(1e-5);
  });

  it('session.expand accepts parents created earlier in the same call and numbers nodes in request order', async () => {
    const s = await model.openTree(prompt);
    const r = await s.expand([
      { parent: 0, token: 432 },
      { parent: 1, token: 383 },
      { parent: 0, token: 383 },
    ]);
    expect(r.map((x) => x.node)).toEqual([1, 2, 3]);
    const [seq] = await model.nextTokenDistributions([[...prompt, 432, 383]]);
    expect(maxAbsDiff(r[1]!.distribution.logProbs, seq!.logProbs)).toBeLessThan(1e-9);
    await expect(s.expand([{ parent: 9, token: 5 }])).rejects.toThrow(RangeError);
    s.close();
  });
});

describe('llama2c-skip layer-skipping drafter', () => {
  it('with every layer equals the full model; with fewer layers it differs but is still a distribution', async () => {
    const full = await load(`llama2c:${LEGACY}`);
    const all = await load(`llama2c-skip:${LEGACY}#layers=0,1,2,3,4`);
    const some = await load(`llama2c-skip:${LEGACY}#layers=0,1,3`);
    expect(some.activeLayers).toEqual([0, 1, 3]);
    const prompt = full.tokenizer.encode('Once upon a time, there was');
    const [a] = await full.nextTokenDistributions([prompt]);
    const [b] = await all.nextTokenDistributions([prompt]);
    const [c] = await some.nextTokenDistributions([prompt]);
    expect(b!.logProbs).toEqual(a!.logProbs);
    expect(maxAbsDiff(c!.logProbs.map(Math.exp), a!.logProbs.map(Math.exp))).toBeGreaterThan(1e-3);
    expect(Array.from(c!.logProbs).reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(1, 12);
    // Its tree session agrees with its own sequential decoding too.
    const s = await some.openTree(prompt);
    const [r] = await s.expand([{ parent: 0, token: 261 }]);
    const [seq] = await some.nextTokenDistributions([[...prompt, 261]]);
    expect(maxAbsDiff(r!.distribution.logProbs, seq!.logProbs)).toBeLessThan(1e-9);
  });

  it('loads through loadModel with the registry spelling', async () => {
    const m = await loadModel(`llama2c-skip:${LEGACY}#layers=0,2&tokenizer=${TOKENIZER}`);
    expect(m.name).toBe(`llama2c-skip:${LEGACY}#layers=0,2&tokenizer=${TOKENIZER}`);
    expect(m.vocabSize).toBe(512);
  });

  it('parseLayerList rejects layers outside the model, duplicates and junk', () => {
    expect(parseLayerList('3,0,1', 5, 'm.bin')).toEqual([0, 1, 3]);
    expect(() => parseLayerList('0,5', 5, 'm.bin')).toThrow(/layer 5 is outside the model.*layers 0\.\.4/);
    expect(() => parseLayerList('1,1', 5, 'm.bin')).toThrow(/listed twice/);
    expect(() => parseLayerList('1,,2', 5, 'm.bin')).toThrow(InvalidValueError);
    expect(() => parseLayerList('-1', 5, 'm.bin')).toThrow(/not a layer number/);
  });
});

describe('loadLlama2c bad input', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-llama-'));

  it('names a truncated checkpoint and the size it expected', async () => {
    const file = path.join(dir, 'truncated.bin');
    writeFileSync(file, readFileSync(LEGACY).subarray(0, 500_000));
    await expect(readLlama2cCheckpoint(file)).rejects.toThrow(InputFileError);
    await expect(readLlama2cCheckpoint(file)).rejects.toThrow(/truncated\.bin: truncated: .* has 1056540 bytes, this file has 500000/);
  });

  it('names a foreign file and says what a llama2.c checkpoint looks like', async () => {
    await expect(readLlama2cCheckpoint(TOKENIZER)).rejects.toThrow(/tok512\.bin: not a llama2\.c checkpoint.*expected a llama2\.c checkpoint/);
    const q8 = path.join(dir, 'q8.bin');
    const header = Buffer.alloc(256);
    header.writeUInt32LE(0x616b3432, 0);
    header.writeInt32LE(2, 4);
    writeFileSync(q8, header);
    await expect(readLlama2cCheckpoint(q8)).rejects.toThrow(/version 2 is not supported \(Q8_0 quantized/);
  });

  it('rejects a tokenizer whose vocabulary differs from the model', async () => {
    const file = path.join(dir, 'tok-short.bin');
    // The first 100 tokens of tok512.bin: max_token_length, then 100 (score, length, bytes) records.
    const data = readFileSync(TOKENIZER);
    let at = 4;
    for (let i = 0; i < 100; i++) at += 8 + data.readInt32LE(at + 4);
    writeFileSync(file, data.subarray(0, at));
    await expect(load(`llama2c:${LEGACY}#tokenizer=${file}`)).rejects.toThrow(/tok-short\.bin: tokenizer holds 100 tokens but the model .*stories260K\.bin has a vocabulary of 512/);
  });

  it('rejects a missing tokenizer, a missing path and unknown parameters', async () => {
    const lonely = path.join(dir, 'lonely.bin');
    writeFileSync(lonely, readFileSync(LEGACY));
    await expect(load(`llama2c:${lonely}`)).rejects.toThrow(/no tokenizer next to the checkpoint \(looked for .*tok512\.bin and .*tokenizer\.bin\)/);
    await expect(load('llama2c:')).rejects.toThrow(/no checkpoint path/);
    await expect(load(`llama2c:${LEGACY}#layers=1`)).rejects.toThrow(/unknown parameter "layers"; llama2c takes tokenizer/);
    await expect(load(`llama2c-skip:${LEGACY}`)).rejects.toThrow(/needs #layers=LIST/);
    await expect(load(`llama2c:${path.join(dir, 'nope.bin')}`)).rejects.toThrow(/nope\.bin: cannot open checkpoint: ENOENT/);
    await expect(load(`llama2c:${dir}`)).rejects.toThrow(/: not a file; expected a llama2\.c checkpoint/);
    await expect(load(`llama2c:${LEGACY}#tokenizer=${dir}`)).rejects.toThrow(/: cannot read tokenizer: not a file/);
  });
});

describe('llama2c checkpoints with a separate classifier (synthetic model)', () => {
  // A small random model written by this test in both formats, as export.py's legacy_export
  // (negative vocab_size = unshared classifier) and version1_export (shared flag 0) lay them out.
  const cfg = { dim: 16, hidden: 24, layers: 2, heads: 4, kvHeads: 2, vocab: 40, seqLen: 32 };
  const kvDim = (cfg.dim / cfg.heads) * cfg.kvHeads;
  let seed = 12345;
  const rand = (n: number, scale = 0.3) =>
    Float32Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return ((seed / 2 ** 32) * 2 - 1) * scale;
    });
  const L = cfg.layers;
  const t = {
    emb: rand(cfg.vocab * cfg.dim),
    rmsAtt: rand(L * cfg.dim, 1).map((v) => 1 + v),
    wq: rand(L * cfg.dim * cfg.dim),
    wk: rand(L * kvDim * cfg.dim),
    wv: rand(L * kvDim * cfg.dim),
    wo: rand(L * cfg.dim * cfg.dim),
    rmsFfn: rand(L * cfg.dim, 1).map((v) => 1 + v),
    w1: rand(L * cfg.hidden * cfg.dim),
    w2: rand(L * cfg.dim * cfg.hidden),
    w3: rand(L * cfg.hidden * cfg.dim),
    rmsFinal: rand(cfg.dim, 1).map((v) => 1 + v),
    freq: new Float32Array((cfg.seqLen * cfg.dim) / cfg.heads / 2),
    wcls: rand(cfg.vocab * cfg.dim),
  };
  const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-synth-'));
  const legacyFile = path.join(dir, 'synth.bin');
  const v1File = path.join(dir, 'synth-v1.bin');
  const header = (vocab: number) => Buffer.from(Int32Array.of(cfg.dim, cfg.hidden, cfg.layers, cfg.heads, cfg.kvHeads, vocab, cfg.seqLen).buffer);
  writeFileSync(
    legacyFile,
    Buffer.concat([header(-cfg.vocab), ...[t.emb, t.rmsAtt, t.wq, t.wk, t.wv, t.wo, t.rmsFfn, t.w1, t.w2, t.w3, t.rmsFinal, t.freq, t.freq, t.wcls].map(f32)]),
  );
  const v1Head = Buffer.alloc(256);
  v1Head.writeUInt32LE(0x616b3432, 0);
  v1Head.writeInt32LE(1, 4);
  header(cfg.vocab).copy(v1Head, 8);
  v1Head.writeUInt8(0, 36);
  writeFileSync(v1File, Buffer.concat([v1Head, ...[t.rmsAtt, t.rmsFfn, t.rmsFinal, t.emb, t.wq, t.wk, t.wv, t.wo, t.w1, t.w2, t.w3, t.wcls].map(f32)]));
  // A 40-piece tokenizer (tok40.bin, found by the tok<V>.bin rule).
  const pieces = ['<unk>', '\n<s>\n', '\n</s>\n', ...Array.from({ length: 37 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(1 + Math.floor(i / 26)))];
  writeFileSync(
    path.join(dir, 'tok40.bin'),
    Buffer.concat([
      Buffer.from(Int32Array.of(7).buffer),
      ...pieces.map((p) => {
        const h = Buffer.alloc(8);
        h.writeFloatLE(0, 0);
        h.writeInt32LE(Buffer.byteLength(p), 4);
        return Buffer.concat([h, Buffer.from(p)]);
      }),
    ]),
  );

  it('reads both formats as the same unshared model and matches the float64 reference', async () => {
    const a = await load(`llama2c:${legacyFile}`);
    const b = await load(`llama2c:${v1File}`);
    expect(a.checkpoint.config.sharedClassifier).toBe(false);
    expect(b.checkpoint.config.sharedClassifier).toBe(false);
    expect(a.checkpoint.weights.wcls).not.toBe(a.checkpoint.weights.tokenEmbedding);
    const seq = [1, 5, 17, 3, 39, 22, 8, 8, 30];
    const ref = referenceProbabilities(readLegacyReference(legacyFile), seq);
    const tree = a.verifyTree([seq[0]!], [-1, 0, 1, 2, 3, 4, 5, 6, 7], [-1, ...seq.slice(1)]);
    const [viaV1] = await b.nextTokenDistributions([seq]);
    for (let i = 0; i < seq.length; i++) expect(maxAbsDiff(tree[i]!.map(Math.exp), ref[i]!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(viaV1!.logProbs, tree[seq.length - 1]!)).toBeLessThan(1e-12);
  });

  it('rejects a checkpoint whose header does not describe a transformer', async () => {
    const bad = path.join(dir, 'bad-heads.bin');
    const buf = readFileSync(legacyFile);
    buf.writeInt32LE(3, 12); // n_heads = 3 does not divide dim = 16
    writeFileSync(bad, buf);
    await expect(readLlama2cCheckpoint(bad)).rejects.toThrow(/bad-heads\.bin: not a llama2\.c checkpoint \(legacy header: dim=16 is not a multiple of n_heads=3\)/);
  });
});

describe('Llama2cTokenizer without byte pieces', () => {
  it('encodes characters it cannot spell as <unk> (id 0) instead of ids outside the vocabulary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-tok-small-'));
    const pieces = ['<unk>', '\n<s>\n', '\n</s>\n', ' ', 'a'];
    const file = path.join(dir, 'tok5.bin');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(Int32Array.of(7).buffer),
        ...pieces.map((p) => {
          const h = Buffer.alloc(8);
          h.writeInt32LE(Buffer.byteLength(p), 4);
          return Buffer.concat([h, Buffer.from(p)]);
        }),
      ]),
    );
    const t = await readLlama2cTokenizer(file, 5, 'test');
    // "aZ": [BOS, " ", "a", byte 0x5A → 0x5A + 3 = 93 is not "<0x5A>" here → <unk>]
    expect(t.encode('aZ')).toEqual([1, 3, 4, 0]);
  });
});

describe('Llama2cTransformer attention for head sizes that are not multiples of 4', () => {
  // Random legacy checkpoints (header of 7 int32, then float32 weights and RoPE tables, the
  // layout readLegacyReference documents) with head size 6 and 2: the attention kernel sweeps
  // four coordinates at a time and has a separate path for a last pair; stories260K (head size
  // 8) never reaches it. Checked against the independent float64 reference at every position.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llama2c-hs-'));
  function writeRandom(file: string, dim: number, heads: number, kvHeads: number): void {
    const [hidden, layers, vocab, seqLen] = [10, 2, 12, 16];
    const hs = dim / heads;
    const kvDim = hs * kvHeads;
    const floats = vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * kvDim * dim + 3 * hidden * dim) + dim + seqLen * hs;
    const buf = Buffer.alloc(28 + 4 * floats);
    [dim, hidden, layers, heads, kvHeads, vocab, seqLen].forEach((v, i) => buf.writeInt32LE(v, 4 * i));
    let s = 12345;
    for (let i = 0; i < floats; i++) {
      s = (s * 1103515245 + 12345) % 2147483648; // a fixed LCG: the test needs any weights, deterministically
      buf.writeFloatLE((s / 2147483648 - 0.5) * 1.5, 28 + 4 * i);
    }
    writeFileSync(file, buf);
  }
  for (const [dim, heads, kvHeads] of [
    [12, 2, 1],
    [8, 4, 2],
  ] as const) {
    it(`head size ${dim / heads} matches the float64 reference to 1e-9`, async () => {
      const file = path.join(dir, `hs${dim / heads}.bin`);
      writeRandom(file, dim, heads, kvHeads);
      const ck = await readLlama2cCheckpoint(file);
      const transformer = new Llama2cTransformer(ck.config, ck.weights);
      const tokens = [1, 5, 7, 2, 11, 3, 0, 9];
      const cache = transformer.newCache();
      const n = tokens.length;
      const out = transformer.forward(
        cache,
        {
          count: n,
          tokens: Int32Array.from(tokens),
          positions: Int32Array.from(tokens, (_, i) => i),
          contextEnd: Int32Array.from(tokens, (_, i) => i + 1),
          extraStart: new Int32Array(n + 1),
          extraSlots: new Int32Array(0),
        },
        tokens.map((_, i) => i),
      );
      const ref = referenceProbabilities(readLegacyReference(file), tokens);
      for (let i = 0; i < n; i++) expect(maxAbsDiff(out[i]!.map(Math.exp), ref[i]!)).toBeLessThan(1e-9);
    });
  }
});
