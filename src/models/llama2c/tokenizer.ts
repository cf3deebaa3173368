/**
 * llama2.c's `tokenizer.bin` and its SentencePiece-style BPE, matching `run.c`:
 *
 * File: int32 max_token_length, then for each of the model's vocab_size tokens: float32 score,
 * int32 byte length, the piece's bytes. (The file does not store the count; it must hold exactly
 * the model's vocabulary, which we check.)
 *
 * encode: BOS (id 1) if asked, then the dummy-prefix piece " " when the text is not empty, then
 * one piece per UTF-8 code point (or its bytes as `<0xXX>` tokens, id = byte + 3, when the code
 * point is not a piece; `<unk>` if the vocabulary lacks that byte piece), then repeatedly merge the adjacent pair whose concatenation is the
 * piece with the highest score (first such pair on ties) until no pair merges.
 * decode: pieces concatenated as bytes; after BOS a leading space is stripped; `<0xXX>` pieces
 * are the raw byte; BOS/EOS are dropped; the bytes are read as UTF-8.
 */
import { open } from 'node:fs/promises';
import { InputFileError } from '../../core/errors.js';
import type { Tokenizer } from '../model.js';

export const LLAMA2C_BOS = 1;
export const LLAMA2C_EOS = 2;
/** `<0xXX>` byte tokens start at id 3 in every llama2.c tokenizer. */
const BYTE_OFFSET = 3;
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;
/** `<unk>`: stands for a byte when the vocabulary has no `<0xXX>` piece for it (never in real llama2.c tokenizers). */
const UNKNOWN = 0;

export class Llama2cTokenizer implements Tokenizer {
  readonly bos = LLAMA2C_BOS;
  readonly eos = LLAMA2C_EOS;
  readonly vocabSize: number;
  /** Piece bytes as a latin1 string (one char per byte), so lookups compare bytes like strcmp. */
  private readonly pieces: string[];
  private readonly scores: Float32Array;
  private readonly lookup = new Map<string, number>();
  /** For `<0xXX>` pieces, the byte; otherwise −1. */
  private readonly byteValue: Int16Array;

  constructor(pieces: string[], scores: Float32Array) {
    this.pieces = pieces;
    this.scores = scores;
    this.vocabSize = pieces.length;
    this.byteValue = new Int16Array(pieces.length).fill(-1);
    pieces.forEach((p, id) => {
      if (!this.lookup.has(p)) this.lookup.set(p, id);
      const m = BYTE_PIECE.exec(p);
      if (m !== null) this.byteValue[id] = parseInt(m[1]!, 16);
    });
  }

  encode(text: string, options?: { bos?: boolean }): number[] {
    const tokens: number[] = [];
    if (options?.bos ?? true) tokens.push(LLAMA2C_BOS);
    if (text !== '') {
      const space = this.lookup.get(' ');
      if (space !== undefined) tokens.push(space);
    }
    for (const codePoint of text) {
      const bytes = Buffer.from(codePoint, 'utf8');
      const id = this.lookup.get(bytes.toString('latin1'));
      if (id !== undefined) tokens.push(id);
      else for (const b of bytes) tokens.push(this.byteValue[b + BYTE_OFFSET] === b ? b + BYTE_OFFSET : UNKNOWN);
    }
    for (;;) {
      let bestScore = -1e10;
      let bestId = -1;
      let bestIndex = -1;
      for (let i = 0; i + 1 < tokens.length; i++) {
        const id = this.lookup.get(this.pieces[tokens[i]!]! + this.pieces[tokens[i + 1]!]!);
        if (id !== undefined && this.scores[id]! > bestScore) {
          bestScore = this.scores[id]!;
          bestId = id;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      tokens.splice(bestIndex, 2, bestId);
    }
    return tokens;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    let previous = -1;
    for (const id of ids) {
      this.checkId(id);
      if (id !== LLAMA2C_BOS && id !== LLAMA2C_EOS) this.appendBytes(bytes, id, previous === LLAMA2C_BOS);
      previous = id;
    }
    return Buffer.from(bytes).toString('utf8');
  }

  tokenText(id: number): string {
    this.checkId(id);
    const b = this.byteValue[id]!;
    if (b >= 0) return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : this.pieces[id]!;
    return Buffer.from(this.pieces[id]!, 'latin1').toString('utf8');
  }

  /** The piece's merge score (the SentencePiece log-probability run.c merges by). */
  score(id: number): number {
    this.checkId(id);
    return this.scores[id]!;
  }

  /** The raw piece (as run.c stores it), e.g. `" the"` or `"<0x0A>"`. */
  piece(id: number): string {
    this.checkId(id);
    return Buffer.from(this.pieces[id]!, 'latin1').toString('utf8');
  }

  private appendBytes(out: number[], id: number, afterBos: boolean): void {
    const b = this.byteValue[id]!;
    if (b >= 0) {
      out.push(b);
      return;
    }
    const p = this.pieces[id]!;
    for (let i = afterBos && p.startsWith(' ') ? 1 : 0; i < p.length; i++) out.push(p.charCodeAt(i));
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`token id ${id} is outside the vocabulary 0..${this.vocabSize - 1}`);
  }
}

/**
 * Reads a llama2.c tokenizer that must hold exactly `vocabSize` tokens (the model's vocabulary;
 * `modelFile` is named in the error when it does not).
 */
export async function readLlama2cTokenizer(file: string, vocabSize: number, modelFile: string): Promise<Llama2cTokenizer> {
  let data: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
      data = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new InputFileError(file, undefined, `cannot read tokenizer: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const foreign = 'expected a llama2.c tokenizer.bin (int32 max_token_length, then per token: float32 score, int32 length, bytes)';
  if (data.length < 4) throw new InputFileError(file, undefined, `${data.length} bytes is too short; ${foreign}`);
  const maxTokenLength = data.readInt32LE(0);
  if (maxTokenLength <= 0 || maxTokenLength > 1 << 16) {
    throw new InputFileError(file, undefined, `max_token_length ${maxTokenLength} is implausible; ${foreign}`);
  }
  const pieces: string[] = [];
  const scores: number[] = [];
  let at = 4;
  while (at < data.length) {
    if (at + 8 > data.length) throw new InputFileError(file, undefined, `truncated inside token ${pieces.length} (byte ${at}); ${foreign}`);
    const score = data.readFloatLE(at);
    const len = data.readInt32LE(at + 4);
    if (len < 0 || len > maxTokenLength || at + 8 + len > data.length) {
      throw new InputFileError(file, undefined, `token ${pieces.length} has length ${len} at byte ${at + 4} (max_token_length ${maxTokenLength}, ${data.length - at - 8} bytes left); ${foreign}`);
    }
    pieces.push(data.toString('latin1', at + 8, at + 8 + len));
    scores.push(score);
    at += 8 + len;
  }
  if (pieces.length !== vocabSize) {
    throw new InputFileError(file, undefined, `tokenizer holds ${pieces.length} tokens but the model ${modelFile} has a vocabulary of ${vocabSize}; pass the model's own tokenizer with #tokenizer=PATH`);
  }
  return new Llama2cTokenizer(pieces, Float32Array.from(scores));
}
