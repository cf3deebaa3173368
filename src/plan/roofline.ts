/**
 * Roofline latency of one forward pass over k tokens of each of B sequences (B = 1 is the paper's
 * setting): the pass is limited either by reading memory or by matrix arithmetic,
 *
 *   T(k) = max( bytes(k) / (B·N·η),  flops(k) / (F·N·η) ) + overhead
 *
 * with B the memory bandwidth and F the matrix FLOP/s of one device, N devices (ideal tensor
 * parallelism), η the efficiency factor (the fraction of peak real kernels reach), and
 *
 *   bytes(k) = W·b  +  B·( k·h·b  +  2·L·H_kv·d·(c + k)·b_kv )
 *     W = matmul parameters (everything but the input embedding table, which is only indexed;
 *         with tied embeddings the output head reads the whole table), b bytes per parameter,
 *     k·h·b the k embedding rows looked up, and the K and V caches of L layers, H_kv heads of
 *     width d, read for the c context tokens and written for the k new ones (b_kv bytes each);
 *   flops(k) = B·( 2·W·k  +  4·L·H·d·k·(c + k) )
 *     (one multiply-add per weight per token, and QKᵀ plus attention·V over c + k positions).
 *
 * At small k the weights dominate and T is flat in k: that is why a verifier can check P tokens
 * for about the price of one until k reaches the ridge point F·bytes/(B·2W).
 */
import { InvalidValueError } from '../core/errors.js';
import { embeddingParameters, parameterCount, validateArchitecture, type ModelArchitecture } from './architecture-presets.js';
import { validateGpuSpec, type GpuSpec } from './gpu-presets.js';
import type { LatencyModel } from './latency.js';

export interface RooflineOptions {
  readonly arch: ModelArchitecture;
  readonly gpu: GpuSpec;
  /** Devices the model is split over (tensor parallel); bandwidth and FLOP/s scale with it. Default 1. */
  readonly devices?: number;
  /** Bytes per weight: 2 for BF16/FP16 (default), 1 for FP8/INT8, 0.5 for 4-bit. */
  readonly bytesPerParameter?: number;
  /** Bytes per KV-cache element, default 2. */
  readonly kvBytesPerElement?: number;
  /** Tokens already in the KV cache (prompt + generated so far), default 1024. */
  readonly contextLength?: number;
  /** Fraction of peak bandwidth and FLOP/s reached, in (0, 1], default 0.7. */
  readonly efficiency?: number;
  /** Fixed cost per pass (kernel launches, sampling), ms, default 0. */
  readonly overheadMs?: number;
  /** Total parameters when they differ from the shape's count (e.g. `--params 8e9`). */
  readonly parameters?: number;
  /**
   * Sequences sharing each pass (default 1). The weights are read once per pass; each sequence
   * adds its k embedding rows, its KV cache (c + k tokens) and its share of the FLOPs, so the pass
   * verifies B·k tokens and turns compute-bound at a B times smaller k.
   */
  readonly batch?: number;
}

export interface RooflineBreakdown {
  readonly bytes: number;
  readonly flops: number;
  readonly memoryMs: number;
  readonly computeMs: number;
  readonly milliseconds: number;
  readonly limitedBy: 'memory' | 'compute';
}

export interface RooflineModel extends LatencyModel {
  breakdown(k: number): RooflineBreakdown;
  /** The k at which compute time overtakes memory time (the ridge point). */
  readonly ridgeTokens: number;
  /** Weight bytes of the whole model (for the does-it-fit check). */
  readonly weightBytes: number;
}

function positive(name: string, v: number, source: string, allowZero = false): void {
  if (!Number.isFinite(v) || (allowZero ? v < 0 : v <= 0)) {
    throw new InvalidValueError(name, v, allowZero ? 'must be a finite number >= 0' : 'must be a positive, finite number', source);
  }
}

/**
 * Builds the roofline T(k) for a model on a device.
 * @example rooflineLatency({arch: getArchitecturePreset('llama-3.1-8b'), gpu: getGpuPreset('h100-sxm'), efficiency: 1, contextLength: 0}).milliseconds(1) // ≈ 4.481 ms (15.01 GB / 3.35 TB/s)
 */
