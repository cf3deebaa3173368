/**
 * A KV cache made of slots: each slot holds one token's keys and values for every layer that
 * runs. Which slots a new token attends to is decided per token by the caller (a causal range
 * for a prompt, prefix + ancestors for a node of a draft tree), so the same cache serves
 * sequential decoding and tree-structured decoding. Storage grows by doubling; float64, so the
 * tree and sequential paths see exactly the same stored numbers.
 */
export class KvCache {
  /** Slots in use (0..length−1). */
  length = 0;
  private capacity: number;
  private readonly kvDim: number;
  /** Per running layer: keys[slot·kvDim + i], values likewise. */
  keys: Float64Array[];
  values: Float64Array[];

  constructor(layerCount: number, kvDim: number, initialCapacity = 64) {
    this.kvDim = kvDim;
    this.capacity = Math.max(1, initialCapacity);
    this.keys = Array.from({ length: layerCount }, () => new Float64Array(this.capacity * kvDim));
    this.values = Array.from({ length: layerCount }, () => new Float64Array(this.capacity * kvDim));
  }

  /** Reserves `count` new slots at the end and returns the first one's index. */
  append(count: number): number {
    const first = this.length;
    const need = first + count;
    if (need > this.capacity) {
      let cap = this.capacity;
      while (cap < need) cap *= 2;
      const grow = (a: Float64Array) => {
        const b = new Float64Array(cap * this.kvDim);
        b.set(a.subarray(0, first * this.kvDim));
        return b;
      };
      this.keys = this.keys.map(grow);
      this.values = this.values.map(grow);
      this.capacity = cap;
    }
    this.length = need;
    return first;
  }

  /** Forgets every slot from `length` on (e.g. the rejected branches after verification). */
  truncate(length: number): void {
    if (length < 0 || length > this.length) throw new RangeError(`cannot truncate a KV cache of ${this.length} slots to ${length}`);
    this.length = length;
  }

  /** Bytes held (for memory notes). */
  get bytes(): number {
    return 2 * this.keys.length * this.capacity * this.kvDim * 8;
  }
}
