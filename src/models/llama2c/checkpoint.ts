/**
 * Reads llama2.c checkpoints (Karpathy's `run.c` family: stories15M/42M/110M/260K or your own
 * export) in the two float32 formats of llama2.c's `export.py`:
 *
 * - legacy (version 0, what `run.c` reads): 7 int32 header fields (dim, hidden_dim, n_layers,
 *   n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means the classifier is
 *   not shared with the token embedding), then float32 tensors: token_embedding, rms_att, wq,
 *   wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, freq_cis_real, freq_cis_imag (seq_len ×
 *   head_size/2 each; unused, RoPE is recomputed), [wcls].
 * - version 1 (`version1_export`): uint32 magic 0x616b3432 ("ak42"), int32 version = 1, the same
 *   7 int32 fields (vocab_size positive), uint8 shared_classifier, zero padding to 256 bytes,
 *   then float32 tensors: rms_att, rms_ffn, rms_final, token_embedding, wq, wk, wv, wo, w1, w2,
 *   w3, [wcls].
 *
 * Memory: the weights are read straight from a file handle into ONE Float32Array (4-byte
 * aligned by construction) and every tensor is a view into it, so the file is never held
 * twice. Little-endian, as written by export.py on every common machine.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { InputFileError } from '../../core/errors.js';

export interface Llama2cConfig {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly sharedClassifier: boolean;
}

/** One transformer block's weights; matrices are row-major (out × in), rows contiguous. */
export interface Llama2cLayerWeights {
  readonly rmsAtt: Float32Array; // dim
  readonly wq: Float32Array; // dim × dim
  readonly wk: Float32Array; // kvDim × dim
  readonly wv: Float32Array; // kvDim × dim
  readonly wo: Float32Array; // dim × dim
  readonly rmsFfn: Float32Array; // dim
  readonly w1: Float32Array; // hidden × dim
  readonly w2: Float32Array; // dim × hidden
  readonly w3: Float32Array; // hidden × dim
}

export interface Llama2cWeights {
  readonly tokenEmbedding: Float32Array; // vocab × dim
  readonly layers: readonly Llama2cLayerWeights[];
  readonly rmsFinal: Float32Array; // dim
  /** Classifier (vocab × dim); the token embedding itself when shared. */
  readonly wcls: Float32Array;
}

export interface Llama2cCheckpoint {
  readonly file: string;
  readonly format: 'legacy' | 'version1';
  readonly config: Llama2cConfig;
  readonly weights: Llama2cWeights;
}

export const LLAMA2C_MAGIC = 0x616b3432; // "ak42"
const LEGACY_HEADER_BYTES = 28;
const V1_HEADER_BYTES = 256;
/** Largest single read; Node refuses reads above 2 GiB. */
const READ_CHUNK = 1 << 30;

const HEADER_NAMES = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'] as const;

/** Floats of the per-model tensors, in the order of each format. */
function tensorSizes(c: Llama2cConfig): Record<string, number> {
  const headSize = c.dim / c.nHeads;
  const kvDim = (c.dim * c.nKvHeads) / c.nHeads;
  const L = c.nLayers;
  return {
    tokenEmbedding: c.vocabSize * c.dim,
    rmsAtt: L * c.dim,
    wq: L * c.dim * c.dim,
    wk: L * kvDim * c.dim,
    wv: L * kvDim * c.dim,
    wo: L * c.dim * c.dim,
    rmsFfn: L * c.dim,
    w1: L * c.hiddenDim * c.dim,
    w2: L * c.dim * c.hiddenDim,
    w3: L * c.hiddenDim * c.dim,
    rmsFinal: c.dim,
    freqCisReal: (c.seqLen * headSize) / 2,
    freqCisImag: (c.seqLen * headSize) / 2,
    wcls: c.sharedClassifier ? 0 : c.vocabSize * c.dim,
  };
}

const LEGACY_ORDER = ['tokenEmbedding', 'rmsAtt', 'wq', 'wk', 'wv', 'wo', 'rmsFfn', 'w1', 'w2', 'w3', 'rmsFinal', 'freqCisReal', 'freqCisImag', 'wcls'];
const V1_ORDER = ['rmsAtt', 'rmsFfn', 'rmsFinal', 'tokenEmbedding', 'wq', 'wk', 'wv', 'wo', 'w1', 'w2', 'w3', 'wcls'];

function describe(c: Llama2cConfig): string {
  return `dim=${c.dim} hidden_dim=${c.hiddenDim} n_layers=${c.nLayers} n_heads=${c.nHeads} n_kv_heads=${c.nKvHeads} vocab_size=${c.vocabSize} seq_len=${c.seqLen}${c.sharedClassifier ? '' : ' (separate classifier)'}`;
}

/** Why a header cannot be a llama2.c model, or undefined when it is plausible. */
function headerProblem(c: Llama2cConfig): string | undefined {
  const fields = [c.dim, c.hiddenDim, c.nLayers, c.nHeads, c.nKvHeads, c.vocabSize, c.seqLen];
  const limits = [1 << 16, 1 << 18, 1024, 1024, 1024, 1 << 22, 1 << 22];
  for (let i = 0; i < fields.length; i++) {
    if (!(fields[i]! > 0 && fields[i]! <= limits[i]!)) return `${HEADER_NAMES[i]}=${fields[i]} is outside 1..${limits[i]}`;
  }
  if (c.dim % c.nHeads !== 0) return `dim=${c.dim} is not a multiple of n_heads=${c.nHeads}`;
  if (c.nHeads % c.nKvHeads !== 0) return `n_heads=${c.nHeads} is not a multiple of n_kv_heads=${c.nKvHeads}`;
  if ((c.dim / c.nHeads) % 2 !== 0) return `head size dim/n_heads=${c.dim / c.nHeads} is odd (RoPE needs pairs)`;
  return undefined;
}