export function rooflineLatency(options: RooflineOptions): RooflineModel {
  const { arch, gpu } = options;
  validateArchitecture(arch);
  validateGpuSpec(gpu, gpu.source);
  const devices = options.devices ?? 1;
  const bytesPerParameter = options.bytesPerParameter ?? 2;
  const kvBytes = options.kvBytesPerElement ?? 2;
  const context = options.contextLength ?? 1024;
  const efficiency = options.efficiency ?? 0.7;
  const overheadMs = options.overheadMs ?? 0;
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new InvalidValueError('batch', batch, 'must be an integer >= 1', '--batch');
  if (!Number.isInteger(devices) || devices < 1) throw new InvalidValueError('devices', devices, 'must be an integer >= 1', '--gpus');
  positive('bytes per parameter', bytesPerParameter, '--bytes-per-param');
  positive('KV bytes per element', kvBytes, '--kv-bytes');
  positive('context length', context, '--context', true);
  if (!(efficiency > 0 && efficiency <= 1)) throw new InvalidValueError('efficiency', efficiency, 'must lie in (0, 1]: the fraction of peak reached', '--efficiency');
  positive('overhead', overheadMs, '--overhead-ms', true);
  const total = options.parameters ?? parameterCount(arch);
  positive('parameters', total, options.parameters === undefined ? arch.source : '--params');
  // The input embedding is only indexed (k rows); with tied embeddings the output head still
  // reads the whole table, so only an untied input table is excluded from the matmul weights.
  const indexedOnly = arch.tiedEmbeddings ? 0 : embeddingParameters(arch);
  const matmulParameters = total - indexedOnly;
  if (!(matmulParameters > 0)) {
    throw new InvalidValueError('parameters', total, `must exceed the embedding table (${indexedOnly})`, '--params');
  }
  const bandwidth = gpu.memoryBandwidth * devices * efficiency;
  const flopRate = gpu.matrixFlops * devices * efficiency;
  const kvPerToken = 2 * arch.layers * arch.kvHeads * arch.headDim * kvBytes;
  const attentionWidth = arch.attentionHeads * arch.headDim;
  const weightBytes = matmulParameters * bytesPerParameter;

  const breakdown = (k: number): RooflineBreakdown => {
    if (k <= 0) return { bytes: 0, flops: 0, memoryMs: 0, computeMs: 0, milliseconds: 0, limitedBy: 'memory' };
    const bytes = weightBytes + batch * (k * arch.hiddenSize * bytesPerParameter + kvPerToken * (context + k));
    const flops = batch * (2 * matmulParameters * k + 4 * arch.layers * attentionWidth * k * (context + k));
    const memoryMs = (bytes / bandwidth) * 1000;
    const computeMs = (flops / flopRate) * 1000;
    const limitedBy = computeMs > memoryMs ? 'compute' : 'memory';
    return { bytes, flops, memoryMs, computeMs, milliseconds: Math.max(memoryMs, computeMs) + overheadMs, limitedBy };
  };
  // Ridge point: smallest k with compute ≥ memory (searched by doubling then bisection; both
  // sides are increasing in k and compute grows faster).
  let hi = 1;
  while (hi < 1 << 24 && breakdown(hi).limitedBy === 'memory') hi *= 2;
  let lo = Math.max(1, hi / 2);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (breakdown(mid).limitedBy === 'memory') lo = mid;
    else hi = mid;
  }
  const fmt = (x: number) => Number(x.toPrecision(3));
  return {
    kind: 'estimate',
    description:
      `roofline: ${arch.name} (${fmt(total / 1e9)}B params × ${bytesPerParameter} B) on ${devices > 1 ? `${devices}× ` : ''}${gpu.name} ` +
      `(${fmt(gpu.memoryBandwidth / 1e12)} TB/s, ${fmt(gpu.matrixFlops / 1e12)} TFLOP/s, efficiency ${efficiency}), context ${context}` +
      (batch > 1 ? `, batch ${batch}` : ''),
    milliseconds: (k) => breakdown(k).milliseconds,
    atBatch: (b) => rooflineLatency({ ...options, batch: b }),
    breakdown,
    ridgeTokens: hi,
    weightBytes: total * bytesPerParameter,
  };
}
