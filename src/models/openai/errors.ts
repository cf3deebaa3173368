/**
 * The failures of an OpenAI-compatible model server, one class each, all ExternalServiceError
 * (exit code 1) whose one-line message starts with the endpoint (`http://host/v1/completions: …`).
 * Retryable ones (status 408/409/429/5xx, dropped connections, timeouts) say how many attempts
 * were made when the client gives up.
 */
import { ExternalServiceError } from '../../core/errors.js';

/** Base class: something went wrong talking to a model server. */
export class ModelServerError extends ExternalServiceError {
  /** Attempts made before giving up (1 when the error is not retried). */
  readonly attempts: number;
  constructor(endpoint: string, problem: string, options?: { attempts?: number; cause?: unknown }) {
    const attempts = options?.attempts ?? 1;
    super(endpoint, attempts > 1 ? `${problem} (gave up after ${attempts} attempts)` : problem, { cause: options?.cause });
    this.attempts = attempts;
  }
}

/** The server answered with an error status. */
export class ModelServerStatusError extends ModelServerError {
  readonly status: number;
  constructor(endpoint: string, status: number, message: string, options?: { attempts?: number; cause?: unknown }) {
    super(endpoint, `HTTP ${status}${message === '' ? '' : `: ${message}`}`, options);
    this.status = status;
  }
}

/** The connection failed or was dropped before a complete answer arrived. */
export class ModelServerConnectionError extends ModelServerError {}

/** No complete answer within the per-request timeout. */
export class ModelServerTimeoutError extends ModelServerError {
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number, options?: { attempts?: number; cause?: unknown }) {
    super(endpoint, `no answer within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server answered 200 with something unusable: malformed JSON, an empty body, a shape that is
 * not a completion, another model's name, fewer logprobs than asked, probabilities above 1.
 * Never retried: a server that lies once is not trusted to be right the second time.
 */
export class InvalidModelResponseError extends ModelServerError {}

/** A token string in the answer that maps to no token id. */
export class UnmappableTokenError extends InvalidModelResponseError {
  readonly token: string;
  constructor(endpoint: string, token: string) {
    super(endpoint, `cannot map the token string ${JSON.stringify(token)} to a token id (the server ignored return_tokens_as_token_ids and the string is not in its vocabulary)`);
    this.token = token;
  }
}

/** Copies `err` with the number of attempts made (for the final error after retries). */
export function withAttempts(err: ModelServerError, attempts: number): ModelServerError {
  if (attempts <= 1) return err;
  const options = { attempts, cause: err.cause };
  const problem = err.message.slice(err.endpoint.length + 2);
  if (err instanceof ModelServerStatusError) return new ModelServerStatusError(err.endpoint, err.status, problem.replace(/^HTTP \d+:? ?/, ''), options);
  if (err instanceof ModelServerTimeoutError) return new ModelServerTimeoutError(err.endpoint, err.timeoutMs, options);
  if (err instanceof ModelServerConnectionError) return new ModelServerConnectionError(err.endpoint, problem, options);
  return err;
}
