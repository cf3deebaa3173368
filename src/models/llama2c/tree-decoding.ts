/**
 * Tree-structured decoding on the llama2.c transformer.
 *
 * The prefix is run once (a causal batch) into cache slots 0..n−1. Node 0 of the tree is the
 * root: the position after the prefix, whose distribution is that of the last prefix token.
 * Every other node holds one token and its own cache slot; it attends to the prefix slots, its
 * ancestors' slots (root→parent order) and its own: the tree attention mask. Its RoPE position is
 * n − 1 + depth. So expanding nodes costs one token's forward pass each, and any number of new
 * nodes (even a whole draft tree, children after their parents) run in ONE batched pass.
 *
 * Slot order matches sequential decoding of the node's path exactly (prefix, then the path, then
 * the node), so per-node distributions equal sequential decoding along each path.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { DistributionCallOptions, TreeExpansion, TreeNodeResult, TreeSession } from '../model.js';
import type { KvCache } from './kv-cache.js';
import type { ForwardBatch, Llama2cTransformer } from './transformer.js';
import { promised } from '../../core/promised.js';

/** Checks a token prefix against the model: non-empty, ids in the vocabulary, fits the context. */
export function checkPrefix(transformer: Llama2cTransformer, prefix: readonly number[], source: string): void {
  const { vocabSize, seqLen } = transformer.config;
  if (prefix.length === 0) throw new InvalidValueError('prefix', [], `empty; at least one token (BOS) is needed (${source})`);
  if (prefix.length > seqLen) {
    throw new InvalidValueError('prefix', `${prefix.length} tokens`, `longer than the model's context of ${seqLen} tokens (${source})`);
  }
  for (const id of prefix) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) throw new InvalidValueError('token id', id, `outside the vocabulary 0..${vocabSize - 1} (${source})`);
  }
}

/** Runs `tokens` causally into the next slots of `cache`; returns ln p after the last token. */
export function prefill(transformer: Llama2cTransformer, cache: KvCache, tokens: readonly number[]): Float64Array {
  const n = tokens.length;
  const first = cache.length;
  const positions = new Int32Array(n);
  const contextEnd = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    positions[b] = first + b;
    contextEnd[b] = first + b + 1;
  }
  const batch: ForwardBatch = { count: n, tokens: Int32Array.from(tokens), positions, contextEnd, extraStart: new Int32Array(n + 1), extraSlots: new Int32Array(0) };
  const [last] = transformer.forward(cache, batch, [n - 1]);
  return last!;
}

export class Llama2cTreeSession implements TreeSession {
  readonly root: { kind: 'dense'; logProbs: Float64Array };
  private readonly transformer: Llama2cTransformer;
  private cache: KvCache | undefined;
  private readonly prefixLength: number;
  private readonly source: string;
  /** Per node: parent (−1 for the root), depth (root 0), cache slot (−1 for the root). */
  private parent: Int32Array;
  private depth: Int32Array;
  private slot: Int32Array;
  private count = 1;

  constructor(transformer: Llama2cTransformer, prefix: readonly number[], source: string) {
    checkPrefix(transformer, prefix, source);
    this.transformer = transformer;
    this.source = source;
    this.cache = transformer.newCache(prefix.length + 64);
    this.prefixLength = prefix.length;
    this.root = { kind: 'dense', logProbs: prefill(transformer, this.cache, prefix) };
    this.parent = new Int32Array(64).fill(-1);
    this.depth = new Int32Array(64);
    this.slot = new Int32Array(64).fill(-1);
  }

  /** Number of nodes, root included. */
  get size(): number {
    return this.count;
  }

  expand(requests: readonly TreeExpansion[], options?: DistributionCallOptions): Promise<TreeNodeResult[]> {
    return promised(() => {
      options?.signal?.throwIfAborted();
      return this.expandNow(requests).map((logProbs, i) => ({ node: this.count - requests.length + i, distribution: { kind: 'dense' as const, logProbs } }));
    });
  }

