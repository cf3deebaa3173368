/**
 * The llama2.c transformer's WebAssembly SIMD matrix-vector kernel (src/models/llama2c/wasm/matmul.wat)
 * and the memory it works in. WebAssembly code reads only its own linear memory, so an arena holds a
 * copy of the model's weight matrices (float32, copied once per checkpoint and shared by every
 * transformer built on the same weights, e.g. a layer-skipping self-drafter) and hands out the
 * float64 scratch buffers of the transformers as views into the same memory; a matrix-vector
 * product then passes byte offsets only.
 *
 * Growing the memory detaches every view, so users re-create their views when `buffer` changes.
 * Unavailable (undefined) on a runtime without WebAssembly SIMD, or when the weights do not fit
 * in 32-bit memory (4 GiB); the transformer then runs its JavaScript loops.
 */
import type { Llama2cWeights } from './checkpoint.js';
import { MATMUL_WASM_BASE64 } from './wasm/matmul-module.js';

/** The part of the WebAssembly API used here (the project's TS lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface MatmulExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  matmul: (out: number, x: number, w: number, n: number, rows: number, batch: number) => void;
}

const PAGE = 65536;
let compiled: object | null | undefined;

function compiledModule(): object | null {
  if (compiled === undefined) {
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
      compiled = wasm === undefined ? null : new wasm.Module(Buffer.from(MATMUL_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const arenas = new WeakMap<Llama2cWeights, WasmArena | null>();

export class WasmArena {
  private readonly exports: MatmulExports;
  /** Byte offset of each weight matrix's copy. */
  private readonly weightOffsets = new Map<Float32Array, number>();
  private top = 16;

  private constructor(exports: MatmulExports) {
    this.exports = exports;
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
    const module = compiledModule();
    const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (module === null || wasm === undefined) return null;
    try {
      const arena = new WasmArena(new wasm.Instance(module).exports as MatmulExports);
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

  /** Reserves `bytes` (16-byte aligned) and returns their byte offset; may grow (and so detach) the memory. */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / 16) * 16;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return at;
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
}
