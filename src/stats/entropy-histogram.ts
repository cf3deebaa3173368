/**
 * A streaming histogram of per-position entropy (nats) with fixed bins, so memory does not grow
 * with the number of positions. Values past the last edge go in the last bin.
 */

export interface Histogram {
  /** Bin edges, ascending; bin i is [edges[i], edges[i+1]). */
  edges: number[];
  counts: number[];
}

export class EntropyHistogram {
  readonly binWidth: number;
  private readonly counts: Float64Array;

  /** Bins of `binWidth` nats from 0 to `max` (default 0.05 up to 13 > ln 262,144 ≈ 12.5). */
  constructor(binWidth = 0.05, max = 13) {
    if (!(binWidth > 0) || !(max > binWidth)) throw new RangeError(`EntropyHistogram: need 0 < binWidth < max, got ${binWidth}, ${max}`);
    this.binWidth = binWidth;
    this.counts = new Float64Array(Math.ceil(max / binWidth));
  }

  add(entropy: number, count = 1): void {
    if (!(entropy >= 0)) entropy = 0; // rounding can give −1e−17 for one-hot laws
    const bin = Math.min(this.counts.length - 1, Math.floor(entropy / this.binWidth));
    this.counts[bin]! += count;
  }

  /** Adds another histogram of the same bins. */
  merge(other: EntropyHistogram): void {
    if (other.binWidth !== this.binWidth || other.counts.length !== this.counts.length) throw new RangeError('EntropyHistogram.merge: different bins');
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
  }

  /** Edges and counts, trailing empty bins dropped (at least one bin). */
  toJSON(): Histogram {
    let last = this.counts.length - 1;
    while (last > 0 && this.counts[last] === 0) last--;
    const counts = Array.from(this.counts.subarray(0, last + 1));
    const edges = Array.from({ length: last + 2 }, (_, i) => round(i * this.binWidth));
    return { edges, counts };
  }

  /** Restores counts saved by `toJSON` (same bin width). */
  static fromJSON(h: Histogram, binWidth: number, max = 13): EntropyHistogram {
    const out = new EntropyHistogram(binWidth, max);
    h.counts.forEach((c, i) => {
      if (i < out.counts.length) out.counts[i] = c;
    });
    return out;
  }
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}
