/**
 * Simulates one chunk of consecutive trees: tree i uses the stream `createRng(seed, i)`, so a
 * tree's result does not depend on which worker ran it.
 */
import { createRng } from '../core/rng.js';
import type { ChildSampler } from './child-law.js';
import type { BestFirstEnumerator } from './best-first-enumerator.js';
import { CurveStatistics } from './tree-statistics.js';

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

export function simulateChunk(workspace: ChunkWorkspace, seed: number, chunk: number, firstTree: number, trees: number, depthProfile: boolean): ChunkResult {
  const { sampler, enumerator, curve } = workspace;
  const statistics = new CurveStatistics(curve.length);
  const depthCounts = depthProfile ? new Float64Array(curve.length) : null;
  for (let t = firstTree; t < firstTree + trees; t++) {
    const rng = createRng(seed, t);
    enumerator.run(sampler, rng, curve, curve.length, depthCounts ?? undefined);
    statistics.add(curve);
  }
  return { chunk, count: statistics.count, mean: statistics.mean, sumSquares: statistics.sumSquares, depthCounts };
}
