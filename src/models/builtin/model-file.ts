/**
 * The trained built-in model on disk: one binary file that maps back to typed arrays without
 * parsing.
 *
 *   "SBNGRAM\n" (8 bytes) · header length (uint32 LE) · header JSON (UTF-8) · zero padding to 8 ·
 *   the arrays, each at an 8-byte-aligned offset · SHA-256 of everything before it (32 bytes)
 *
 * The header holds the format number, the training version and configuration, the tokenizer, and
 * where each array is. A file whose checksum, format or version does not match is not used.
 */
import { createHash } from 'node:crypto';
import type { NgramCounts, NgramLevel } from './ngram-counts.js';
import type { BpeTokenizerData } from './tokenizer.js';

const MAGIC = 'SBNGRAM\n';
/** Bumped whenever the byte layout changes. */
export const MODEL_FILE_FORMAT = 1;
const CHECKSUM_BYTES = 32;

/** How the model was trained; a cached file is used only if this is identical. */
export interface TrainingConfig {
  /** Bumped whenever training code changes what it produces. */
  readonly trainingVersion: number;
  readonly corpus: string;
  readonly merges: number;
  readonly targetOrder: number;
  readonly draftOrder: number;
}

export interface TrainedModel {
  readonly config: TrainingConfig;
  readonly tokenizer: BpeTokenizerData;
  readonly counts: NgramCounts;
  /** Seconds the training took (for information). */
  readonly trainingSeconds: number;
  /** Seconds per training phase (read, tokenizer, encode, count, compact); only right after training. */
  readonly phaseSeconds?: Readonly<Record<string, number>>;
}

type ArrayName = keyof NgramLevel;
const ARRAY_NAMES: readonly ArrayName[] = ['token', 'count', 'continuation', 'childStart'];
const ARRAY_TYPES = { Uint8Array, Uint16Array, Uint32Array } as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

interface ArrayEntry {
  level: number;
  name: ArrayName;
  type: ArrayTypeName;
  offset: number;
  length: number;
}

interface Header {
  format: number;
  config: TrainingConfig;
  tokenizer: BpeTokenizerData;
  order: number;
  vocabSize: number;
  trainingSeconds: number;
  arrays: ArrayEntry[];
}

/** The file's bytes (see the file comment). */
export function encodeModelFile(model: TrainedModel): Uint8Array {
  const entries: ArrayEntry[] = [];
  const arrays: ArrayBufferView[] = [];
  let dataLength = 0;
  model.counts.levels.forEach((level, index) => {
    for (const name of ARRAY_NAMES) {
      const array = level[name];
      const type = array.constructor.name as ArrayTypeName;
      entries.push({ level: index + 1, name, type, offset: dataLength, length: array.length });
      arrays.push(array);
      dataLength += align8(array.byteLength);
    }
  });
  const header: Header = {
    format: MODEL_FILE_FORMAT,
    config: model.config,
    tokenizer: model.tokenizer,
    order: model.counts.order,
    vocabSize: model.counts.vocabSize,
    trainingSeconds: model.trainingSeconds,
    arrays: entries,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = align8(12 + headerBytes.length);
  const bytes = new Uint8Array(dataStart + dataLength + CHECKSUM_BYTES);
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, 12);
  entries.forEach((entry, i) => {
    const a = arrays[i]!;
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entry.offset);
  });
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  bytes.set(createHash('sha256').update(body).digest(), body.length);
  return bytes;
}

/** Why a file cannot be used, or the model in it (arrays are views on `bytes`, or copies if misaligned). */
export function decodeModelFile(bytes: Uint8Array, expected: TrainingConfig): TrainedModel | { problem: string } {
  if (bytes.length < 12 + CHECKSUM_BYTES || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) {
    return { problem: 'not a specbound n-gram file' };
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(bytes.subarray(body.length))) return { problem: 'checksum mismatch (corrupt or truncated)' };
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as Header;
  } catch {
    return { problem: 'unreadable header' };
  }
  if (header.format !== MODEL_FILE_FORMAT) return { problem: `file format ${header.format}, expected ${MODEL_FILE_FORMAT}` };
  if (JSON.stringify(header.config) !== JSON.stringify(expected)) {
    return { problem: `trained with ${JSON.stringify(header.config)}, expected ${JSON.stringify(expected)}` };
  }
  const dataStart = align8(12 + headerLength);
  const levels: Partial<Record<ArrayName, ArrayBufferView>>[] = [];
  for (const entry of header.arrays) {
    const Type = ARRAY_TYPES[entry.type];
    const start = bytes.byteOffset + dataStart + entry.offset;
    const view =
      start % Type.BYTES_PER_ELEMENT === 0
        ? new Type(bytes.buffer as ArrayBuffer, start, entry.length)
        : new Type(bytes.slice(dataStart + entry.offset, dataStart + entry.offset + entry.length * Type.BYTES_PER_ELEMENT).buffer);
    (levels[entry.level - 1] ??= {})[entry.name] = view;
  }
  return {
    config: header.config,
    tokenizer: header.tokenizer,
    trainingSeconds: header.trainingSeconds,
    counts: { order: header.order, vocabSize: header.vocabSize, levels: levels as unknown as NgramLevel[] },
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
