/**
 * llama2.c checkpoint + tokenizer.bin → GGUF v3 (float32, architecture `llama`, SentencePiece
 * tokenizer metadata) that llama.cpp loads as a Llama model.
 *
 * Everything here follows llama.cpp's own converter for these files,
 * examples/convert-llama2c-to-ggml/convert-llama2c-to-ggml.cpp (ggml-org/llama.cpp @
 * 381035a5409cac9ce60a025eb643261dc73b73a4):
 * - key names (general.architecture "llama", llama.context_length, .embedding_length,
 *   .feed_forward_length, .attention.head_count(_kv), .block_count, .rope.dimension_count =
 *   head size, .attention.layer_norm_rms_epsilon = 1e-5; tokenizer.ggml.model "llama" (SentencePiece),
 *   .tokens, .scores, .token_type, .bos/.eos/.unknown_token_id = 1/2/0);
 * - tensor names token_embd, output_norm, output, blk.N.{attn_norm, attn_q, attn_k, attn_v,
 *   attn_output, ffn_norm, ffn_gate (w1), ffn_down (w2), ffn_up (w3)}.weight;
 * - weights copied as they are (no Q/K permutation): llama2.c's RoPE rotates adjacent pairs
 *   (run.c), which is llama.cpp's LLAMA_ROPE_TYPE_NORM used for arch llama. A row-major
 *   out × in matrix is ggml ne = [in, out];
 * - vocabulary: id 0 "<unk>" UNKNOWN, 1 "<s>" and 2 "</s>" CONTROL, "<0xXX>" BYTE, an empty piece
 *   CONTROL, the rest NORMAL; spaces written as U+2581 "▁" (llama_escape_whitespaces).
 *   Token types from gguf-py/gguf/constants.py `TokenType` (NORMAL 1, UNKNOWN 2, CONTROL 3, BYTE 6).
 * We also write tokenizer.ggml.add_bos_token = true and add_eos_token = false (llama-vocab.cpp
 * reads these; they are its SPM defaults anyway) and general.file_type = 0 (ALL_F32).
 */
import type { Llama2cCheckpoint } from '../llama2c/checkpoint.js';
import type { Llama2cTokenizer } from '../llama2c/tokenizer.js';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-file.js';

const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;
const BYTE_PIECE = /^<0x[0-9A-Fa-f]{2}>$/;
/** run.c's RMSNorm epsilon, which llama.cpp's converter also writes. */
const RMS_EPS = 1e-5;

/** The GGUF vocabulary (text, score, type) of a llama2.c tokenizer, as llama.cpp's converter builds it. */
export function ggufVocabulary(tokenizer: Llama2cTokenizer): { tokens: string[]; scores: Float32Array; types: Int32Array } {
  const V = tokenizer.vocabSize;
  const tokens: string[] = [];
  const scores = new Float32Array(V);
  const types = new Int32Array(V);
  for (let id = 0; id < V; id++) {
    let text = tokenizer.piece(id);
    let type: number = TOKEN_TYPE.NORMAL;
    if (id === 0) {
      text = '<unk>';
      type = TOKEN_TYPE.UNKNOWN;
    } else if (id === 1) {
      text = '<s>';
      type = TOKEN_TYPE.CONTROL;
    } else if (id === 2) {
      text = '</s>';
      type = TOKEN_TYPE.CONTROL;
    } else if (text === '') {
      type = TOKEN_TYPE.CONTROL;
    } else if (BYTE_PIECE.test(text)) {
      type = TOKEN_TYPE.BYTE;
    }
    tokens.push(text.replaceAll(' ', '\u2581'));
    scores[id] = tokenizer.score(id);
    types[id] = type;
  }
  return { tokens, scores, types };
}

/** Writes `checkpoint` with `tokenizer` as a GGUF file at `outFile` (atomically). */
export async function convertLlama2cToGguf(checkpoint: Llama2cCheckpoint, tokenizer: Llama2cTokenizer, outFile: string, name: string): Promise<void> {
  const c = checkpoint.config;
  const w = checkpoint.weights;
  const headSize = c.dim / c.nHeads;
  const kvDim = headSize * c.nKvHeads;
  const vocab = ggufVocabulary(tokenizer);
  const meta = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: name }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['llama.context_length', { type: 'u32', value: c.seqLen }],
    ['llama.embedding_length', { type: 'u32', value: c.dim }],
    ['llama.feed_forward_length', { type: 'u32', value: c.hiddenDim }],
    ['llama.block_count', { type: 'u32', value: c.nLayers }],
    ['llama.attention.head_count', { type: 'u32', value: c.nHeads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: c.nKvHeads }],
    ['llama.rope.dimension_count', { type: 'u32', value: headSize }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: RMS_EPS }],
    ['llama.vocab_size', { type: 'u32', value: c.vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ]);
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [c.dim, c.vocabSize], data: w.tokenEmbedding },
    { name: 'output_norm.weight', shape: [c.dim], data: w.rmsFinal },
    { name: 'output.weight', shape: [c.dim, c.vocabSize], data: w.wcls },
  ];
  w.layers.forEach((l, i) => {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, shape: [c.dim], data: l.rmsAtt },
      { name: `blk.${i}.attn_q.weight`, shape: [c.dim, c.dim], data: l.wq },
      { name: `blk.${i}.attn_k.weight`, shape: [c.dim, kvDim], data: l.wk },
      { name: `blk.${i}.attn_v.weight`, shape: [c.dim, kvDim], data: l.wv },
      { name: `blk.${i}.attn_output.weight`, shape: [c.dim, c.dim], data: l.wo },
      { name: `blk.${i}.ffn_norm.weight`, shape: [c.dim], data: l.rmsFfn },
      { name: `blk.${i}.ffn_gate.weight`, shape: [c.dim, c.hiddenDim], data: l.w1 },
      { name: `blk.${i}.ffn_down.weight`, shape: [c.hiddenDim, c.dim], data: l.w2 },
      { name: `blk.${i}.ffn_up.weight`, shape: [c.dim, c.hiddenDim], data: l.w3 },
    );
  });
  await writeGguf(outFile, meta, tensors);
}
