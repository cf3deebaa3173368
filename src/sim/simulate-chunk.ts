/**
 * Simulates one chunk of consecutive trees: tree i uses the stream `createRng(seed, i)`, so a
 * tree's result does not depend on which worker ran it.
 */
import { createRng } from '../core/rng.js';
import type { ChildSampler } from './child-law.js';
import type { BestFirstEnumerator } from './best-first-enumerator.js';

export interface ChunkResult {
  readonly chunk: number;
  readonly count: number;
  readonly mean: Float64Array;
  readonly sumSquares: Float64Array;
  /** Σ over the chunk's trees of the number of nodes at each depth (of the maxNodes tree), or null. */
  readonly depthCounts: Float64Array | null;
}

export interface ChunkWorkspace {
  readonly sampler: ChildSampler;
  readonly enumerator: BestFirstEnumerator;
  readonly curve: Float64Array;
}

/**
 * Runs trees firstTree .. firstTree + trees − 1 and returns their mean curve and Σ (x − mean)².
 * Within the chunk it accumulates sums shifted by the first tree's curve (x − x₀ and (x − x₀)²:
 * three flops per value instead of Welford's six, and exact zeros for deterministic laws), then
 * converts: mean = x₀ + S₁/n, Σ (x − mean)² = S₂ − S₁²/n.
 */
export function simulateChunk(workspace: ChunkWorkspace, seed: number, chunk: number, firstTree: number, trees: number, depthProfile: boolean): ChunkResult {
  const { sampler, enumerator, curve } = workspace;
  const length = curve.length;
  const shift = new Float64Array(length);
  const sum = new Float64Array(length);
  const sumSquares = new Float64Array(length);
  const depthCounts = depthProfile ? new Float64Array(length) : null;
  for (let t = firstTree; t < firstTree + trees; t++) {
    const rng = createRng(seed, t);
    enumerator.run(sampler, rng, curve, length, depthCounts ?? undefined);
    if (t === firstTree) {
      shift.set(curve);
      continue;
    }
    for (let i = 0; i < length; i++) {
      const d = curve[i]! - shift[i]!;
      sum[i]! += d;
      sumSquares[i]! += d * d;
    }
  }
  const mean = shift;
  for (let i = 0; i < length; i++) {
    const s = sum[i]!;
    mean[i]! += s / trees;
    sumSquares[i] = Math.max(0, sumSquares[i]! - (s * s) / trees);
  }
  return { chunk, count: trees, mean, sumSquares, depthCounts };
}