const EXPECTED =
  'expected a llama2.c checkpoint: the legacy format (7 int32 header fields dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len, then float32 weights) or the version-1 export (magic "ak42")';

/**
 * Reads a checkpoint. Throws InputFileError naming the file for a truncated, oversized or
 * foreign file, saying what was expected.
 */
export async function readLlama2cCheckpoint(file: string): Promise<Llama2cCheckpoint> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new InputFileError(file, undefined, `cannot open checkpoint: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputFileError(file, undefined, `not a file; ${EXPECTED}`);
    const { size } = info;
    const head = new Uint8Array(Math.min(size, V1_HEADER_BYTES));
    await readFully(handle, head, 0, file);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (size < LEGACY_HEADER_BYTES) throw new InputFileError(file, undefined, `${size} bytes is too short; ${EXPECTED}`);
    const magic = view.getUint32(0, true);
    let format: 'legacy' | 'version1';
    let config: Llama2cConfig;
    let headerBytes: number;
    if (magic === LLAMA2C_MAGIC) {
      if (size < V1_HEADER_BYTES) throw new InputFileError(file, undefined, `truncated: ${size} bytes, shorter than the 256-byte version-1 header`);
      const version = view.getInt32(4, true);
      if (version !== 1) {
        throw new InputFileError(
          file,
          undefined,
          `llama2.c export version ${version} is not supported (${version === 2 ? 'Q8_0 quantized; ' : ''}expected version 1, float32, or the legacy format)`,
        );
      }
      const f = (i: number) => view.getInt32(8 + 4 * i, true);
      config = {
        dim: f(0),
        hiddenDim: f(1),
        nLayers: f(2),
        nHeads: f(3),
        nKvHeads: f(4),
        vocabSize: f(5),
        seqLen: f(6),
        sharedClassifier: view.getUint8(36) !== 0,
      };
      format = 'version1';
      headerBytes = V1_HEADER_BYTES;
    } else {
      const f = (i: number) => view.getInt32(4 * i, true);
      const vocab = f(5);
      config = {
        dim: f(0),
        hiddenDim: f(1),
        nLayers: f(2),
        nHeads: f(3),
        nKvHeads: f(4),
        vocabSize: Math.abs(vocab),
        seqLen: f(6),
        sharedClassifier: vocab > 0,
      };
      format = 'legacy';
      headerBytes = LEGACY_HEADER_BYTES;
    }
    const problem = headerProblem(config);
    if (problem !== undefined) {
      throw new InputFileError(file, undefined, `not a llama2.c checkpoint (${format} header: ${problem}); ${EXPECTED}`);
    }
    const sizes = tensorSizes(config);
    const order = format === 'legacy' ? LEGACY_ORDER : V1_ORDER;
    const totalFloats = order.reduce((s, k) => s + sizes[k]!, 0);
    const expectedBytes = headerBytes + 4 * totalFloats;
    if (size !== expectedBytes) {
      const what = size < expectedBytes ? 'truncated' : 'size mismatch';
      throw new InputFileError(
        file,
        undefined,
        `${what}: a ${format === 'legacy' ? 'legacy' : 'version-1'} llama2.c checkpoint with ${describe(config)} has ${expectedBytes} bytes, this file has ${size}`,
      );
    }
    const data = new Float32Array(totalFloats);
    await readFully(handle, new Uint8Array(data.buffer), headerBytes, file);
    const offsets: Record<string, number> = {};
    let at = 0;
    for (const k of order) {
      offsets[k] = at;
      at += sizes[k]!;
    }
    const tensor = (k: string) => data.subarray(offsets[k], offsets[k]! + sizes[k]!);
    return { file, format, config, weights: splitLayers(config, tensor) };
  } finally {
    await handle.close();
  }
}

function splitLayers(c: Llama2cConfig, tensor: (name: string) => Float32Array): Llama2cWeights {
  const kvDim = (c.dim * c.nKvHeads) / c.nHeads;
  const per = (name: string, size: number, l: number) => tensor(name).subarray(l * size, (l + 1) * size);
  const layers: Llama2cLayerWeights[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    layers.push({
      rmsAtt: per('rmsAtt', c.dim, l),
      wq: per('wq', c.dim * c.dim, l),
      wk: per('wk', kvDim * c.dim, l),
      wv: per('wv', kvDim * c.dim, l),
      wo: per('wo', c.dim * c.dim, l),
      rmsFfn: per('rmsFfn', c.dim, l),
      w1: per('w1', c.hiddenDim * c.dim, l),
      w2: per('w2', c.dim * c.hiddenDim, l),
      w3: per('w3', c.hiddenDim * c.dim, l),
    });
  }
  const tokenEmbedding = tensor('tokenEmbedding');
  return { tokenEmbedding, layers, rmsFinal: tensor('rmsFinal'), wcls: c.sharedClassifier ? tokenEmbedding : tensor('wcls') };
}

async function readFully(handle: FileHandle, target: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(READ_CHUNK, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) throw new InputFileError(file, undefined, `truncated: file ended after ${position + done} bytes`);
    done += bytesRead;
  }
}
