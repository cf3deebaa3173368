/**
 * Random-weight llama2.c checkpoints with a tokenizer of any vocabulary size, for benchmarks at
 * the vocabularies of real models (Llama 2: 32,000; Llama 3: 128,256) without shipping weights.
 *
 * Writes the legacy format `run.c` reads (checkpoint.ts: 7 int32 header fields, float32 tensors
 * token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, freq_cis_real,
 * freq_cis_imag; shared classifier) and a llama2.c `tokenizer.bin` (int32 max_token_length, then
 * per token float32 score, int32 length, bytes) whose first 259 tokens are llama2.c's
 * `<unk>`, BOS, EOS and the 256 `<0xXX>` byte pieces, then " "; the rest are distinct made-up pieces.
 * Weights are N(0, 1/dim)-scaled uniforms (seeded), norms 1, so logits spread over the vocabulary.
 */
import { open } from 'node:fs/promises';
import { commitTemporary, removeTemporary, temporaryPathFor, writeFailure } from '../../core/atomic-file.js';
import { createRng } from '../../core/rng.js';
import type { Llama2cConfig } from './checkpoint.js';

/** The shape of the checkpoint (always with a shared classifier) and the seed of its weights. */
export interface RandomCheckpointOptions extends Omit<Llama2cConfig, 'sharedClassifier'> {
  readonly seed: number;
}

/** Writes `checkpointFile` and `tokenizerFile`; returns the checkpoint's config. */
export async function writeRandomLlama2c(checkpointFile: string, tokenizerFile: string, o: RandomCheckpointOptions): Promise<Llama2cConfig> {
  if (o.vocabSize < 259) throw new RangeError(`vocabulary ${o.vocabSize} is smaller than llama2.c's 259 special and byte tokens`);
  const headSize = o.dim / o.nHeads;
  const kvDim = headSize * o.nKvHeads;
  const L = o.nLayers;
  const rng = createRng(o.seed, 0x72616e64);
  const scale = Math.sqrt(3 / o.dim); // uniform(−s, s) has variance 1/dim
  const random = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (2 * rng.next() - 1) * scale;
    return a;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const header = new Int32Array([o.dim, o.hiddenDim, L, o.nHeads, o.nKvHeads, o.vocabSize, o.seqLen]);
  // Token embeddings are the classifier too (shared): scale them up so distributions are not flat.
  const embedding = random(o.vocabSize * o.dim).map((x) => x * 3);
  const tensors = [
    embedding,
    ones(L * o.dim),
    random(L * o.dim * o.dim),
    random(L * kvDim * o.dim),
    random(L * kvDim * o.dim),
    random(L * o.dim * o.dim),
    ones(L * o.dim),
    random(L * o.hiddenDim * o.dim),
    random(L * o.dim * o.hiddenDim),
    random(L * o.hiddenDim * o.dim),
    ones(o.dim),
    new Float32Array(o.seqLen * (headSize / 2)),
    new Float32Array(o.seqLen * (headSize / 2)),
  ];
  await writeAtomic(checkpointFile, [header, ...tensors]);

  const pieces: Buffer[] = [Buffer.from('<unk>'), Buffer.from('\n<s>\n'), Buffer.from('\n</s>\n')];
  for (let b = 0; b < 256; b++) pieces.push(Buffer.from(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
  pieces.push(Buffer.from(' ')); // the dummy-prefix piece, so llama.cpp's and run.c's encodings agree
  for (let i = pieces.length; i < o.vocabSize; i++) pieces.push(Buffer.from(` w${i.toString(36)}`));
  const maxLength = pieces.reduce((m, p) => Math.max(m, p.length), 0);
  const parts: Uint8Array[] = [new Uint8Array(Int32Array.of(maxLength).buffer)];
  pieces.forEach((p, id) => {
    const head = Buffer.alloc(8);
    head.writeFloatLE(id < 259 ? 0 : -id, 0);
    head.writeInt32LE(p.length, 4);
    parts.push(head, p);
  });
  await writeAtomic(tokenizerFile, parts);
  return { dim: o.dim, hiddenDim: o.hiddenDim, nLayers: L, nHeads: o.nHeads, nKvHeads: o.nKvHeads, vocabSize: o.vocabSize, seqLen: o.seqLen, sharedClassifier: true };
}

/** Streams `parts` to a temporary file, then commits it (core/atomic-file.ts: fsync, rename). */
async function writeAtomic(file: string, parts: readonly ArrayBufferView[]): Promise<void> {
  const tmp = temporaryPathFor(file);
  try {
    const handle = await open(tmp, 'w');
    try {
      for (const p of parts) await handle.write(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    } finally {
      await handle.close();
    }
  } catch (err) {
    await removeTemporary(tmp);
    throw writeFailure(file, err);
  }
  await commitTemporary(tmp, file);
}
