/**
 * A KV cache made of slots: each slot holds one token's keys and values for every layer that
 * runs. Which slots a new token attends to is decided per token by the caller (a causal range
 * for a prompt, prefix + ancestors for a node of a draft tree), so the same cache serves
 * sequential decoding and tree-structured decoding. Storage grows by doubling; float64, so the
 * tree and sequential paths see exactly the same stored numbers.
 *
 * With a WebAssembly arena (wasm-arena.ts) the storage is one region of the arena's memory, laid
 * out layer by layer as [keys | values], each [capacity][kvDim], so the attention kernel reads it
 * in place; `release()` (a closed tree session) or garbage collection hands the region back.
 * When the arena cannot grow, the cache moves to JavaScript arrays and the transformer runs its
 * JavaScript attention on it.
 */
import type { WasmArena } from './wasm-arena.js';

export class KvCache {
  /** Slots in use (0..length−1). */
  length = 0;
  private capacity: number;
  private readonly kvDim: number;
  private readonly layerCount: number;
  /** The arena holding the storage, while it does. */
  private arenaRef: WasmArena | undefined;
  /** Byte offset and size of the storage's region in the arena. */
  private region = 0;
  private regionBytes = 0;
  /** The arena buffer the views below were made on (re-made when the memory grew). */
  private viewBuffer: ArrayBuffer | undefined;
  private keyViews: Float64Array[] = [];
  private valueViews: Float64Array[] = [];

  constructor(layerCount: number, kvDim: number, initialCapacity = 64, arena?: WasmArena) {
    this.kvDim = kvDim;
    this.layerCount = layerCount;
    this.capacity = Math.max(1, initialCapacity);
    if (arena !== undefined) {
      try {
        this.region = arena.alloc(this.capacity * this.slotBytes);
        this.regionBytes = this.capacity * this.slotBytes;
        this.arenaRef = arena;
        arena.releaseWhenCollected(this, this.region, this.regionBytes, this);
        return;
      } catch {
        // the arena's memory cannot grow: JavaScript arrays below
      }
    }
    this.keyViews = Array.from({ length: layerCount }, () => new Float64Array(this.capacity * kvDim));
    this.valueViews = Array.from({ length: layerCount }, () => new Float64Array(this.capacity * kvDim));
  }

  /** The arena whose memory holds this cache (undefined: JavaScript arrays). */
  get arena(): WasmArena | undefined {
    return this.arenaRef;
  }

  /** Per running layer: keys[slot·kvDim + i] (views into the arena's current memory when it holds the cache). */
  get keys(): Float64Array[] {
    this.refreshViews();
    return this.keyViews;
  }

  /** Per running layer: values[slot·kvDim + i]. */
  get values(): Float64Array[] {
    this.refreshViews();
    return this.valueViews;
  }

  /** Byte offset in the arena of layer `layer`'s keys (only while `arena` is set). */
  keyOffset(layer: number): number {
    return this.region + 2 * layer * this.capacity * this.kvDim * 8;
  }

  /** Byte offset in the arena of layer `layer`'s values (only while `arena` is set). */
  valueOffset(layer: number): number {
    return this.region + (2 * layer + 1) * this.capacity * this.kvDim * 8;
  }

  /** Reserves `count` new slots at the end and returns the first one's index. */
  append(count: number): number {
    const first = this.length;
    const need = first + count;
    if (need > this.capacity) {
      let cap = this.capacity;
      while (cap < need) cap *= 2;
      this.regrow(cap, first);
    }
    this.length = need;
    return first;
  }

  /** Forgets every slot from `length` on (e.g. the rejected branches after verification). */
  truncate(length: number): void {
    if (length < 0 || length > this.length) throw new RangeError(`cannot truncate a KV cache of ${this.length} slots to ${length}`);
    this.length = length;
  }

  /** Hands the storage back to the arena (a closed session); the cache must not be used afterwards. */
  release(): void {
    const arena = this.arenaRef;
    if (arena !== undefined) {
      arena.forget(this);
      arena.release(this.region, this.regionBytes);
    }
    this.arenaRef = undefined;
    this.keyViews = [];
    this.valueViews = [];
    this.capacity = 0;
    this.length = 0;
  }

  /** Bytes held (for memory notes). */
  get bytes(): number {
    return this.capacity * this.slotBytes;
  }

  private get slotBytes(): number {
    return 2 * this.layerCount * this.kvDim * 8;
  }

  /** Moves the first `used` slots to storage of `cap` slots. */
  private regrow(cap: number, used: number): void {
    const n = used * this.kvDim;
    const arena = this.arenaRef;
    if (arena !== undefined) {
      let at: number | undefined;
      try {
        at = arena.alloc(cap * this.slotBytes);
      } catch {
        at = undefined; // the memory cannot grow: move to JavaScript arrays
      }
      const buffer = arena.buffer;
      const old = (layer: number, kind: 0 | 1) => new Float64Array(buffer, this.region + (2 * layer + kind) * this.capacity * this.kvDim * 8, n);
      if (at !== undefined) {
        for (let l = 0; l < this.layerCount; l++) {
          for (const kind of [0, 1] as const) new Float64Array(buffer, at + (2 * l + kind) * cap * this.kvDim * 8, n).set(old(l, kind));
        }
      } else {
        const copy = (kind: 0 | 1) =>
          Array.from({ length: this.layerCount }, (_, l) => {
            const a = new Float64Array(cap * this.kvDim);
            a.set(old(l, kind));
            return a;
          });
        this.keyViews = copy(0);
        this.valueViews = copy(1);
      }
      arena.forget(this);
      arena.release(this.region, this.regionBytes);
      if (at !== undefined) {
        this.region = at;
        this.regionBytes = cap * this.slotBytes;
        arena.releaseWhenCollected(this, at, this.regionBytes, this);
      } else {
        this.arenaRef = undefined;
      }
      this.viewBuffer = undefined;
      this.capacity = cap;
      return;
    }
    const grow = (a: Float64Array) => {
      const b = new Float64Array(cap * this.kvDim);
      b.set(a.subarray(0, n));
      return b;
    };
    this.keyViews = this.keyViews.map(grow);
    this.valueViews = this.valueViews.map(grow);
    this.capacity = cap;
  }

  private refreshViews(): void {
    const arena = this.arenaRef;
    if (arena === undefined || this.viewBuffer === arena.buffer) return;
    const buffer = arena.buffer;
    const size = this.capacity * this.kvDim;
    this.keyViews = Array.from({ length: this.layerCount }, (_, l) => new Float64Array(buffer, this.keyOffset(l), size));
    this.valueViews = Array.from({ length: this.layerCount }, (_, l) => new Float64Array(buffer, this.valueOffset(l), size));
    this.viewBuffer = buffer;
  }
}
