/** The row every bench/*.bench.ts returns (bench/run.ts prints them); no side effects, so bench files can import it. */
export interface BenchResult {
  /** What was measured, e.g. "dense estimator V=128256". */
  readonly name: string;
  readonly value: number;
  /** e.g. "GB/s/core", "nodes/s/core", "tokens/s". */
  readonly unit: string;
  /** The issue's target, when it sets one (same unit). */
  readonly target?: number;
  /** What this row is compared with, measured in the same run (e.g. "llama2.c run.c -O3"). */
  readonly anchor?: string;
  /** The anchor's figure (same unit). */
  readonly anchorValue?: number;
  /** specbound ÷ anchor as a speed (> 1: specbound faster); median of interleaved rounds. */
  readonly ratio?: number;
  /** The issue's target for `ratio`. */
  readonly ratioTarget?: number;
  /** What limits it, or how it was measured. */
  readonly notes?: string;
}

/** The one median (src/stats/quantile.ts), re-exported for the bench files. */
export { median } from '../src/stats/quantile.js';

