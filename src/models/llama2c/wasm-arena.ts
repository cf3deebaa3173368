/**
 * The llama2.c transformer's WebAssembly SIMD kernels (src/models/llama2c/wasm/matmul.wat: the
 * matrix-vector products; wasm/attention.wat: one token's attention over its KV-cache slots) and
 * the memory they work in. WebAssembly code reads only its own linear memory, so an arena holds a
 * copy of the model's weight matrices (float32, copied once per checkpoint and shared by every
 * transformer built on the same weights, e.g. a layer-skipping self-drafter) and hands out the
 * float64 scratch buffers of the transformers and their KV caches as regions of the same memory;
 * a kernel call then passes byte offsets only. Both modules share the one memory (the attention
 * module imports the matrix module's).
 *
 * Regions are allocated first-fit from a free list (KV caches come and go with tree sessions and
 * grow by doubling; their regions are released when a session closes, or when the cache is
 * garbage-collected); memory is never returned to the runtime.
 *
 * Growing the memory detaches every view, so users re-create their views when `buffer` changes.
 * Unavailable (undefined) on a runtime without WebAssembly SIMD, or when the weights do not fit
 * in 32-bit memory (4 GiB); the transformer then runs its JavaScript loops.
 */
import { matchesMathExp } from '../../core/math-exp-check.js';
import type { Llama2cWeights } from './checkpoint.js';
import { ATTENTION_WASM_BASE64 } from './wasm/attention-module.js';
import { MATMUL_WASM_BASE64 } from './wasm/matmul-module.js';

/** The part of the WebAssembly API used here (the project's TS lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
}

interface MatmulExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  matmul: (out: number, x: number, w: number, n: number, rows: number, batch: number) => void;
}

interface AttentionExports {
  attend: (
    out: number, q: number, keys: number, values: number, end: number, extra: number, nExtra: number,
    att: number, nHeads: number, hs: number, kvDim: number, kvPerHead: number, scale: number,
  ) => void;
  expShifted: (x: number, n: number, max: number) => number;
}

const PAGE = 65536;
let compiled: { matmul: object; attention: object } | null | undefined;

function compiledModules(): { matmul: object; attention: object } | null {
  if (compiled === undefined) {
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
      compiled =
        wasm === undefined
          ? null
          : { matmul: new wasm.Module(Buffer.from(MATMUL_WASM_BASE64, 'base64')), attention: new wasm.Module(Buffer.from(ATTENTION_WASM_BASE64, 'base64')) };
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A region handed back (see `WasmArena.release`): what a garbage-collected KV cache held. */
interface HeldRegion {
  readonly arena: WasmArena;
  readonly at: number;
  readonly bytes: number;
}

const collected = new FinalizationRegistry<HeldRegion>((r) => r.arena.release(r.at, r.bytes));

/**
 * Whether the attention kernel's exp gives this runtime's Math.exp bits (V8's is fdlibm's, which
 * attention.wat transcribes; core/math-exp-check.ts), checked once through its `expShifted` at byte
 * offset `at`. Where it does not, the transformer keeps its JavaScript attention, so results do not
 * depend on the kernel.
 */
function sameExpAsMathExp(attention: AttentionExports, buffer: () => ArrayBuffer, at: number): boolean {
  return matchesMathExp((xs) => {
    new Float64Array(buffer(), at, xs.length).set(xs);
    attention.expShifted(at, xs.length, 0);
    return new Float64Array(buffer(), at, xs.length);
  });
}

const arenas = new WeakMap<Llama2cWeights, WasmArena | null>();

export class WasmArena {
  private readonly exports: MatmulExports;
  private readonly attention: AttentionExports;
  /** The attention kernel may run: its exp is this runtime's Math.exp (see sameExpAsMathExp). */
  readonly attentionExact: boolean;
  /** Byte offset of each weight matrix's copy. */
  private readonly weightOffsets = new Map<Float32Array, number>();
  private top = 16;
  /** Released regions below `top`, sorted by offset, adjacent ones merged: [offset, bytes] pairs. */
  private readonly free: [number, number][] = [];

  private constructor(exports: MatmulExports, attention: AttentionExports) {
    this.exports = exports;
    this.attention = attention;
    const probe = this.alloc(8 * 17);
    this.attentionExact = sameExpAsMathExp(attention, () => this.buffer, probe);
    this.release(probe, 8 * 17);
  }

  /** The arena holding `weights` (made on first use), or undefined when the kernel cannot run. */
  static forWeights(weights: Llama2cWeights): WasmArena | undefined {
    let arena = arenas.get(weights);
    if (arena === undefined) {
      arena = WasmArena.create(weights);
      arenas.set(weights, arena);
    }
    return arena ?? undefined;
  }

