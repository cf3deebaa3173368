/**
 * GGUF v3, the file format of llama.cpp: writing (float32 tensors, for `convert llama2c-to-gguf`)
 * and reading the header and metadata (to name a non-GGUF file or an unsupported architecture
 * in one line before llama.cpp is involved).
 *
 * Layout (little-endian), transcribed from llama.cpp's ggml/include/gguf.h and gguf-py
 * (ggml-org/llama.cpp @ 381035a5409cac9ce60a025eb643261dc73b73a4, gguf-py/gguf/constants.py:
 * GGUF_MAGIC 0x46554747 "GGUF", GGUF_VERSION 3, GGUF_DEFAULT_ALIGNMENT 32, GGUFValueType):
 *   magic "GGUF" | u32 version | u64 tensor_count | u64 kv_count
 *   kv_count × (string key | u32 value type | value)
 *   tensor_count × (string name | u32 n_dims | u64 ne[n_dims] (innermost first) | u32 ggml type | u64 offset)
 *   zero padding to `general.alignment` (32 when absent) | tensor data, each tensor at its offset
 *   (relative to the data start, a multiple of the alignment).
 * A string is u64 byte length + UTF-8 bytes (no terminator); an array is u32 element type,
 * u64 count, elements.
 */
import { open } from 'node:fs/promises';
import { commitTemporary, removeTemporary, temporaryPathFor, writeFailure } from '../../core/atomic-file.js';
import { InputFileError } from '../../core/errors.js';

/** gguf-py/gguf/constants.py `GGUFValueType`. */
export const GGUF_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** gguf-py `GGMLQuantizationType.F32`. */
export const GGML_TYPE_F32 = 0;
export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export type GgufValue =
  | { readonly type: 'u32'; readonly value: number }
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'f32'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string[]'; readonly value: readonly string[] }
  | { readonly type: 'f32[]'; readonly value: ArrayLike<number> }
  | { readonly type: 'i32[]'; readonly value: ArrayLike<number> };

export interface GgufTensor {
  readonly name: string;
  /** ggml `ne`: innermost (contiguous) dimension first, e.g. [n_embd, n_vocab] for a row-major vocab × n_embd matrix. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Growable little-endian byte buffer for the header. */
class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.ensure(bytes.length);
    bytes.copy(this.buf, this.length);
    this.length += bytes.length;
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      w.u32(GGUF_TYPE.UINT32);
      w.u32(v.value);
      return;
    case 'i32':
      w.u32(GGUF_TYPE.INT32);
      w.i32(v.value);
      return;
    case 'f32':
      w.u32(GGUF_TYPE.FLOAT32);
      w.f32(v.value);
      return;
    case 'bool':
      w.u32(GGUF_TYPE.BOOL);
      w.u8(v.value ? 1 : 0);
      return;
    case 'string':
      w.u32(GGUF_TYPE.STRING);
      w.string(v.value);
      return;
    case 'string[]':
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.string(s);
      return;
    case 'f32[]':
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.FLOAT32);
      w.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) w.f32(v.value[i]!);
      return;
    case 'i32[]':
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.INT32);
      w.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) w.i32(v.value[i]!);
      return;
  }
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Writes a GGUF v3 file of float32 tensors. Written to a temporary file beside `file` and
 * renamed into place, so a failure never leaves a half-written model.
 */
export async function writeGguf(file: string, metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Promise<void> {
  const w = new ByteWriter();
  w.zeros(0);
  for (const ch of GGUF_MAGIC) w.u8(ch.charCodeAt(0));
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.size);
  for (const [key, value] of metadata) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new RangeError(`tensor ${t.name}: shape ${t.shape.join('×')} holds ${count} values, data has ${t.data.length}`);
    w.string(t.name);
    w.u32(t.shape.length);
    for (const d of t.shape) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    offset = align(offset + t.data.byteLength, GGUF_DEFAULT_ALIGNMENT);
  }
  w.zeros(align(w.length, GGUF_DEFAULT_ALIGNMENT) - w.length);
  const tmp = temporaryPathFor(file);
  const handle = await open(tmp, 'w');
  try {
    await handle.write(w.bytes());
    const pad = Buffer.alloc(GGUF_DEFAULT_ALIGNMENT);
    for (const t of tensors) {
      await handle.write(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      const rest = align(t.data.byteLength, GGUF_DEFAULT_ALIGNMENT) - t.data.byteLength;
      if (rest > 0) await handle.write(pad, 0, rest);
    }
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await removeTemporary(tmp);
    throw writeFailure(file, err);
  }
  await commitTemporary(tmp, file);
}

