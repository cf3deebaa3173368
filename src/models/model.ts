/**
 * The one interface every model backend implements (llama2.c in-process, the built-in n-gram
 * pair, OpenAI-compatible servers). Tree building, verification and measurement use only this.
 */
import type { TokenDistribution } from '../distribution/distribution.js';
import type { ChatMessage } from './chat-template.js';

export interface EncodeOptions {
  readonly bos?: boolean;
  readonly special?: boolean;
}

export interface Tokenizer {
  /**
   * Token ids of `text`; with `bos: true` (the default for prompts) the BOS id is prepended. With
   * `special: true` special-token text (`<|eot_id|>`, from a chat template) becomes the special
   * token where the backend has such tokens; by default it is plain text.
   */
  encode(text: string, options?: EncodeOptions): number[];
  /** Text of a token sequence (BOS/EOS dropped). */
  decode(ids: readonly number[]): string;
  /** Text of one token, as shown in tables (`"Ġthe"` style pieces are rendered readably). */
  tokenText(id: number): string;
  readonly bos: number | undefined;
  readonly eos: number | undefined;
  /**
   * Present when tokenizing needs I/O (a model behind a server, whose `encode` only returns
   * results cached by an earlier `encodeAsync`). Callers that start from text use
   * `encodeText(tokenizer, text)`, which works with every backend.
   */
  encodeAsync?(text: string, options?: EncodeOptions): Promise<number[]>;
  /**
   * Present when the model's server applies its own chat template: token ids of `messages`
   * rendered by it with the assistant's turn opened (vLLM's `/tokenize` with `messages`).
   */
  encodeChatAsync?(messages: readonly ChatMessage[], options?: { readonly signal?: AbortSignal }): Promise<number[]>;
}

/** Token ids of `text` with any tokenizer: `encodeAsync` when the backend has one, else `encode`. */
export async function encodeText(tokenizer: Tokenizer, text: string, options?: EncodeOptions): Promise<number[]> {
  return tokenizer.encodeAsync !== undefined ? tokenizer.encodeAsync(text, options) : tokenizer.encode(text, options);
}

export interface DistributionCallOptions {
  /** Cancels the call (e.g. when the user presses Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * A tree session: the backend keeps per-node state (e.g. a KV cache entry per node that attends
 * to its ancestors), so expanding a node of a draft tree costs one token of work instead of a
 * whole prefix. Node 0 is the root (the position after the prefix).
 */
export interface TreeSession {
  /** Next-token distribution at the root (after the prefix). */
  readonly root: TokenDistribution;
  /**
   * Adds children: each request appends `token` below node `parent`. Returns, in request order,
   * the new node ids and their next-token distributions.
   */
  expand(requests: readonly TreeExpansion[], options?: DistributionCallOptions): Promise<TreeNodeResult[]>;
  /** Releases the session's memory. */
  close(): void;
}

export interface TreeExpansion {
  readonly parent: number;
  readonly token: number;
}

export interface TreeNodeResult {
  readonly node: number;
  readonly distribution: TokenDistribution;
}

export interface LanguageModel {
  /** The spelling the user gave (`llama2c:PATH`, `builtin`, `openai:URL#model=NAME`). */
  readonly name: string;
  readonly vocabSize: number;
  readonly tokenizer: Tokenizer;
  /**
   * Longest token sequence the model accepts (prompt + generated tokens + draft-tree depth), or
   * undefined when it has no limit (the n-gram models) or does not say (a server without
   * `max_model_len`). `measure` cuts prompts, caps generation and skips trees to stay within it.
   */
  readonly contextLength: number | undefined;
  /** True when every call is a request to another process or machine (a server), false in-process. */
  readonly remote: boolean;
  /**
   * Requests the backend serves at once to advantage: 1 for in-process models (one CPU thread of
   * work per call), the client's request limit for a server. `measure` keeps this many units in flight.
   */
  readonly concurrency: number;
  /**
   * Next-token distributions (temperature 1, the model's raw softmax) after each prefix of
   * token ids, in order. Batched: backends may run the prefixes together.
   */
  nextTokenDistributions(
    prefixes: readonly (readonly number[])[],
    options?: DistributionCallOptions,
  ): Promise<TokenDistribution[]>;
  /**
   * Present when the backend can share ancestors' work across a draft tree. Callers use
   * `openTreeSession` (tree-session.ts), which falls back to independent prefixes otherwise.
   */
  openTree?(prefix: readonly number[], options?: DistributionCallOptions): Promise<TreeSession>;
  /** Frees resources (sockets, workers). */
  close?(): Promise<void>;
}
