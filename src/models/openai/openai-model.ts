/**
 * A LanguageModel served by OpenAI-compatible replicas (vLLM, SGLang, llama.cpp, TGI, or
 * `specbound serve-model`).
 *
 * - `nextTokenDistributions`: one completion per prefix with the token ids as prompt,
 *   `max_tokens: 1`, `logprobs: K`, `temperature: 0` and `return_tokens_as_token_ids: true`.
 *   Greedy decoding makes the listed map exactly the top K (vLLM adds the sampled token when it is
 *   outside the top K; the greedy token never is), and vLLM's logprobs are the raw temperature-1
 *   ones whatever the sampling temperature (logprobs_mode = raw_logprobs).
 *   With `promptsPerRequest` B > 1 (`&batch=B`), the prefixes go B at a time (fewer when that
 *   keeps every concurrency slot busy) as a list of prompts in one request; choice `index` i
 *   answers prompt i, and every index must come back exactly once.
 * - `scoreSequence(ids)`: vLLM's `prompt_logprobs: K` scores every position of `ids` in one
 *   request; plus the generated position gives the distribution after every prefix.
 *
 * Token strings map to ids through `token_id:N` (vLLM's `return_tokens_as_token_ids`), else the
 * server's vocabulary table; `prompt_logprobs` are keyed by id already. Every answer is checked
 * with zod and against the request (model name, one choice per prompt, K entries per position);
 * anything off throws InvalidModelResponseError naming the endpoint, never a partial result.
 */
import type { SparseDistribution, TokenDistribution } from '../../distribution/distribution.js';
import type { DistributionCallOptions, LanguageModel } from '../model.js';
import type { OpenAIClientOptions } from './client-options.js';
import { mapInOrder } from './concurrency-limit.js';
import { InvalidModelResponseError } from './errors.js';
import { sparseFromPromptEntry, sparseFromTopLogprobs, tokenIdMapper, type TokenStringMapper } from './logprob-maps.js';
import { RemoteTokenizer } from './remote-tokenizer.js';
import { completionResponseSchema, describeZodProblem, isPlainCompletionResponse, type CompletionResponse, type Vocabulary } from './response-schema.js';
import type { ModelServerTransport } from './transport.js';

export class OpenAIModel implements LanguageModel {
  readonly name: string;
  readonly vocabSize: number;
  readonly tokenizer: RemoteTokenizer;
  /** Top-k logprobs asked per position. */
  readonly logprobs: number;
  /** The `max_model_len` the server reports on `/v1/models` (vLLM, serve-model), when it does. */
  readonly contextLength: number | undefined;
  readonly remote = true;
  /** The client's limit of requests in flight (`&concurrency=N`). */
  readonly concurrency: number;
  /** Prompts per request in nextTokenDistributions (1: one request per prefix). */
  readonly promptsPerRequest: number;
  private readonly servedModel: string;
  private readonly mapToken: TokenStringMapper;

  constructor(
    readonly transport: ModelServerTransport,
    options: Pick<OpenAIClientOptions, 'model' | 'logprobs' | 'name' | 'promptsPerRequest'> & { vocabSize: number; vocabulary?: Vocabulary; contextLength?: number },
  ) {
    this.name = options.name ?? `openai:${transport.endpoints.join(',')}#model=${options.model}`;
    this.servedModel = options.model;
    this.vocabSize = options.vocabSize;
    this.logprobs = Math.min(options.logprobs, options.vocabSize);
    this.contextLength = options.contextLength;
    this.concurrency = transport.concurrency;
    this.promptsPerRequest = options.promptsPerRequest ?? 1;
    this.tokenizer = new RemoteTokenizer(transport, options.model, options.vocabulary);
    let pieces: Map<string, number> | undefined;
    if (options.vocabulary !== undefined) {
      // Only pieces that name one token can be mapped back.
      const count = new Map<string, number>();
      for (const p of options.vocabulary.pieces) count.set(p, (count.get(p) ?? 0) + 1);
      pieces = new Map();
      options.vocabulary.pieces.forEach((p, id) => {
        if (count.get(p) === 1) pieces!.set(p, id);
      });
    }
    this.mapToken = tokenIdMapper(pieces);
  }

  async nextTokenDistributions(prefixes: readonly (readonly number[])[], options?: DistributionCallOptions): Promise<TokenDistribution[]> {
    // B at a time, but no more than needed to give every concurrency slot a request.
    const size = Math.min(this.promptsPerRequest, Math.ceil(prefixes.length / this.transport.concurrency));
    if (size <= 1) return mapInOrder(prefixes, this.transport.concurrency, (prefix) => this.nextTokenDistribution(prefix, options));
    for (const prefix of prefixes) this.checkIds(prefix);
    const groups: (readonly (readonly number[])[])[] = [];
    for (let i = 0; i < prefixes.length; i += size) groups.push(prefixes.slice(i, i + size));
    const answers = await Promise.all(groups.map((group) => this.nextTokenDistributionsInOneRequest(group, options)));
    return answers.flat();
  }

  /** The top-K distributions after each of `prefixes`, all in one request (a list of prompts). */
  private nextTokenDistributionsInOneRequest(prefixes: readonly (readonly number[])[], options: DistributionCallOptions | undefined): Promise<SparseDistribution[]> {
    const k = this.logprobs;
    const body = {
      model: this.servedModel,
      prompt: prefixes.map((p) => [...p]),
      max_tokens: 1,
      temperature: 0,
      logprobs: k,
      return_tokens_as_token_ids: true,
    };
    return this.transport.request(
      '/completions',
      (client, opts) => client.completions.create(body, opts),
      (raw, endpoint) => {
        const choices = this.checkResponse(raw, endpoint, prefixes.length);
        return choices.map((choice) => this.generatedDistribution(choice, k, endpoint));
      },
      options?.signal,
      { body },
    );
  }

