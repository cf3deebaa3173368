/**
 * A GGUF model run by llama.cpp (through node-llama-cpp) as a `LanguageModel`.
 *
 * Exact distributions: every distribution is the full vocabulary at temperature 1, the softmax of
 * llama.cpp's raw logits. node-llama-cpp's probability maps are the sampler's candidate list after
 * its chain; we ask with temperature 0, whose chain is the greedy sampler alone, which selects a
 * token without removing any candidate (node-llama-cpp 3.21.1 llama/addon/AddonSampler.cpp
 * `rebuildChainIfNeeded`, AddonContext.cpp `SampleToken`: softmax over all `cur_p` in float32).
 * So no top-k/top-p truncation reaches our numbers. We renormalise in float64.
 *
 * Prefix cache: a context with S sequences (KV cells each); a request for the distribution after
 * a prefix goes to the sequence whose cached tokens share the longest head with it, the rest of
 * that sequence is erased and only the new tokens are evaluated. Requests of one call run on
 * different sequences at once (node-llama-cpp puts them in one llama_decode batch). Prefixes that
 * extend one another (all positions of one sequence) are evaluated in a single pass.
 * Draft trees: the public API has no KV-cache copy (llama_memory_seq_cp), so a node costs one
 * token only while its parent's path is still cached in some sequence; otherwise it costs its
 * divergence from the nearest cached path (bench/gguf.bench.ts: ~5 tokens per node of a P = 256
 * oracle tree on stories260K). Queueing siblings on one sequence instead was worse (6.6): they
 * overwrite each other's paths.
 *
 * Context: a prefix longer than the allocated context is an error naming both numbers; the
 * sequence never reaches node-llama-cpp's context shift (which would silently drop the start).
 */
import { InvalidValueError, SpecboundError } from '../../core/errors.js';
import type { DenseDistribution } from '../../distribution/distribution.js';
import type { DistributionCallOptions, EncodeOptions, LanguageModel, Tokenizer, TreeExpansion, TreeNodeResult, TreeSession } from '../model.js';
import type { CApiEngine } from './capi-engine.js';
import type { ControlledEvaluateInputItem, LlamaContext, LlamaContextSequence, LlamaModel } from './node-llama-cpp.js';
import { commonLength, startsWith } from './token-prefix.js';

export interface GgufModelSettings {
  readonly file: string;
  readonly threads: number;
  readonly gpuLayers: number;
  readonly contextSize: number;
  /** The model's training context (`<arch>.context_length`). */
  readonly trainContextSize: number;
  readonly sequences: number;
  readonly exact: boolean;
  readonly architecture: string;
  /** `capi`: llama.cpp's C API through koffi (1 token per tree node, raw logits); `public`: node-llama-cpp's API. */
  readonly backend: 'capi' | 'public';
  /** Why the C API is not used, when it is not. */
  readonly backendNote?: string;
}

export class GgufTokenizer implements Tokenizer {
  readonly bos: number | undefined;
  readonly eos: number | undefined;
  private readonly addBos: boolean;

  constructor(private readonly model: LlamaModel) {
    this.bos = model.tokens.bos ?? undefined;
    this.eos = model.tokens.eos ?? undefined;
    this.addBos = model.tokens.shouldPrependBosToken && this.bos !== undefined;
  }

  /** The model's own tokenizer; BOS only when the model prepends one (`tokenizer.ggml.add_bos_token`). */
  encode(text: string, options?: EncodeOptions): number[] {
    const ids = this.model.tokenize(text, options?.special ?? false);
    return (options?.bos ?? true) && this.addBos ? [this.bos!, ...ids] : ids;
  }

  decode(ids: readonly number[]): string {
    return this.model.detokenize(ids.filter((id) => id !== this.bos && id !== this.eos), false);
  }

  /** One token's text with its leading space (detokenized after a copy of itself, which llama.cpp then strips). */
  tokenText(id: number): string {
    return this.model.detokenize([id], true, [id]);
  }
}

interface Slot {
  readonly sequence: LlamaContextSequence;
  lastUsed: number;
}

