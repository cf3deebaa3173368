/**
 * The limits `serve-model` checks every completion request against before doing any model work
 * (completions.ts `prepare`), and their defaults. Kept apart from the server so the CLI can show
 * the defaults without loading it.
 */
export interface CompletionLimits {
  /** Largest `logprobs` / `prompt_logprobs` (vLLM's `--max-logprobs`, default 20). */
  readonly maxLogprobs: number;
  /** Largest `max_tokens`. */
  readonly maxTokens: number;
  /** Longest prompt in tokens. */
  readonly maxPromptTokens: number;
  /** Most prompts in one request. */
  readonly maxPrompts: number;
  /** Longest prompt + `max_tokens` of one prompt (vLLM's `max_model_len`). */
  readonly maxModelLen: number;
  /**
   * Most token positions one request may make the model compute: the sum over its prompts of
   * prompt tokens + `max_tokens`. Bounds the work of one request.
   */
  readonly maxRequestTokens: number;
  /**
   * Most (token, log-probability) entries one response may carry: every scored position lists
   * its top `logprobs` (or `prompt_logprobs`) plus the chosen token. Bounds the response size.
   */
  readonly maxResponseLogprobs: number;
}

/**
 * Defaults: 20 logprobs as vLLM's `--max-logprobs`; 256 prompts of up to 8,192 tokens and 4,096
 * new tokens each, but at most 131,072 token positions per request (256 prompts filling a 512-token
 * context, what `--model openai:URL&batch=256` may send) and 262,144 logprob entries
 * per response (a scored 8,192-token prompt at prompt_logprobs 20 needs 172,011). The request
 * of issue 19 (256 prompts × 4,096 tokens × 21 entries = 22 M entries, 3.7 GB) is refused.
 */
export const DEFAULT_LIMITS: Omit<CompletionLimits, 'maxModelLen'> = {
  maxLogprobs: 20,
  maxTokens: 4096,
  maxPromptTokens: 8192,
  maxPrompts: 256,
  maxRequestTokens: 131_072,
  maxResponseLogprobs: 262_144,
};


/**
 * Connections `serve-model` keeps open at once (`--max-connections`). A connection past it is
 * answered 503 with `Retry-After` and closed, as uvicorn (vLLM's HTTP server) does past
 * `--limit-concurrency` (encode/uvicorn uvicorn/protocols/http/flow_control.py
 * `service_unavailable` at d6ac90ad; h11_impl.py/httptools_impl.py swap in that app when the open
 * connections reach the limit); connections already open keep being served. 256: four times the
 * load test's 64 clients (specbound's own client opens `&concurrency=16` by default), with room for
 * health checks; an open connection costs a socket and its buffers, not model work (the work
 * queue bounds that).
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

/**
 * The server's timeouts (ms), against clients that open connections and stall: a request's
 * headers must arrive within 20 s and the whole request (body ≤ 1 MiB) within 60 s (Node 20's
 * defaults: 60 s and 300 s); an idle keep-alive connection is closed after 30 s (Node: 5 s; longer,
 * so a client reusing its pooled connection rarely races the server closing it). Node checks them
 * every `checkEveryMs` (its default: 30 s). A connection past the connection limit that sends no
 * request is closed after `overLimitIdleMs`. A completion's own duration is not limited: the
 * client's timeout and a disconnect stop it.
 */
export const SERVER_TIMEOUTS = { headersMs: 20_000, requestMs: 60_000, keepAliveMs: 30_000, checkEveryMs: 2_000, overLimitIdleMs: 2_000 } as const;
