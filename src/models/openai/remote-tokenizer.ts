/**
 * The tokenizer of a model that lives on a server. Token ids are what the client sends and
 * receives, so only text needs the server:
 *
 * - `encodeAsync(text)` calls vLLM's `POST /tokenize` (served at the root, beside `/v1`) and
 *   caches the answer; the synchronous `encode(text)` returns a cached answer and otherwise throws
 *   (tokenizing needs a round-trip; token-id prompts need none).
 * - `encodeChatAsync(messages)` calls the same endpoint with `messages` (vLLM's
 *   TokenizeChatRequest): the server renders them with the model's own chat template, the
 *   assistant's turn opened (`add_generation_prompt: true`, `continue_final_message: false`) and
 *   no special tokens added beyond what the template writes (`add_special_tokens: false`, vLLM's
 *   default for chats: the template writes BOS itself). `--chat-template server` uses it.
 * - `tokenText` / `decode` use the vocabulary table when the server offers one (specbound's own
 *   `serve-model` does, at `/v1/specbound/vocabulary`); otherwise tokens show as `<id 123>`.
 *
 * Request and answer shapes: tokenize-protocol.ts (transcribed from vLLM's protocol.py).
 */
import { SpecboundError } from '../../core/errors.js';
import type { ChatMessage } from '../chat-template.js';
import type { Tokenizer } from '../model.js';
import { InvalidModelResponseError } from './errors.js';
import { describeZodProblem, type Vocabulary } from './response-schema.js';
import { tokenizeResponseSchema, type TokenizeChatRequest, type TokenizeCompletionRequest } from './tokenize-protocol.js';
import { endpointUrl, type ModelServerTransport } from './transport.js';

export class RemoteTokenizer implements Tokenizer {
  readonly bos: number | undefined;
  readonly eos: number | undefined;
  private readonly vocabulary: Vocabulary | undefined;
  private readonly cache = new Map<string, number[]>();

  constructor(
    private readonly transport: ModelServerTransport,
    private readonly model: string,
    vocabulary: Vocabulary | undefined,
  ) {
    this.vocabulary = vocabulary;
    this.bos = vocabulary?.bos_token_id ?? undefined;
    this.eos = vocabulary?.eos_token_id ?? undefined;
  }

  /** Token ids of `text`, tokenized by the server (`POST /tokenize`); cached for `encode`. */
  async encodeAsync(text: string, options?: { bos?: boolean; signal?: AbortSignal }): Promise<number[]> {
    const bos = options?.bos ?? true;
    return this.cachedTokenize(`${bos ? 1 : 0}:${text}`, (): TokenizeCompletionRequest => ({ model: this.model, prompt: text, add_special_tokens: bos }), options?.signal);
  }

  /** Token ids of a conversation rendered by the server's chat template, its assistant turn opened (`POST /tokenize` with `messages`). */
  async encodeChatAsync(messages: readonly ChatMessage[], options?: { signal?: AbortSignal }): Promise<number[]> {
    return this.cachedTokenize(
      `chat:${JSON.stringify(messages)}`,
      (): TokenizeChatRequest => ({
        model: this.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: true,
        continue_final_message: false,
        add_special_tokens: false,
      }),
      options?.signal,
    );
  }

  /** The cached ids under `key` (a copy), else `tokenize(body())`, cached under `key`. */
  private async cachedTokenize(key: string, body: () => TokenizeCompletionRequest | TokenizeChatRequest, signal: AbortSignal | undefined): Promise<number[]> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return [...cached];
    const ids = await this.tokenize(body(), signal);
    this.cache.set(key, ids);
    return [...ids];
  }

  /** One `POST /tokenize` (at the root, beside /v1); the answer must be a TokenizeResponse whose count is its length. */
  private tokenize(body: TokenizeCompletionRequest | TokenizeChatRequest, signal: AbortSignal | undefined): Promise<number[]> {
    return this.transport.request(
      '../tokenize',
      (client, opts, base) => client.post(endpointUrl(base, '../tokenize'), { body, ...opts }),
      (raw, endpoint) => {
        const r = tokenizeResponseSchema.safeParse(raw);
        if (!r.success) throw new InvalidModelResponseError(endpoint, `not a /tokenize answer (${describeZodProblem(r.error)})`);
        if (r.data.count !== r.data.tokens.length) throw new InvalidModelResponseError(endpoint, `/tokenize answer counts ${r.data.count} tokens but lists ${r.data.tokens.length}`);
        return r.data.tokens;
      },
      signal,
    );
  }

  encode(text: string, options?: { bos?: boolean }): number[] {
    const cached = this.cache.get(`${(options?.bos ?? true) ? 1 : 0}:${text}`);
    if (cached !== undefined) return [...cached];
    throw new SpecboundError(`${this.model}: text is tokenized by the server; call tokenizer.encodeAsync(text) first, or give token-id prompts`);
  }

  decode(ids: readonly number[]): string {
    const pieces = this.vocabulary?.pieces;
    return ids.map((id) => (pieces === undefined ? `<id ${id}>` : (pieces[id] ?? `<id ${id}>`))).join('');
  }

  tokenText(id: number): string {
    return this.vocabulary?.tokens[id] ?? `<id ${id}>`;
  }
}
