/**
 * Sums of exp over a whole vocabulary in WebAssembly SIMD (src/distribution/wasm/exp-sums.wat), for
 * the two full-vocabulary passes every dense position goes through: `logSoftmax` (what the llama2c
 * and gguf backends hand over; its normaliser Σ exp(x − max)), and the one pass of
 * `positionStatistics` (stats/) over a complete p and q (H, Σ p (ln p)², the cross-entropy terms).
 *
 * Bit-identical to the JavaScript loops they replace: the kernel computes exp with V8's own Math.exp
 * algorithm (fdlibm's exp: the same float64 operations in the same order) four entries at a time and
 * adds the terms one by one in index order. What made the loops slow was Math.exp (a call into C++,
 * ~9 ns per token), not the sums. On first use the kernel's exp is checked against Math.exp on
 * values across every branch of the algorithm; a runtime where they differ (or one without
 * WebAssembly SIMD) gets undefined from these functions, and the callers run their JavaScript loops.
 */
import { matchesMathExp } from '../core/math-exp-check.js';
import { EXP_SUMS_WASM_BASE64 } from './wasm/exp-sums-module.js';

/** The part of the WebAssembly API used here (the project's TS lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  statistics: (lp: number, quads: number) => void;
  statisticsWithDrafter: (lp: number, lq: number, quads: number) => void;
  sumExp: (xs: number, quads: number, shift: number) => void;
  maxOf: (xs: number, quads: number) => void;
  shiftInto: (xs: number, quads: number, a: number, b: number) => void;
}

/** The raw sums of `positionStatistics` over the entries with ln p > −∞ (e = p(i), l = ln p(i), m = ln q(i)). */
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

/** How often the kernel answered (tests check that the production calls go through it). */
export const expSumsKernelUse = { calls: 0 };

function instance(): KernelExports | null {
  if (kernel === undefined) {
    kernel = null;
    try {
      const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
      if (wasm !== undefined) {
        const k = new wasm.Instance(new wasm.Module(Buffer.from(EXP_SUMS_WASM_BASE64, 'base64'))).exports as KernelExports;
        if (sameExpAsMathExp(k)) kernel = k;
      }
    } catch {
      // no WebAssembly SIMD on this runtime: the JavaScript loops
    }
  }
  return kernel;
}

/**
 * Whether the kernel's exp equals this runtime's Math.exp (core/math-exp-check.ts: arguments across
 * every branch of fdlibm's exp), one argument at a time through sumExp (a sum of one term, padded
 * with −∞, is the term).
 */
function sameExpAsMathExp(k: KernelExports): boolean {
  return matchesMathExp((xs) =>
    xs.map((x, i) => {
      const view = new Float64Array(k.memory.buffer, INPUT, 4);
      view.fill(-Infinity);
      view[i & 3] = x;
      k.sumExp(INPUT, 1, 0);
      return new Float64Array(k.memory.buffer, 0, 1)[0]!;
    }),
  );
}

/**
 * Copies `values` (and `more`) into the kernel's memory as float64, padded with −∞ (an entry every
 * sum skips) to a multiple of four; returns their byte offsets and the number of quads.
 */
function load(k: KernelExports, values: Float64Array | Float32Array, more?: Float64Array | Float32Array): [number, number, number] {
  const n = values.length;
  const quads = (n + 3) >> 2;
  const second = INPUT + quads * 32;
  const end = more === undefined ? second : second + quads * 32;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
  const a = new Float64Array(k.memory.buffer, INPUT, 4 * quads);
  a.set(values);
  a.fill(-Infinity, n);
  if (more !== undefined) {
    const b = new Float64Array(k.memory.buffer, second, 4 * quads);
    b.set(more);
    b.fill(-Infinity, n);
  }
  return [INPUT, second, quads];
}

/**
 * The sums of `positionStatistics` for complete `lp` (and `lq` of the same length), equal to the bit
 * to its JavaScript loop (`denseStatisticsLoop`); undefined when the kernel cannot answer (no
 * WebAssembly SIMD, or a positive log-probability, which a log-softmax never gives).
 */
export function denseSums(lp: Float64Array | Float32Array, lq: Float64Array | Float32Array | undefined): DenseSums | undefined {
  const k = instance();
  if (k === null) return undefined;
  const [p, q, quads] = load(k, lp, lq);
  if (lq === undefined) k.statistics(p, quads);
  else k.statisticsWithDrafter(p, q, quads);
  const buffer = k.memory.buffer;
  if (new Int32Array(buffer, 40, 1)[0] !== 0) return undefined;
  const r = new Float64Array(buffer, 0, 5);
  expSumsKernelUse.calls++;
  return lq === undefined ? { entropy: r[0]!, second: r[1]!, num: 0, covered: 0, missing: 0 } : { entropy: r[0]!, second: r[1]!, num: r[2]!, covered: r[3]!, missing: r[4]! };
}

/**
 * `logSoftmax` of `logits` in the kernel, the same log-probabilities to the bit as its JavaScript
 * loops ((x − max) − ln Σ exp(x − max), the sum in index order); undefined without the kernel, or
 * when a logit is NaN or +∞ or every one is −∞ (the JavaScript loops then name the problem).
 */
export function logSoftmaxInKernel(logits: Float64Array | Float32Array): Float64Array | undefined {
  const k = instance();
  if (k === null) return undefined;
  const n = logits.length;
  const [at, , quads] = load(k, logits);
  k.maxOf(at, quads);
  const max = new Float64Array(k.memory.buffer, 0, 1)[0]!;
  if (new Int32Array(k.memory.buffer, 40, 1)[0] !== 0 || !Number.isFinite(max)) return undefined;
  k.sumExp(at, quads, max);
  const lnSum = Math.log(new Float64Array(k.memory.buffer, 0, 1)[0]!);
  k.shiftInto(at, quads, max, lnSum);
  expSumsKernelUse.calls++;
  return new Float64Array(k.memory.buffer, at, n).slice();
}
