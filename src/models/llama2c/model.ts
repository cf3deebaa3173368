/**
 * A llama2.c checkpoint as a `LanguageModel`: dense temperature-1 distributions, batched prefixes,
 * and a native tree session (per-node KV cache, batched tree-masked expansion).
 */
import type { DenseDistribution } from '../../distribution/distribution.js';
import type { DistributionCallOptions, LanguageModel, TreeSession } from '../model.js';
import type { Llama2cCheckpoint } from './checkpoint.js';
import type { KvCache } from './kv-cache.js';
import type { Llama2cTokenizer } from './tokenizer.js';
import { promised } from '../../core/promised.js';
import { Llama2cTransformer } from './transformer.js';
import { checkPrefix, Llama2cTreeSession, prefill, verifyTree } from './tree-decoding.js';

export class Llama2cModel implements LanguageModel {
  readonly name: string;
  readonly vocabSize: number;
  readonly tokenizer: Llama2cTokenizer;
  readonly checkpoint: Llama2cCheckpoint;
  readonly transformer: Llama2cTransformer;
  /** The checkpoint's seq_len: positions beyond it have no RoPE entry. */
  readonly contextLength: number;
  readonly remote = false;
  readonly concurrency = 1;
  /** Where the tokenizer was read from. */
  readonly tokenizerFile: string;
  private readonly scratchCache: KvCache;
  /** The tokens whose keys and values `scratchCache` holds. */
  private readonly scratchTokens: number[] = [];

  constructor(name: string, checkpoint: Llama2cCheckpoint, tokenizer: Llama2cTokenizer, tokenizerFile: string, activeLayers?: readonly number[]) {
    this.name = name;
    this.checkpoint = checkpoint;
    this.tokenizer = tokenizer;
    this.tokenizerFile = tokenizerFile;
    this.vocabSize = checkpoint.config.vocabSize;
    this.contextLength = checkpoint.config.seqLen;
    this.transformer = new Llama2cTransformer(checkpoint.config, checkpoint.weights, activeLayers);
    this.scratchCache = this.transformer.newCache(128);
  }

  /** The layers that run (all of them unless this is a layer-skipping drafter). */
  get activeLayers(): readonly number[] {
    return this.transformer.activeLayers;
  }

  nextTokenDistributions(prefixes: readonly (readonly number[])[], options?: DistributionCallOptions): Promise<DenseDistribution[]> {
    return promised(() => {
      const out: DenseDistribution[] = [];
      for (const prefix of prefixes) {
        options?.signal?.throwIfAborted();
        checkPrefix(this.transformer, prefix, this.name);
        // Keys and values of slot i depend only on tokens 0..i, so the part of the cache shared
        // with the previous prefix is kept: all prefixes of one sequence cost one pass in total.
        const cached = this.scratchTokens;
        let keep = 0;
        const limit = Math.min(cached.length, prefix.length - 1);
        while (keep < limit && cached[keep] === prefix[keep]) keep++;
        this.scratchCache.truncate(keep);
        cached.length = keep;
        const fresh = prefix.slice(keep);
        out.push({ kind: 'dense', logProbs: prefill(this.transformer, this.scratchCache, fresh) });
        cached.push(...fresh);
      }
      return out;
    });
  }

  openTree(prefix: readonly number[], options?: DistributionCallOptions): Promise<TreeSession> {
    return promised(() => {
      options?.signal?.throwIfAborted();
      return new Llama2cTreeSession(this.transformer, prefix, this.name);
    });
  }

  /** ln p at every node of a draft tree (node 0 = root), verified in one batched pass. */
  verifyTree(prefix: readonly number[], parents: ArrayLike<number>, tokens: ArrayLike<number>): Float64Array[] {
    return verifyTree(this.transformer, prefix, parents, tokens, this.name);
  }
}