/** Header and metadata of a GGUF file (tensor infos are not read). */
export interface GgufHeader {
  readonly version: number;
  readonly tensorCount: number;
  readonly metadata: ReadonlyMap<string, unknown>;
}

/** Metadata values longer than this many array elements are skipped (token lists), not kept. */
const KEEP_ARRAY_LIMIT = 64;

/**
 * Reads a GGUF header and its metadata (arrays longer than 64 elements, such as token lists,
 * are skipped and stored as their length). Errors name the file: not a GGUF file, truncated.
 */
export async function readGgufHeader(file: string): Promise<GgufHeader> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new InputFileError(file, undefined, `cannot read model: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new InputFileError(file, undefined, 'not a file; expected a GGUF model file');
    const size = st.size;
    // Metadata sits at the front; read in growing chunks until it is parsed.
    let chunk = Math.min(size, 1 << 20);
    for (;;) {
      const buf = Buffer.alloc(chunk);
      await handle.read(buf, 0, chunk, 0);
      if (chunk < 4 || buf.toString('latin1', 0, 4) !== GGUF_MAGIC) {
        throw new InputFileError(file, undefined, `not a GGUF file (starts with ${JSON.stringify(buf.toString('latin1', 0, Math.min(4, chunk)))}, expected "GGUF"); convert it with llama.cpp's convert_hf_to_gguf.py or \`specbound convert llama2c-to-gguf\``);
      }
      let parsed;
      try {
        parsed = parseHeader(buf);
      } catch (err) {
        if (err instanceof RangeError) throw new InputFileError(file, undefined, `malformed GGUF header: ${err.message}`);
        throw err;
      }
      if (parsed !== 'truncated') return parsed;
      if (chunk >= size) throw new InputFileError(file, undefined, `GGUF header is truncated (file has ${size} bytes)`);
      chunk = Math.min(size, chunk * 4);
    }
  } finally {
    await handle.close();
  }
}

function parseHeader(buf: Buffer): GgufHeader | 'truncated' {
  let at = 4;
  const need = (n: number): boolean => at + n <= buf.length;
  const u32 = (): number => {
    const v = buf.readUInt32LE(at);
    at += 4;
    return v;
  };
  const u64 = (): number => {
    const v = Number(buf.readBigUInt64LE(at));
    at += 8;
    return v;
  };
  const str = (): string | undefined => {
    if (!need(8)) return undefined;
    const n = u64();
    if (!need(n)) return undefined;
    const s = buf.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const scalar = (type: number): unknown => {
    switch (type) {
      case 0: return buf.readUInt8(at);
      case 1: return buf.readInt8(at);
      case 2: return buf.readUInt16LE(at);
      case 3: return buf.readInt16LE(at);
      case 4: return buf.readUInt32LE(at);
      case 5: return buf.readInt32LE(at);
      case 6: return buf.readFloatLE(at);
      case 7: return buf.readUInt8(at) !== 0;
      case 10: return Number(buf.readBigUInt64LE(at));
      case 11: return Number(buf.readBigInt64LE(at));
      case 12: return buf.readDoubleLE(at);
      default: return undefined;
    }
  };
  if (!need(20)) return 'truncated';
  const version = u32();
  const tensorCount = u64();
  const kvCount = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    if (key === undefined || !need(4)) return 'truncated';
    const type = u32();
    if (type === GGUF_TYPE.STRING) {
      const s = str();
      if (s === undefined) return 'truncated';
      metadata.set(key, s);
    } else if (type === GGUF_TYPE.ARRAY) {
      if (!need(12)) return 'truncated';
      const elem = u32();
      const n = u64();
      const keep = n <= KEEP_ARRAY_LIMIT;
      const values: unknown[] = [];
      for (let j = 0; j < n; j++) {
        if (elem === GGUF_TYPE.STRING) {
          const s = str();
          if (s === undefined) return 'truncated';
          if (keep) values.push(s);
        } else {
          const size = SIZES[elem];
          if (size === undefined) throw new RangeError(`GGUF metadata ${key}: array element type ${elem} is not a GGUF value type`);
          if (!keep) {
            if (!need(size * (n - j))) return 'truncated';
            at += size * (n - j);
            break;
          }
          if (!need(size)) return 'truncated';
          values.push(scalar(elem));
          at += size;
        }
      }
      metadata.set(key, keep ? values : { length: n });
    } else {
      const size = SIZES[type];
      if (size === undefined) throw new RangeError(`GGUF metadata ${key}: value type ${type} is not a GGUF value type`);
      if (!need(size)) return 'truncated';
      metadata.set(key, scalar(type));
      at += size;
    }
  }
  return { version, tensorCount, metadata };
}
