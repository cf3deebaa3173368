/**
 * Faults a TEST switches on through `createModelServer({ faults })` (never exposed on the command
 * line): the server asks the plan before answering each `/v1/completions` request and misbehaves
 * as told, so the client's retries, timeouts and validation are exercised over real sockets.
 */
export type Fault =
  /** Waits this long before answering normally (to trigger client timeouts). */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Answers with this status and an OpenAI-style error body (or `body` verbatim, as JSON);
   * `retryAfter` sets the `retry-after` header.
   */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  /** Destroys the socket without answering (a dropped connection). */
  | { readonly kind: 'drop' }
  /** Sends the headers and half of the body, then destroys the socket. */
  | { readonly kind: 'truncate' }
  /** Answers normally but names another model. */
  | { readonly kind: 'wrong-model'; readonly model: string }
  /** Answers with one fewer entry in every `top_logprobs` and `prompt_logprobs` map than asked. */
  | { readonly kind: 'short-logprobs' }
  /** Answers 200 with this raw body and content type (malformed JSON, an empty body…). */
  | { readonly kind: 'raw'; readonly body: string; readonly contentType?: string }
  /** Replaces every `token_id:N` key by this string (a token the client cannot map). */
  | { readonly kind: 'unmappable-token'; readonly token: string };

/** Decides the fault (or none) for the `index`-th completion request (0-based) the server receives. */
export type FaultPlan = (index: number) => Fault | undefined;

/** A plan that applies `faults[i]` to the i-th request and nothing afterwards. */
export function faultSequence(...faults: (Fault | undefined)[]): FaultPlan {
  return (index) => faults[index];
}
