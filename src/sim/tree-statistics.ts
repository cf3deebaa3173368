/**
 * Mean and spread of per-tree curves E[X](P), P = 1..maxNodes, accumulated in a fixed order so
 * the result does not depend on how trees were split between workers: chunks of consecutive
 * trees (see simulate-chunk.ts) are merged with Chan et al.'s pairwise update, in chunk order.
 * `add` (Welford) adds single trees for callers that do not work in chunks.
 */
export class CurveStatistics {
  count = 0;
  readonly mean: Float64Array;
  /** Σ (x − mean)² per P. */
  readonly sumSquares: Float64Array;

  constructor(length: number, mean?: Float64Array, sumSquares?: Float64Array, count = 0) {
    this.mean = mean ?? new Float64Array(length);
    this.sumSquares = sumSquares ?? new Float64Array(length);
    this.count = count;
  }

  /** Adds one tree's curve (Welford). */
  add(curve: Float64Array): void {
    const n = ++this.count;
    const inverse = 1 / n;
    const mean = this.mean;
    const sumSquares = this.sumSquares;
    for (let i = 0; i < mean.length; i++) {
      const x = curve[i]!;
      const delta = x - mean[i]!;
      const m = mean[i]! + delta * inverse;
      mean[i] = m;
      sumSquares[i]! += delta * (x - m);
    }
  }

  /** Merges another block of trees into this one (Chan, Golub & LeVeque 1979). */
  merge(other: CurveStatistics): void {
    if (other.count === 0) return;
    if (this.count === 0) {
      this.mean.set(other.mean);
      this.sumSquares.set(other.sumSquares);
      this.count = other.count;
      return;
    }
    const n = this.count + other.count;
    const weight = other.count / n;
    const cross = (this.count * other.count) / n;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = other.mean[i]! - this.mean[i]!;
      this.mean[i]! += delta * weight;
      this.sumSquares[i]! += other.sumSquares[i]! + delta * delta * cross;
    }
    this.count = n;
  }

  /** Standard error of the mean at index i (0 with fewer than two trees). */
  standardError(i: number): number {
    if (this.count < 2) return 0;
    return Math.sqrt(Math.max(0, this.sumSquares[i]!) / (this.count - 1) / this.count);
  }
}
