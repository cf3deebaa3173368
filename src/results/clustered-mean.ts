/**
 * Mean of per-position values with a standard error that respects clustering: positions of one
 * generated sequence are not independent (a hard passage makes all its positions hard), so the
 * sequences, not the positions, are the independent draws. The cluster-robust (sandwich)
 * variance of a ratio estimator:
 *   mean = Σ_c S_c / Σ_c n_c,   se² = C/(C − 1) · Σ_c (S_c − mean·n_c)² / (Σ_c n_c)²
 * with S_c, n_c the sum and count of cluster c and C the number of clusters
 * (Cameron & Miller 2015, "A Practitioner's Guide to Cluster-Robust Inference", eq. 11).
 */
export interface MeanWithError {
  readonly mean: number;
  /** Standard error of the mean; NaN with fewer than two clusters. */
  readonly se: number;
  readonly count: number;
  readonly clusters: number;
}

export class ClusteredMean {
  private readonly sums = new Map<number, number>();
  private readonly counts = new Map<number, number>();

  /** Adds one value observed in cluster `cluster`. */
  add(cluster: number, value: number): void {
    this.sums.set(cluster, (this.sums.get(cluster) ?? 0) + value);
    this.counts.set(cluster, (this.counts.get(cluster) ?? 0) + 1);
  }

  result(): MeanWithError {
    let total = 0;
    let count = 0;
    for (const [c, s] of this.sums) {
      total += s;
      count += this.counts.get(c)!;
    }
    const C = this.sums.size;
    if (count === 0) return { mean: Number.NaN, se: Number.NaN, count: 0, clusters: 0 };
    const mean = total / count;
    if (C < 2) return { mean, se: Number.NaN, count, clusters: C };
    let ss = 0;
    for (const [c, s] of this.sums) {
      const r = s - mean * this.counts.get(c)!;
      ss += r * r;
    }
    return { mean, se: Math.sqrt((C / (C - 1)) * ss) / count, count, clusters: C };
  }
}