  /** The top-K distribution after `prefix` (one request). */
  async nextTokenDistribution(prefix: readonly number[], options?: DistributionCallOptions): Promise<SparseDistribution> {
    this.checkIds(prefix);
    const k = this.logprobs;
    return this.complete(prefix, false, options, (choice, endpoint) => this.generatedDistribution(choice, k, endpoint));
  }

  /**
   * Scores a whole sequence in one request: element i is the top-K distribution of the token
   * after `ids[0..i]` (so `ids.length` distributions; the first token has no distribution before it).
   */
  async scoreSequence(ids: readonly number[], options?: DistributionCallOptions): Promise<SparseDistribution[]> {
    this.checkIds(ids);
    const k = this.logprobs;
    return this.complete(ids, true, options, (choice, endpoint) => {
      const entries = choice.prompt_logprobs;
      if (entries === null || entries === undefined) throw new InvalidModelResponseError(endpoint, 'no prompt_logprobs in the answer (the server does not support vLLM\'s prompt_logprobs)');
      if (entries.length !== ids.length) throw new InvalidModelResponseError(endpoint, `prompt_logprobs has ${entries.length} positions, the prompt ${ids.length}`);
      const out: SparseDistribution[] = [];
      for (let i = 1; i < ids.length; i++) {
        const entry = entries[i];
        if (entry === null || entry === undefined) throw new InvalidModelResponseError(endpoint, `prompt_logprobs[${i}] is null`);
        out.push(sparseFromPromptEntry(entry, k, ids[i]!, this.vocabSize, endpoint, `prompt_logprobs[${i}]`));
      }
      out.push(this.generatedDistribution(choice, k, endpoint));
      return out;
    });
  }

  /** Releases the transport's idle keep-alive connections. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private checkIds(ids: readonly number[]): void {
    if (ids.length === 0) throw new RangeError(`${this.name}: empty prefix (a completion needs at least one prompt token)`);
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`${this.name}: token id ${id} outside the vocabulary of ${this.vocabSize}`);
  }

  private complete<T>(
    ids: readonly number[],
    scorePrompt: boolean,
    options: DistributionCallOptions | undefined,
    read: (choice: CompletionResponse['choices'][number], endpoint: string) => T,
  ): Promise<T> {
    const k = this.logprobs;
    const body = {
      model: this.servedModel,
      prompt: [...ids],
      max_tokens: 1,
      temperature: 0,
      logprobs: k,
      return_tokens_as_token_ids: true,
      ...(scorePrompt ? { prompt_logprobs: k } : {}),
    };
    return this.transport.request(
      '/completions',
      (client, opts) => client.completions.create(body, opts),
      (raw, endpoint) => {
        const [choice] = this.checkResponse(raw, endpoint, 1);
        return read(choice!, endpoint);
      },
      options?.signal,
      { body },
    );
  }

  /** The checked answer's choices in prompt order (choice `index` i answers prompt i). */
  private checkResponse(raw: unknown, endpoint: string, prompts: number): CompletionResponse['choices'] {
    if (raw === undefined || raw === null || raw === '') throw new InvalidModelResponseError(endpoint, 'empty answer');
    if (typeof raw === 'string') throw new InvalidModelResponseError(endpoint, `the answer is not JSON: ${JSON.stringify(raw.slice(0, 60))}`);
    let answer: CompletionResponse;
    if (isPlainCompletionResponse(raw)) answer = raw;
    else {
      const r = completionResponseSchema.safeParse(raw);
      if (!r.success) throw new InvalidModelResponseError(endpoint, `not a completion answer (${describeZodProblem(r.error)})`);
      answer = r.data;
    }
    if (answer.model !== this.servedModel) throw new InvalidModelResponseError(endpoint, `answered as model ${JSON.stringify(answer.model)}, asked for ${JSON.stringify(this.servedModel)}`);
    const choices = answer.choices;
    if (choices.length !== prompts) throw new InvalidModelResponseError(endpoint, `${choices.length} choices for ${prompts === 1 ? 'one prompt' : `${prompts} prompts`}`);
    if (prompts === 1) return choices;
    const ordered: CompletionResponse['choices'] = new Array<CompletionResponse['choices'][number]>(prompts);
    for (const choice of choices) {
      if (choice.index >= prompts || ordered[choice.index] !== undefined) throw new InvalidModelResponseError(endpoint, `choice index ${choice.index} is ${choice.index >= prompts ? `outside the ${prompts} prompts` : 'listed twice'}`);
      ordered[choice.index] = choice;
    }
    return ordered;
  }

  private generatedDistribution(choice: CompletionResponse['choices'][number], k: number, endpoint: string): SparseDistribution {
    const top = choice.logprobs?.top_logprobs;
    if (top === null || top === undefined || top.length === 0) throw new InvalidModelResponseError(endpoint, 'no logprobs in the answer');
    const map = top[top.length - 1];
    if (map === null || map === undefined) throw new InvalidModelResponseError(endpoint, 'top_logprobs of the generated token is null');
    return sparseFromTopLogprobs(map, k, this.vocabSize, this.mapToken, endpoint, 'top_logprobs');
  }
}
