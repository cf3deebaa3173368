/**
 * The sums of `positionStatistics` on a complete p (and complete q) in WebAssembly SIMD
 * (src/stats/wasm/dense-statistics.wat): H, Σ p (ln p)² and the cross-entropy terms in one pass,
 * bit-identical to the JavaScript loop it replaces (`denseStatisticsLoop` in position-statistics.ts):
 * the kernel computes exp(l) with V8's own Math.exp algorithm (fdlibm's exp, the same float64
 * operations in the same order) two lanes at a time, and adds the terms one by one in index order.
 * What made the loop slow was Math.exp (a call into C++ per token, ~9 ns), not the sums.
 *
 * `denseSums` returns undefined when the kernel cannot answer (no WebAssembly SIMD on this
 * runtime, or a positive log-probability, which a log-softmax never gives); the caller then runs
 * the JavaScript loop.
 */
import { DENSE_STATISTICS_WASM_BASE64 } from './wasm/dense-statistics-module.js';

/** The part of the WebAssembly API used here (the project's TS lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  statistics: (lp: number, lq: number, pairs: number) => void;
}

/** The raw sums over the entries with ln p > −∞ (e = p(i), l = ln p(i), m = ln q(i)). */
export interface DenseSums {
  /** −Σ e·l */
  readonly entropy: number;
  /** Σ (e·l)·l */
  readonly second: number;
  /** −Σ_{m > −∞} e·m (0 without q) */
  readonly num: number;
  /** Σ_{m > −∞} e (0 without q) */
  readonly covered: number;
  /** Σ_{m = −∞} e (0 without q) */
  readonly missing: number;
}

const PAGE = 65536;
/** Byte offset of the inputs: results at 0..48 and the kernel's constants at 64..384 come first. */
const INPUT = 1024;

let kernel: KernelExports | null | undefined;

function instance(): KernelExports | null {
  if (kernel === undefined) {
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
      kernel = wasm === undefined ? null : (new wasm.Instance(new wasm.Module(Buffer.from(DENSE_STATISTICS_WASM_BASE64, 'base64'))).exports as KernelExports);
    } catch {
      kernel = null; // no SIMD (or no WebAssembly) on this runtime
    }
  }
  return kernel;
}

/** How often the kernel answered (tests check that the production call goes through it). */
export const denseKernelUse = { calls: 0 };

/**
 * The sums of `positionStatistics` for complete `lp` (and `lq` of the same length), or undefined
 * when the kernel cannot answer (see the head of this file).
 */
export function denseSums(lp: Float64Array | Float32Array, lq: Float64Array | Float32Array | undefined): DenseSums | undefined {
  const k = instance();
  if (k === null) return undefined;
  const n = lp.length;
  const pairs = (n + 1) >> 1;
  const qAt = INPUT + pairs * 16;
  const end = lq === undefined ? qAt : qAt + pairs * 16;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
  const buffer = k.memory.buffer;
  // An odd length is padded with −∞, an entry the sums skip (it adds +0).
  const p = new Float64Array(buffer, INPUT, 2 * pairs);
  p.set(lp);
  if (n & 1) p[n] = -Infinity;
  if (lq !== undefined) {
    const q = new Float64Array(buffer, qAt, 2 * pairs);
    q.set(lq);
    if (n & 1) q[n] = -Infinity;
  }
  k.statistics(INPUT, lq === undefined ? 0 : qAt, pairs);
  if (new Int32Array(buffer, 40, 1)[0] !== 0) return undefined;
  const r = new Float64Array(buffer, 0, 5);
  denseKernelUse.calls++;
  return { entropy: r[0]!, second: r[1]!, num: r[2]!, covered: r[3]!, missing: r[4]! };
}