  /**
   * Adds every request as a new node (a request's parent may be an earlier request of the same
   * call) and runs them all in one batched pass. Returns each new node's ln p, in request order.
   */
  expandNow(requests: readonly TreeExpansion[]): Float64Array[] {
    const cache = this.cache;
    if (cache === undefined) throw new Error('tree session is closed');
    const n = requests.length;
    if (n === 0) return [];
    const { seqLen, vocabSize } = this.transformer.config;
    this.grow(this.count + n);
    const base = this.count;
    const firstSlot = cache.length;
    const tokens = new Int32Array(n);
    const positions = new Int32Array(n);
    const contextEnd = new Int32Array(n).fill(this.prefixLength);
    const extraStart = new Int32Array(n + 1);
    const depths = new Int32Array(n);
    let extraTotal = 0;
    for (let i = 0; i < n; i++) {
      const { parent, token } = requests[i]!;
      if (!(Number.isInteger(parent) && parent >= 0 && parent < base + i)) {
        throw new RangeError(`tree node ${parent} does not exist (the tree has ${base + i} nodes)`);
      }
      if (!(Number.isInteger(token) && token >= 0 && token < vocabSize)) {
        throw new InvalidValueError('token id', token, `outside the vocabulary 0..${vocabSize - 1} (${this.source})`);
      }
      const d = (parent >= base ? depths[parent - base]! : this.depth[parent]!) + 1;
      depths[i] = d;
      if (this.prefixLength + d > seqLen) {
        throw new InvalidValueError('token sequence', `${this.prefixLength + d} tokens`, `longer than the model's context of ${seqLen} tokens (${this.source})`);
      }
      tokens[i] = token;
      positions[i] = this.prefixLength + d - 1;
      extraStart[i] = extraTotal;
      extraTotal += d;
    }
    extraStart[n] = extraTotal;
    // Register the nodes only once every request is valid.
    for (let i = 0; i < n; i++) {
      const node = base + i;
      const { parent } = requests[i]!;
      this.parent[node] = parent;
      this.depth[node] = depths[i]!;
      this.slot[node] = firstSlot + i;
    }
    // The mask rows: ancestors' slots root→parent, then the node's own slot.
    const extraSlots = new Int32Array(extraTotal);
    for (let i = 0; i < n; i++) {
      let at = extraStart[i + 1]!;
      for (let v = base + i; v > 0; v = this.parent[v]!) extraSlots[--at] = this.slot[v]!;
    }
    this.count += n;
    const rows = Array.from({ length: n }, (_, i) => i);
    return this.transformer.forward(cache, { count: n, tokens, positions, contextEnd, extraStart, extraSlots }, rows);
  }

  close(): void {
    this.cache?.release(); // hands the cache's arena region back (see kv-cache.ts)
    this.cache = undefined;
  }

  private grow(need: number): void {
    if (need <= this.parent.length) return;
    let cap = this.parent.length;
    while (cap < need) cap *= 2;
    const resize = (a: Int32Array, fill: number) => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    this.parent = resize(this.parent, -1);
    this.depth = resize(this.depth, 0);
    this.slot = resize(this.slot, -1);
  }
}

/**
 * Verification of a whole draft tree in one forward pass: the prefix is run (one causal batch),
 * then every node of the tree in ONE batched pass under the tree attention mask.
 *
 * The tree: `parents[i]` and `tokens[i]` for nodes i = 0..P−1, node 0 the root (its parent and
 * token are ignored: it stands for the position after the prefix), every other node's parent an
 * earlier node. Returns ln p(next token) at every node, root first: exactly what the verifier
 * needs to accept or reject each drafted token.
 */
export function verifyTree(
  transformer: Llama2cTransformer,
  prefix: readonly number[],
  parents: ArrayLike<number>,
  tokens: ArrayLike<number>,
  source = 'verifyTree',
): Float64Array[] {
  const P = parents.length;
  if (tokens.length !== P) throw new RangeError(`verifyTree: ${P} parents but ${tokens.length} tokens`);
  if (P === 0) throw new RangeError('verifyTree: a tree has at least the root (P >= 1)');
  const session = new Llama2cTreeSession(transformer, prefix, source);
  try {
    const requests: TreeExpansion[] = [];
    for (let i = 1; i < P; i++) {
      if (!(parents[i]! >= 0 && parents[i]! < i)) throw new RangeError(`verifyTree: node ${i} has parent ${parents[i]}; parents must come first`);
      requests.push({ parent: parents[i]!, token: tokens[i]! });
    }
    return [session.root.logProbs, ...session.expandNow(requests)];
  } finally {
    session.close();
  }
}
