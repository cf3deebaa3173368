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

