/**
 * Per-tree storage for laws that sample a fresh child distribution at every node (Dirichlet,
 * a noisy drafter). Implements the array side of `ChildSampler`; arrays grow by doubling and
 * are reused across trees, so after warm-up a tree allocates nothing.
 */
import type { ChildSampler } from './child-law.js';

export class SampledStore {
  rankProbs: Float64Array;
  valueProbs: Float64Array;
  offsets: Int32Array;
  lengths: Int32Array;
  tailCounts: Float64Array;
  tailRankProbs: Float64Array;
  tailValueProbs: Float64Array;
  private used = 0;
  private count = 0;
  /** When true, `valueProbs` is the same array as `rankProbs` (verifier-only laws). */
  private readonly shared: boolean;

  constructor(shared: boolean, initialValues = 1024, initialEntries = 64) {
    this.shared = shared;
    this.rankProbs = new Float64Array(initialValues);
    this.valueProbs = shared ? this.rankProbs : new Float64Array(initialValues);
    this.offsets = new Int32Array(initialEntries);
    this.lengths = new Int32Array(initialEntries);
    this.tailCounts = new Float64Array(initialEntries);
    this.tailRankProbs = new Float64Array(initialEntries);
    this.tailValueProbs = this.tailRankProbs;
  }

  reset(): void {
    this.used = 0;
    this.count = 0;
  }

  /** Reserves an entry of `length` explicit children (no tail); returns its id. Write at `offsets[id]`. */
  allocate(length: number): number {
    if (this.used + length > this.rankProbs.length) {
      const size = Math.max(2 * this.rankProbs.length, this.used + length);
      this.rankProbs = grow(this.rankProbs, size);
      this.valueProbs = this.shared ? this.rankProbs : grow(this.valueProbs, size);
    }
    if (this.count === this.offsets.length) {
      const size = 2 * this.count;
      this.offsets = growInt(this.offsets, size);
      this.lengths = growInt(this.lengths, size);
      this.tailCounts = new Float64Array(size); // tails stay empty for sampled laws
      this.tailRankProbs = new Float64Array(size);
      this.tailValueProbs = this.tailRankProbs;
    }
    const id = this.count++;
    this.offsets[id] = this.used;
    this.lengths[id] = length;
    this.used += length;
    return id;
  }
}

function grow(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** Points a sampler at a store's arrays (call after `allocate`, which may reallocate them). */
export function syncSampler(sampler: ChildSampler, store: SampledStore): void {
  sampler.rankProbs = store.rankProbs;
  sampler.valueProbs = store.valueProbs;
  sampler.offsets = store.offsets;
  sampler.lengths = store.lengths;
  sampler.tailCounts = store.tailCounts;
  sampler.tailRankProbs = store.tailRankProbs;
  sampler.tailValueProbs = store.tailValueProbs;
}
