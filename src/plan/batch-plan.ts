/**
 * Planning at a batch size: with B sequences decoding together, one verifier pass verifies B·P
 * tokens, so the roofline (or a measured table read at B·P tokens) moves from memory-bound to
 * compute-bound as B grows; the best P shrinks, to 1 when speculation stops paying. For each batch
 * size: the best P, its speedup over plain decoding at the same batch, tokens/s and cost; and the
 * break-even batch, the smallest B at which P = 1 is best (found by doubling, then bisection; the
 * best P falls with B on a roofline, which the tests check).
 *
 * The same per-batch optimum over the drafter's chain curve gives the chain length per batch-size
 * range that vLLM's `num_speculative_tokens_per_batch_size` takes, and the chain break-even that
 * TensorRT-LLM's `max_concurrency` takes (`engine-configs.ts`).
 */
import { InvalidValueError } from '../core/errors.js';
import type { BatchChainLength } from './engine-configs.js';
import type { LatencyModel, NumberKind } from './latency.js';
import { plan, type Plan, type PlanInput } from './planner.js';

export interface BatchRow {
  readonly batch: number;
  readonly P: number;
  readonly expectedAccepted: number;
  readonly speedup: number;
  readonly kind: NumberKind;
  /** Tokens per second of one sequence, and of the whole batch. */
  readonly tokensPerSecond: number;
  readonly batchTokensPerSecond: number;
  /** USD per million tokens with the planned P and without speculation (when a price is given). */
  readonly usdPerMillion?: number;
  readonly usdPerMillionPlain?: number;
  /** The best chain (chain-only engines) at this batch size: k = 0 when no chain pays. */
  readonly chainK?: number;
  readonly chainSpeedup?: number;
}

export interface BatchPlan {
  readonly rows: readonly BatchRow[];
  /** Smallest batch size at which no speculation (P = 1) is best; undefined when it still pays at the search limit. */
  readonly breakEvenBatch?: number;
  /** The same for chains. */
  readonly chainBreakEvenBatch?: number;
  /** Chain length per batch-size range, from 1 to the search limit (k = 0 from the chain break-even on). */
  readonly chainSchedule: readonly BatchChainLength[];
}

/** Largest batch size searched for the break-even. */
export const MAX_BATCH = 1 << 16;

function atBatch(model: LatencyModel, batch: number, what: string): LatencyModel {
  if (batch === 1) return model;
  if (model.atBatch === undefined) throw new InvalidValueError('batch', batch, `the ${what} latency model cannot be evaluated at a batch size`, '--batch');
  return model.atBatch(batch);
}

/** The plan at batch size B (latencies for B sequences per pass). */
export function planAtBatch(input: PlanInput, batch: number): Plan {
  return plan({
    ...input,
    verifier: atBatch(input.verifier, batch, 'verifier'),
    ...(input.draftPass === undefined ? {} : { draftPass: atBatch(input.draftPass, batch, 'draft-pass') }),
  });
}

function row(p: Plan, batch: number, input: PlanInput): BatchRow {
  const devices = input.devices ?? 1;
  const perSecond = input.usdPerGpuHour === undefined ? undefined : (input.usdPerGpuHour * devices) / 3600;
  const batchTps = batch * p.best.tokensPerSecond;
  return {
    batch,
    P: p.best.P,
    expectedAccepted: p.best.expectedAccepted,
    speedup: p.best.speedup,
    kind: p.best.speedupKind,
    tokensPerSecond: p.best.tokensPerSecond,
    batchTokensPerSecond: batchTps,
    ...(perSecond === undefined ? {} : { usdPerMillion: (perSecond / batchTps) * 1e6, usdPerMillionPlain: (perSecond / (batch * p.baseline.tokensPerSecond)) * 1e6 }),
    ...(p.chain === undefined ? {} : { chainK: p.chain.k, chainSpeedup: p.chain.speedup }),
  };
}

/** Smallest B in [1, MAX_BATCH] with `stops(B)`, assuming it stays true once true (doubling, then bisection). */
function firstBatch(stops: (batch: number) => boolean): number | undefined {
  if (stops(1)) return 1;
  let lo = 1;
  let hi = 2;
  while (hi <= MAX_BATCH && !stops(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > MAX_BATCH) return undefined;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (stops(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Plans every batch size in `batches`, the break-even batches and the chain schedule. */
export function planBatches(input: PlanInput, batches: readonly number[]): BatchPlan {
  for (const b of batches) if (!Number.isInteger(b) || b < 1 || b > MAX_BATCH) throw new InvalidValueError('batch', b, `must be an integer in [1, ${MAX_BATCH}]`, '--batch');
  const cache = new Map<number, Plan>();
  const at = (b: number): Plan => {
    let p = cache.get(b);
    if (p === undefined) {
      p = planAtBatch(input, b);
      cache.set(b, p);
    }
    return p;
  };
  const rows = [...new Set(batches)].sort((a, b) => a - b).map((b) => row(at(b), b, input));
  const breakEvenBatch = firstBatch((b) => at(b).best.P <= 1);
  const chainBreakEvenBatch = input.chainCurve === undefined ? undefined : firstBatch((b) => (at(b).chain?.k ?? 0) < 1);
  // Chain length on a doubling grid up to the chain break-even, merged into ranges.
  const chainSchedule: BatchChainLength[] = [];
  if (input.chainCurve !== undefined) {
    const end = chainBreakEvenBatch ?? MAX_BATCH;
    for (let b = 1; b < end; b *= 2) {
      const hi = Math.min(end - 1, 2 * b - 1);
      const k = Math.max(0, at(b).chain?.k ?? 0);
      const last = chainSchedule[chainSchedule.length - 1];
      if (last !== undefined && last.k === k) chainSchedule[chainSchedule.length - 1] = { lo: last.lo, hi, k };
      else chainSchedule.push({ lo: b, hi, k });
    }
    if (chainBreakEvenBatch !== undefined) chainSchedule.push({ lo: chainBreakEvenBatch, hi: MAX_BATCH, k: 0 });
  }
  return {
    rows,
    ...(breakEvenBatch === undefined ? {} : { breakEvenBatch }),
    ...(chainBreakEvenBatch === undefined ? {} : { chainBreakEvenBatch }),
    chainSchedule,
  };
}
