/**
 * A binary max-heap of integer ids ordered by a caller-given strict comparison, on a growable
 * Int32Array. Lemma 1 enumeration needs a total, deterministic order (probability, then depth,
 * token id and creation order), which a heap keyed by one number (flatqueue) cannot give without
 * re-sorting groups of exactly tied entries: with the many exact ties of laws like the calibrated
 * one, that re-sorting dominated the run time.
 */
export class CandidateHeap {
  private items = new Int32Array(64);
  private count = 0;

  /** `before(a, b)` is true when a must come out before b. */
  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get length(): number {
    return this.count;
  }

  push(id: number): void {
    if (this.count === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const items = this.items;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.before(id, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = id;
  }

  /** The first id without removing it; −1 when empty. */
  peek(): number {
    return this.count === 0 ? -1 : this.items[0]!;
  }

  /** Removes and returns the first id; −1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.count]!;
    const n = this.count;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(items[r]!, items[l]!) ? r : l;
      if (!this.before(items[c]!, last)) break;
      items[i] = items[c]!;
      i = c;
    }
    if (n > 0) items[i] = last;
    return top;
  }
}