/** Prefixes that extend one another, evaluated in one pass on one sequence. */
interface Chain {
  /** Indexes into the caller's prefix list, shortest prefix first. */
  readonly indexes: number[];
  /** The longest prefix. */
  path: readonly number[];
}

export class GgufModel implements LanguageModel {
  readonly name: string;
  readonly vocabSize: number;
  readonly tokenizer: GgufTokenizer;
  readonly settings: GgufModelSettings;
  readonly remote = false;
  /** In-process, and its calls run one at a time (the sequences' cached tokens are shared state). */
  readonly concurrency = 1;
  /** Tokens the public-API context has evaluated (all sequences). */
  private publicTokens = 0;
  private readonly slots: Slot[];
  private clock = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `context` is node-llama-cpp's (public API) or undefined with `engine` (the C API path, where
   * node-llama-cpp only tokenizes: its model is loaded vocabulary-only).
   */
  constructor(
    name: string,
    settings: GgufModelSettings,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext | undefined,
    vocabSize: number,
    private readonly engine?: CApiEngine,
  ) {
    this.name = name;
    this.settings = settings;
    this.vocabSize = vocabSize;
    this.tokenizer = new GgufTokenizer(model);
    this.slots = context === undefined ? [] : Array.from({ length: settings.sequences }, () => ({ sequence: context.getSequence(), lastUsed: 0 }));
  }

  /** Tokens llama.cpp has evaluated for this model: the backend's cost (bench: tokens per tree node). */
  get evaluatedTokens(): number {
    return this.engine?.evaluatedTokens ?? this.publicTokens;
  }

  /** The context window allocated per sequence (≤ the model's training context). */
  get contextLength(): number {
    return this.settings.contextSize;
  }

  async nextTokenDistributions(prefixes: readonly (readonly number[])[], options?: DistributionCallOptions): Promise<DenseDistribution[]> {
    // One call at a time: the slots' cached tokens are shared state.
    const run = this.queue.then(() => this.distributions(prefixes, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async openTree(prefix: readonly number[], options?: DistributionCallOptions): Promise<TreeSession> {
    if (this.engine !== undefined) {
      options?.signal?.throwIfAborted();
      this.checkPrefix(prefix);
      const session = this.engine.openTree(prefix);
      const engineExpand = session.expand.bind(session);
      return {
        root: session.root,
        expand: async (requests, opts) => {
          opts?.signal?.throwIfAborted();
          return engineExpand(requests, opts);
        },
        close: () => session.close(),
      };
    }
    const [root] = await this.nextTokenDistributions([prefix], options);
    const paths: (readonly number[])[] = [prefix];
    return {
      root: root!,
      expand: async (requests: readonly TreeExpansion[], opts?: DistributionCallOptions): Promise<TreeNodeResult[]> => {
        const newPaths = requests.map(({ parent, token }) => {
          const p = paths[parent];
          if (p === undefined) throw new RangeError(`tree node ${parent} does not exist`);
          return [...p, token];
        });
        const dists = await this.nextTokenDistributions(newPaths, opts);
        return newPaths.map((path, i) => {
          paths.push(path);
          return { node: paths.length - 1, distribution: dists[i]! };
        });
      },
      close: () => {
        paths.length = 0;
      },
    };
  }

  async close(): Promise<void> {
    this.engine?.context.close();
    await this.context?.dispose();
    await this.model.dispose();
  }

  private checkPrefix(prefix: readonly number[]): void {
    if (prefix.length === 0) throw new RangeError(`${this.name}: a distribution needs at least one token of prefix`);
    if (prefix.length > this.settings.contextSize) {
      const train = this.settings.trainContextSize;
      throw new InvalidValueError(
        'prompt length',
        prefix.length,
        `tokens exceed the context of ${this.settings.contextSize} tokens allocated for ${this.name}${this.settings.contextSize < train ? ` (raise it with #context=N, up to the model's ${train})` : ' (the model\'s training context)'}`,
      );
    }
    for (const id of prefix) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`${this.name}: token id ${id} is outside the vocabulary 0..${this.vocabSize - 1}`);
    }
  }

  private async distributions(prefixes: readonly (readonly number[])[], options?: DistributionCallOptions): Promise<DenseDistribution[]> {
    prefixes.forEach((p) => this.checkPrefix(p));
    if (this.engine !== undefined) {
      options?.signal?.throwIfAborted();
      try {
        return this.engine.distributions(prefixes);
      } catch (err) {
        throw new SpecboundError(`${this.name}: llama.cpp failed: ${err instanceof Error ? err.message : String(err)}`, { exitCode: 1 });
      }
    }
    const chains: Chain[] = [];
    prefixes.forEach((p, i) => {
      const last = chains.at(-1);
      if (last !== undefined && p.length > last.path.length && startsWith(p, last.path)) {
        last.indexes.push(i);
        last.path = p;
      } else {
        chains.push({ indexes: [i], path: p });
      }
    });
    const out: DenseDistribution[] = new Array<DenseDistribution>(prefixes.length);
    for (let start = 0; start < chains.length; start += this.slots.length) {
      options?.signal?.throwIfAborted();
      const wave = chains.slice(start, start + this.slots.length);
      const free = new Set(this.slots);
      const jobs = wave.map((chain) => {
        const firstLength = prefixes[chain.indexes[0]!]!.length;
        // The longest cached head usable: at least the last token of the first prefix must be evaluated.
        let best: Slot | undefined;
        let bestKeep = -1;
        for (const slot of free) {
          const keep = Math.min(commonLength(slot.sequence.contextTokens, chain.path), firstLength - 1);
          if (keep > bestKeep || (keep === bestKeep && best !== undefined && slot.lastUsed < best.lastUsed)) {
            best = slot;
            bestKeep = keep;
          }
        }
        free.delete(best!);
        best!.lastUsed = ++this.clock;
        return this.evaluateChain(best!, bestKeep, chain, prefixes, out);
      });
      await Promise.all(jobs);
    }
    return out;
  }

  private async evaluateChain(slot: Slot, keep: number, chain: Chain, prefixes: readonly (readonly number[])[], out: DenseDistribution[]): Promise<void> {
    const seq = slot.sequence;
    if (seq.nextTokenIndex > keep) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    const want = new Map<number, number>(); // position in path → prefix index
    for (const i of chain.indexes) want.set(prefixes[i]!.length - 1, i);
    const input: ControlledEvaluateInputItem[] = [];
    for (let pos = keep; pos < chain.path.length; pos++) {
      const token = chain.path[pos]!;
      input.push(want.has(pos) ? [token, { generateNext: { probabilities: true, options: { temperature: 0 } } }] : token);
    }
    let results;
    try {
      results = await seq.controlledEvaluate(input);
    } catch (err) {
      throw new SpecboundError(`${this.name}: llama.cpp failed to evaluate ${input.length} tokens: ${err instanceof Error ? err.message : String(err)}`, { exitCode: 1 });
    }
    this.publicTokens += input.length;
    for (const [pos, index] of want) {
      const probs = results[pos - keep]?.next.probabilities;
      if (probs === undefined) throw new Error(`${this.name}: llama.cpp returned no distribution at position ${pos}`);
      out[index] = { kind: 'dense', logProbs: toLogProbs(probs, this.vocabSize) };
    }
  }
}

/** Full-vocabulary probabilities (float32, Σ ≈ 1) → ln p renormalised in float64. */
export function toLogProbs(probs: ReadonlyMap<number, number>, vocabSize: number): Float64Array {
  if (probs.size !== vocabSize) throw new Error(`llama.cpp returned ${probs.size} probabilities for a vocabulary of ${vocabSize}: the distribution is truncated`);
  const lp = new Float64Array(vocabSize).fill(-Infinity);
  let sum = 0;
  for (const [id, p] of probs) {
    lp[id] = Math.log(p);
    sum += p;
  }
  const shift = Math.log(sum);
  for (let i = 0; i < vocabSize; i++) lp[i] = lp[i]! - shift;
  return lp;
}
