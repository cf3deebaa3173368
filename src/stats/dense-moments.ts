/**
 * The dense estimator's kernel: entropy H and second log-moment Σ p (ln p)² of softmax(logits)
 * straight from raw logits, without materialising the normalised distribution.
 *
 * Two passes over the logits: one for the maximum m, one computing eʸ once per element
 * (y = (x − m)/T ≤ 0) and accumulating S₀ = Σ eʸ, S₁ = Σ eʸ·y, S₂ = Σ eʸ·y². With
 * ln p = y − ln S₀, m₁ = S₁/S₀, m₂ = S₂/S₀:
 *   H  = −Σ p ln p   = ln S₀ − m₁
 *   μ₂ = Σ p (ln p)² = E_p[(y − ln S₀)²] = (m₂ − m₁²) + H²   (variance form: less cancellation)
 *
 * The exponential dominates the cost (one per vocabulary entry). Float32Array logits go through
 * a WebAssembly SIMD kernel (src/stats/wasm/dense-moments.wat: 4 lanes, float32 exp with ~1e-7
 * relative error, float64 sums), ~8× the scalar JavaScript loop (bench/stats.bench.ts); float64
 * logits, or a runtime without WebAssembly SIMD, use the scalar float64 loop.
 */
import { InvalidValueError } from '../core/errors.js';
import { DENSE_MOMENTS_WASM_BASE64 } from './wasm/dense-moments-module.js';

/** Entropy (nats) and second log-moment (nats²) of one next-token distribution. */
export interface DenseMoments {
  entropy: number;
  secondLogMoment: number;
}

/**
 * H and Σ p (ln p)² of softmax(`logits` / `temperature`) (temperature 1 by default). Writes into
 * `out` when given. −Infinity logits are impossible tokens; NaN or +Infinity logits throw
 * InvalidValueError. Float32Array input uses the SIMD kernel (float32 accuracy, ~1e−6 relative).
 *
 * @example denseLogitMoments(new Float32Array(4)) // → { entropy: ln 4, secondLogMoment: ln² 4 }
 */
export function denseLogitMoments(
  logits: Float32Array | Float64Array,
  temperature = 1,
  out: DenseMoments = { entropy: 0, secondLogMoment: 0 },
): DenseMoments {
  checkTemperature(temperature);
  if (logits instanceof Float32Array && logits.length > 0) {
    const k = simdKernel();
    if (k !== undefined && k.run(logits, 1 / temperature)) {
      const s = k.sums;
      return finish(s[0]!, s[1]!, s[2]!, out);
    }
  }
  return denseLogitMomentsScalar(logits, temperature, out);
}

/** The scalar float64 kernel (any input; the reference the SIMD kernel is tested against). */
export function denseLogitMomentsScalar(
  logits: Float32Array | Float64Array,
  temperature = 1,
  out: DenseMoments = { entropy: 0, secondLogMoment: 0 },
): DenseMoments {
  checkTemperature(temperature);
  const n = logits.length;
  const inv = 1 / temperature;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = logits[i]!;
    if (x > max) max = x;
  }
  if (max === Infinity) throw new InvalidValueError('logits', max, 'a logit is +Infinity');
  if (max === -Infinity) throw new InvalidValueError('logits', max, 'no possible token (every logit is -Infinity or NaN)');
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const y = (logits[i]! - max) * inv;
    const e = Math.exp(y);
    if (e > 0) {
      const ey = e * y;
      s0 += e;
      s1 += ey;
      s2 += ey * y;
    } else if (Number.isNaN(y)) s0 = Number.NaN;
  }
  if (Number.isNaN(s0)) throw new InvalidValueError('logits', Number.NaN, 'a logit is NaN');
  return finish(s0, s1, s2, out);
}

/** Whether the WebAssembly SIMD kernel loaded (false on runtimes without WebAssembly SIMD). */
export function simdKernelAvailable(): boolean {
  return simdKernel() !== undefined;
}

function finish(s0: number, s1: number, s2: number, out: DenseMoments): DenseMoments {
  const lnZ = Math.log(s0);
  const m1 = s1 / s0;
  const entropy = Math.max(0, lnZ - m1);
  out.entropy = entropy;
  out.secondLogMoment = Math.max(0, s2 / s0 - m1 * m1) + entropy * entropy;
  return out;
}

function checkTemperature(temperature: number): void {
  if (!(temperature > 0 && temperature < Infinity)) throw new InvalidValueError('temperature', temperature, 'must be a finite number > 0');
}

/** Byte offset of the logits in the module's memory (the sums live at 0..24). */
const DATA_OFFSET = 64;

interface SimdKernel {
  /** Computes the sums into `sums`; false when the input has NaN/±Infinity maxima (scalar path reports them). */
  run(logits: Float32Array, inverseTemperature: number): boolean;
  readonly sums: Float64Array;
}

/** The part of the WebAssembly API used here (the project's TS lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

let kernel: SimdKernel | null | undefined;

function simdKernel(): SimdKernel | undefined {
  if (kernel === undefined) kernel = loadKernel();
  return kernel ?? undefined;
}

function loadKernel(): SimdKernel | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (wasm === undefined || DENSE_MOMENTS_WASM_BASE64.length === 0) return null;
    const module = new wasm.Module(Buffer.from(DENSE_MOMENTS_WASM_BASE64, 'base64'));
    const exports = new wasm.Instance(module).exports as {
      memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
      maxOf: (ptr: number, n: number) => number;
      moments: (ptr: number, n: number, max: number, inverseTemperature: number) => void;
    };
    const { memory, maxOf, moments } = exports;
    const k: SimdKernel = {
      sums: new Float64Array(memory.buffer, 0, 3),
      run(logits, inverseTemperature) {
        const n = logits.length;
        const padded = (n + 7) & ~7;
        const bytes = DATA_OFFSET + padded * 4;
        if (bytes > memory.buffer.byteLength) {
          memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
          (k as { sums: Float64Array }).sums = new Float64Array(memory.buffer, 0, 3);
        }
        const data = new Float32Array(memory.buffer, DATA_OFFSET, padded);
        data.set(logits);
        data.fill(-Infinity, n);
        const max = maxOf(DATA_OFFSET, padded);
        if (!Number.isFinite(max)) return false;
        moments(DATA_OFFSET, padded, max, inverseTemperature);
        return true;
      },
    };
    return k;
  } catch {
    return null;
  }
}
