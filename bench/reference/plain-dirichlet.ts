/**
 * The benchmark anchor for the Dirichlet law: a plain implementation of the same simulation
 * (best-first enumeration of one i.i.d. tree whose every node draws a symmetric Dirichlet(α) over
 * V children), written the straightforward way: a fresh Gamma variate per call through the
 * textbook boost G(α) = G(α + 1)·U^(1/α) over Marsaglia–Tsang with a polar normal (what
 * src/sim/gamma-sampler.ts did before Liu–Martin–Syring), children sorted in full, and a binary
 * heap of candidate objects. Used by bench/sim.bench.ts only.
 */
import type { Rng } from '../../src/core/rng.js';

function normal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

function logGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return logGamma(rng, shape + 1) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** Children of one node: probabilities in decreasing order. */
function drawChildren(rng: Rng, alpha: number, V: number): number[] {
  const logs = Array.from({ length: V }, () => logGamma(rng, alpha));
  const max = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - max));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total).sort((a, b) => b - a);
}

interface Candidate {
  priority: number;
  children: number[];
  rank: number;
}

/** E[X](P) of one tree for P = 1..nodes into `curve` (the oracle tree: priority = value). */
export function plainDirichletTree(rng: Rng, alpha: number, V: number, nodes: number, curve: Float64Array): void {
  const heap: Candidate[] = [];
  const push = (c: Candidate) => {
    heap.push(c);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]!.priority >= heap[i]!.priority) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): Candidate => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]!.priority > heap[m]!.priority) m = l;
        if (r < heap.length && heap[r]!.priority > heap[m]!.priority) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  curve[0] = 1;
  let sum = 1;
  const root = drawChildren(rng, alpha, V);
  push({ priority: root[0]!, children: root, rank: 0 });
  const parentOf = new Map<Candidate, number>();
  parentOf.set(heap[0]!, 1);
  for (let i = 1; i < nodes; i++) {
    const c = pop();
    const parentValue = parentOf.get(c)!;
    parentOf.delete(c);
    const value = c.priority;
    sum += value;
    curve[i] = sum;
    if (c.rank + 1 < c.children.length && c.children[c.rank + 1]! > 0) {
      const sib = { priority: parentValue * c.children[c.rank + 1]!, children: c.children, rank: c.rank + 1 };
      parentOf.set(sib, parentValue);
      push(sib);
    }
    if (i + 1 < nodes) {
      const kids = drawChildren(rng, alpha, V);
      const child = { priority: value * kids[0]!, children: kids, rank: 0 };
      parentOf.set(child, value);
      push(child);
    }
  }
}
