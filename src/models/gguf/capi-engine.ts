/**
 * Distributions and draft trees on llama.cpp's C API (llama-c-api.ts): raw float32 logits →
 * log-softmax in float64, and tree sessions at one evaluated token per node.
 *
 * Sequence 0 is a prefix cache for plain requests (the shared head with the previous request is
 * kept). A tree session gives every node its own sequence id: the node's cells are its parent's
 * (`llama_memory_seq_cp` on a unified KV cache shares them) plus one cell for its own token, and
 * all nodes of one `expand` call are decoded in one batch. llama.cpp allows LLAMA_MAX_SEQ = 256
 * sequence ids; when they run out, the oldest nodes of the session give theirs back, and a node
 * expanded after that is first re-evaluated from its path (counted in `evaluatedTokens`).
 */
import { InvalidValueError } from '../../core/errors.js';
import { promised } from '../../core/promised.js';
import { logSoftmax } from '../../distribution/log-softmax.js';
import type { DenseDistribution } from '../../distribution/distribution.js';
import type { TreeExpansion, TreeNodeResult, TreeSession } from '../model.js';
import type { CApiContext } from './llama-c-api.js';
import { commonLength, startsWith } from './token-prefix.js';

interface TreeNode {
  readonly parent: number;
  readonly token: number;
  /** Tokens in the node's path (prefix included). */
  readonly length: number;
  /** Its sequence id, or −1 after eviction. */
  seq: number;
}

export class CApiEngine {
  /** Tokens evaluated by llama_decode (the backend's cost). */
  evaluatedTokens = 0;
  private cached: number[] = [];
  private readonly freeSeqs: number[];

  /** `maxLength`: longest path a tree node may have (the model's allocated context). */
  constructor(
    readonly context: CApiContext,
    private readonly maxLength: number,
    private readonly name: string,
  ) {
    this.freeSeqs = Array.from({ length: context.maxSequences - 1 }, (_, i) => context.maxSequences - 1 - i); // 255 … 1
  }

  distributions(prefixes: readonly (readonly number[])[]): DenseDistribution[] {
    const out: DenseDistribution[] = new Array<DenseDistribution>(prefixes.length);
    let i = 0;
    while (i < prefixes.length) {
      // A chain: prefixes that extend one another, evaluated in one pass.
      let j = i + 1;
      while (j < prefixes.length && prefixes[j]!.length > prefixes[j - 1]!.length && startsWith(prefixes[j]!, prefixes[j - 1]!)) j++;
      const path = prefixes[j - 1]!;
      const keep = Math.min(commonLength(this.cached, path), prefixes[i]!.length - 1);
      this.context.seqRemove(0, keep, -1);
      const wanted = new Set<number>();
      for (let k = i; k < j; k++) wanted.add(prefixes[k]!.length - 1);
      const entries = [];
      for (let pos = keep; pos < path.length; pos++) entries.push({ token: path[pos]!, pos, seq: 0, output: wanted.has(pos) });
      this.cached = path.slice(0, keep); // until the decode succeeds
      const logits = this.context.decode(entries);
      this.evaluatedTokens += entries.length;
      this.cached = [...path];
      for (let k = i; k < j; k++) out[k] = { kind: 'dense', logProbs: logSoftmax(logits[k - i]!) };
      i = j;
    }
    return out;
  }

  openTree(prefix: readonly number[]): TreeSession {
    const [root] = this.distributions([prefix]);
    const nodes: TreeNode[] = [{ parent: -1, token: -1, length: prefix.length, seq: this.takeSeq([]) }];
    this.context.seqCopy(0, nodes[0]!.seq, 0, prefix.length);
    let closed = false;
    const pathOf = (n: number): number[] => {
      const tokens: number[] = [];
      for (let v = n; v > 0; v = nodes[v]!.parent) tokens.push(nodes[v]!.token);
      return [...prefix, ...tokens.reverse()];
    };
    return {
      root: root!,
      expand: (requests: readonly TreeExpansion[]): Promise<TreeNodeResult[]> =>
        promised(() => {
          if (closed) throw new Error('tree session is closed');
          const parents = new Set(requests.map((r) => r.parent));
          for (const p of parents) {
            const node = nodes[p];
            if (node === undefined) throw new RangeError(`tree node ${p} does not exist`);
            if (node.length + 1 > this.maxLength) throw new InvalidValueError('tree depth', node.length + 1, `tokens exceed the context of ${this.maxLength} tokens allocated for ${this.name} (raise it with #context=N)`);
          }
          // Parents that gave their sequence back are re-evaluated from their path.
          for (const p of parents) {
            const node = nodes[p]!;
            if (node.seq >= 0) continue;
            node.seq = this.takeSeq(nodes, parents);
            const path = pathOf(p);
            this.context.decode(path.map((token, pos) => ({ token, pos, seq: node.seq, output: false })));
            this.evaluatedTokens += path.length;
          }
          const firstNew = nodes.length;
          const entries = requests.map(({ parent, token }) => {
            const p = nodes[parent]!;
            const seq = this.takeSeq(nodes, parents, firstNew);
            this.context.seqCopy(p.seq, seq, 0, p.length);
            nodes.push({ parent, token, length: p.length + 1, seq });
            return { token, pos: p.length, seq, output: true };
          });
          const logits = this.context.decode(entries);
          this.evaluatedTokens += entries.length;
          return logits.map((l, i) => ({ node: firstNew + i, distribution: { kind: 'dense', logProbs: logSoftmax(l) } }));
        }),
      close: () => {
        if (closed) return;
        closed = true;
        for (const n of nodes) {
          if (n.seq < 0) continue;
          this.context.seqRemove(n.seq, 0, -1);
          this.freeSeqs.push(n.seq);
          n.seq = -1;
        }
      },
    };
  }

  /** A free sequence id; when none is left, the session's oldest node not in `keep` gives its own back. */
  private takeSeq(nodes: TreeNode[], keep: ReadonlySet<number> = new Set(), end = nodes.length): number {
    const free = this.freeSeqs.pop();
    if (free !== undefined) return free;
    for (let v = 1; v < end; v++) {
      const n = nodes[v]!;
      if (n.seq < 0 || keep.has(v)) continue;
      const seq = n.seq;
      this.context.seqRemove(seq, 0, -1);
      n.seq = -1;
      return seq;
    }
    throw new Error(`all ${this.context.maxSequences - 1} llama.cpp sequence ids are in use by other tree sessions`);
  }
}