  private static create(weights: Llama2cWeights): WasmArena | null {
    const modules = compiledModules();
    const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (modules === null || wasm === undefined) return null;
    try {
      const matmul = new wasm.Instance(modules.matmul).exports as MatmulExports;
      const attention = new wasm.Instance(modules.attention, { env: { memory: matmul.memory } }).exports as AttentionExports;
      const arena = new WasmArena(matmul, attention);
      const matrices = [...weights.layers.flatMap((l) => [l.wq, l.wk, l.wv, l.wo, l.w1, l.w2, l.w3]), weights.wcls];
      for (const m of matrices) {
        if (arena.weightOffsets.has(m)) continue;
        const at = arena.alloc(m.byteLength);
        new Float32Array(arena.buffer, at, m.length).set(m);
        arena.weightOffsets.set(m, at);
      }
      return arena;
    } catch {
      return null; // memory.grow refused (weights beyond what 32-bit memory or the runtime allows)
    }
  }

  /** The current memory; views made on an older buffer are detached. */
  get buffer(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  /**
   * Reserves `bytes` (16-byte aligned) and returns their byte offset: the first released region
   * that is large enough, else new memory at the top (which may grow, and so detach, the memory;
   * throws a RangeError when the runtime refuses to grow it).
   */
  alloc(bytes: number): number {
    const size = Math.ceil(bytes / 16) * 16;
    for (let i = 0; i < this.free.length; i++) {
      const [at, have] = this.free[i]!;
      if (have < size) continue;
      if (have === size) this.free.splice(i, 1);
      else this.free[i] = [at + size, have - size];
      return at;
    }
    const at = this.top;
    const end = at + size;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return at;
  }

  /** Hands back a region `alloc(bytes)` returned; it must not be used afterwards. */
  release(at: number, bytes: number): void {
    const size = Math.ceil(bytes / 16) * 16;
    let i = 0;
    while (i < this.free.length && this.free[i]![0] < at) i++;
    this.free.splice(i, 0, [at, size]);
    // merge with the next region, then with the previous one
    const next = this.free[i + 1];
    if (next !== undefined && at + size === next[0]) this.free.splice(i, 2, [at, size + next[1]]);
    const prev = this.free[i - 1];
    const cur = this.free[i]!;
    if (prev !== undefined && prev[0] + prev[1] === cur[0]) this.free.splice(i - 1, 2, [prev[0], prev[1] + cur[1]]);
    // a free region at the top lowers the top
    const last = this.free[this.free.length - 1];
    if (last !== undefined && last[0] + last[1] === this.top) {
      this.top = last[0];
      this.free.pop();
    }
  }

  /** Releases `region` of this arena when `owner` is garbage-collected (unless `forget(token)` first). */
  releaseWhenCollected(owner: object, at: number, bytes: number, token: object): void {
    collected.register(owner, { arena: this, at, bytes }, token);
  }

  forget(token: object): void {
    collected.unregister(token);
  }

  /** Bytes below the top that are not handed out (for tests of the allocator). */
  get freeBytes(): number {
    return this.free.reduce((s, [, n]) => s + n, 0);
  }

  /** The end of the memory handed out so far. */
  get used(): number {
    return this.top;
  }

  /**
   * out[b·rows + i] = Σ_j w[i·n + j] · x[b·n + j] (see matmul.wat for the order of the sums). `out`
   * and `x` must be views into this arena's current buffer; `w` a matrix copied at creation.
   */
  matmul(out: Float64Array, x: Float64Array, w: Float32Array, n: number, rows: number, batch: number): void {
    const at = this.weightOffsets.get(w);
    if (at === undefined || out.buffer !== this.buffer || x.buffer !== this.buffer) throw new Error('WasmArena.matmul: operands are not in this arena');
    this.exports.matmul(out.byteOffset, x.byteOffset, at, n, rows, batch);
  }

  /**
   * One token's attention (see attention.wat): every argument but the sizes and `scale` is a
   * byte offset into this arena's memory; `att` has room for 2·(end + nExtra + 1) float64 values.
   */
  attend(
    out: number, q: number, keys: number, values: number, end: number, extra: number, nExtra: number,
    att: number, nHeads: number, hs: number, kvDim: number, kvPerHead: number, scale: number,
  ): void {
    this.attention.attend(out, q, keys, values, end, extra, nExtra, att, nHeads, hs, kvDim, kvPerHead, scale);
  }

  /**
   * x[i] = exp(x[i] − max) for the `n` float64 values at byte offset `x` (room for n + 1), with the
   * attention kernel's transcription of Math.exp; returns their sum in order (for tests).
   */
  expShifted(x: number, n: number, max: number): number {
    return this.attention.expShifted(x, n, max);
  }
}
