/**
 * Requests to one model behind several OpenAI-compatible replicas, through the official `openai`
 * client (request building, auth header, status → typed APIError, its `timeout`): round-robin
 * over the endpoints, at most `concurrency` requests in flight, and our own retry loop, because
 * the openai client's retries stay on one endpoint with a fixed 0.5–8 s backoff, and do not
 * cover a connection dropped while the body is read. Each retry goes to the next endpoint.
 * Completions (a FastRequest) take fast-path.ts's 2xx path once the client has made one request
 * to the URL; every other outcome of such an attempt is replayed to the client, so the errors,
 * their classification and the retries below are the same either way.
 *
 * Retried: 408, 409, 429, 5xx, connection failures (refused, reset, truncated body), timeouts.
 * Not retried: other statuses, and answers that fail validation (InvalidModelResponseError).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { FastPath, logsSuccesses } from './fast-path.js';
import { createHttpFetch, type HttpFetch } from './http-fetch.js';
import type { OpenAIClientOptions } from './client-options.js';
import {
  InvalidModelResponseError,
  ModelServerConnectionError,
  ModelServerError,
  ModelServerStatusError,
  ModelServerTimeoutError,
  withAttempts,
} from './errors.js';
import { retryDelayMs } from './retry-delay.js';
import { promised } from '../../core/promised.js';

export type TransportOptions = Pick<
  OpenAIClientOptions,
  'endpoints' | 'concurrency' | 'maxRetries' | 'timeoutMs' | 'backoffBaseMs' | 'backoffCapMs' | 'apiKey'
> & {
  /** Replaces the node:http fetch (http-fetch.ts) the client uses by default (tests count calls this way); turns the fast path off. */
  readonly fetch?: typeof fetch;
  /**
   * false: every request goes through the openai client (fast-path.ts otherwise answers 2xx JSON
   * POSTs itself); for comparisons in tests and benchmarks.
   */
  readonly fastPath?: boolean;
  /** Jitter source (tests pass a seeded one); Math.random otherwise. */
  readonly random?: () => number;
  /** Called before each retry with the error that caused it and the wait (logging, tests). */
  readonly onRetry?: (info: RetryInfo) => void;
};

export interface RetryInfo {
  /** 1 for the first retry. */
  readonly retry: number;
  readonly delayMs: number;
  readonly error: ModelServerError;
}

/**
 * A JSON POST the attempt makes, described for the fast path (fast-path.ts): its body as the
 * attempt passes it to the openai client. A 2xx JSON answer is then parsed without the client.
 */
export interface FastRequest {
  readonly body: unknown;
}

/** One attempt: the request made with a configured openai client. */
export type AttemptFn = (
  client: OpenAI,
  options: { signal?: AbortSignal; timeout: number; maxRetries: 0 },
  /** The replica's base URL (`http://host:8000/v1`). */
  base: string,
) => Promise<unknown>;

/** The URL errors name: `path` after the base URL; a path starting with `../` is relative to the base's parent (vLLM's `/tokenize`). */
export function endpointUrl(base: string, path: string): string {
  return path.startsWith('../') ? `${base.replace(/\/[^/]*$/, '')}/${path.slice(3)}` : base + path;
}

interface Replica {
  readonly base: string;
  readonly client: OpenAI;
  /** Whether FastRequests may skip this client (not when it logs every request). */
  readonly fast: boolean;
  /** endpointUrl(base, path) per path asked so far (one string per endpoint, not one per attempt). */
  readonly urls: Map<string, string>;
}

export class ModelServerTransport {
  private readonly replicas: Replica[];
  private readonly limit: ConcurrencyLimit;
  private readonly options: TransportOptions;
  private readonly random: () => number;
  private nextReplica = 0;
  /** Our keep-alive node:http fetch, when no fetch was passed in. */
  private readonly httpFetch: HttpFetch | undefined;
  /** The 2xx fast path over httpFetch (unless turned off). */
  private readonly fastPath: FastPath | undefined;
  /** The per-attempt options without a caller's signal (one object, not one per request). */
  private readonly plainAttemptOptions: { timeout: number; maxRetries: 0 };
  /** Attempts made so far (all requests, all endpoints). */
  attempts = 0;
  /** Attempts answered by the fast path without the openai client. */
  fastAnswers = 0;
  /** Attempts sent by the fast path whose outcome (error, non-2xx, odd 2xx) the openai client handled. */
  fastReplays = 0;

  constructor(options: TransportOptions) {
    this.options = options;
    this.random = options.random ?? Math.random;
    this.limit = new ConcurrencyLimit(options.concurrency);
    this.plainAttemptOptions = Object.freeze({ timeout: options.timeoutMs, maxRetries: 0 as const });
    const apiKey = options.apiKey ?? process.env['SPECBOUND_OPENAI_API_KEY'] ?? 'EMPTY';
    this.httpFetch = options.fetch === undefined ? createHttpFetch() : undefined;
    this.fastPath = this.httpFetch !== undefined && options.fastPath !== false ? new FastPath(this.httpFetch) : undefined;
    const inner = options.fetch ?? this.httpFetch!.fetch;
    const wrappedFetch = errorBodyNormalizingFetch(this.fastPath === undefined ? inner : this.fastPath.recording(inner));
    this.replicas = options.endpoints.map((base) => {
      const client = new OpenAI({
        baseURL: base,
        apiKey,
        maxRetries: 0,
        timeout: options.timeoutMs,
        fetch: wrappedFetch,
      });
      return { base, client, fast: this.fastPath !== undefined && !logsSuccesses(client.logLevel), urls: new Map<string, string>() };
    });
  }

  /** Closes idle keep-alive connections (idle sockets never keep the process alive anyway). */
  close(): Promise<void> {
    return promised(() => this.httpFetch?.close());
  }

  /** Requests in flight at most. */
  get concurrency(): number {
    return this.options.concurrency;
  }

  get endpoints(): readonly string[] {
    return this.replicas.map((r) => r.base);
  }

  /** Runs `attempt` against one replica chosen by the caller (no round-robin), with retries. */
  onReplica<T>(index: number, path: string, attempt: AttemptFn, parse: (raw: unknown, endpoint: string) => T, signal?: AbortSignal): Promise<T> {
    return this.limit.run(() => this.withRetries(() => index, path, attempt, parse, signal));
  }

  /**
   * Runs `attempt` round-robin over the replicas, with retries (each on the next replica). With
   * `fast`, a 2xx JSON answer to the POST the attempt makes may skip the openai client (fast-path.ts).
   */
  request<T>(path: string, attempt: AttemptFn, parse: (raw: unknown, endpoint: string) => T, signal?: AbortSignal, fast?: FastRequest): Promise<T> {
    return this.limit.run(() =>
      this.withRetries(
        (previous) => {
          // A retry goes to the replica after the one that failed; a first attempt takes the next in turn.
          if (previous !== undefined) return (previous + 1) % this.replicas.length;
          const i = this.nextReplica;
          this.nextReplica = (i + 1) % this.replicas.length;
          return i;
        },
        path,
        attempt,
        parse,
        signal,
        fast,
      ),
    );
  }

  private async withRetries<T>(
    pick: (previous: number | undefined) => number,
    path: string,
    attempt: AttemptFn,
    parse: (raw: unknown, endpoint: string) => T,
    signal: AbortSignal | undefined,
    fast?: FastRequest,
  ): Promise<T> {
    const { maxRetries } = this.options;
    let index: number | undefined;
    for (let retry = 0; ; retry++) {
      index = pick(index);
      const replica = this.replicas[index]!;
      const endpoint = replica.urls.get(path) ?? replica.urls.set(path, endpointUrl(replica.base, path)).get(path)!;
      let failure: { error: ModelServerError; retryable: boolean; headers?: HeaderLookup };
      try {
        const raw = await this.attemptOnce(replica, endpoint, attempt, signal, fast);
        return parse(raw, endpoint);
      } catch (err) {
        if (signal?.aborted === true) throw signal.reason ?? err;
        failure = classify(err, endpoint, this.options.timeoutMs);
      }
      if (!failure.retryable || retry >= maxRetries) throw withAttempts(failure.error, retry + 1);
      const delay = retryDelayMs(retry, { baseMs: this.options.backoffBaseMs, capMs: this.options.backoffCapMs }, this.random, failure.headers);
      this.options.onRetry?.({ retry: retry + 1, delayMs: delay, error: failure.error });
      await sleep(delay, signal);
    }
  }

  /**
   * One attempt, with a timeout covering headers and body. With our node:http fetch the body is
   * read inside fetch, so the openai client's own timeout (armed around fetch) covers both and is
   * the only timer: its APIConnectionTimeoutError becomes ModelServerTimeoutError in classify().
   * A fetch passed in may stream the body after fetch returns, so then we arm our own timer.
   * A FastRequest to a URL the client has posted to before is sent by the fast path with the same
   * timeout; what it does not answer itself, the client handles from the replayed outcome.
   */
  private attemptOnce(replica: Replica, endpoint: string, attempt: AttemptFn, signal: AbortSignal | undefined, fast: FastRequest | undefined): Promise<unknown> {
    this.attempts++;
    if (this.httpFetch === undefined) return this.attemptWithOwnTimer(replica, endpoint, attempt, signal);
    const attemptOptions = signal === undefined ? this.plainAttemptOptions : { signal, timeout: this.options.timeoutMs, maxRetries: 0 as const };
    if (fast === undefined || !replica.fast || !this.fastPath!.ready(endpoint)) return attempt(replica.client, attemptOptions, replica.base);
    // A promise chain rather than an async function: one layer fewer per request on the hot path.
    return this.fastPath!.post(endpoint, fast.body, this.options.timeoutMs, signal).then((outcome) => {
      if (outcome.hot) {
        this.fastAnswers++;
        return outcome.json;
      }
      this.fastReplays++;
      return attempt(replica.client.withOptions({ fetch: errorBodyNormalizingFetch(outcome.replay) }), attemptOptions, replica.base);
    });
  }

  /** An attempt through a fetch passed in, which may stream the body after it returns: our own timer covers both. */
  private async attemptWithOwnTimer(replica: Replica, endpoint: string, attempt: AttemptFn, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new ModelServerTimeoutError(endpoint, this.options.timeoutMs)), this.options.timeoutMs);
    const combined = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    try {
      return await attempt(replica.client, { signal: combined, timeout: this.options.timeoutMs + 1000, maxRetries: 0 }, replica.base);
    } catch (err) {
      if (timeout.signal.aborted) throw timeout.signal.reason as Error;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Wraps fetch so error answers reach the openai client as `{"error": {"message", …}}`, the only
 * shape it reads a message from: older vLLM answers flat `{"object": "error", "message", …}`,
 * FastAPI `{"detail": …}`, proxies plain text. Successful answers pass through untouched.
 */
function errorBodyNormalizingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let message = text.trim().split('\n')[0]!.slice(0, 200);
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    if (typeof body === 'object' && body !== null) {
      const b = body as { error?: unknown; message?: unknown; detail?: unknown };
      if (typeof b.error === 'object' && b.error !== null) return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
      const m = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : b.detail !== undefined ? JSON.stringify(b.detail) : JSON.stringify(body);
      message = m.split('\n')[0]!.slice(0, 200);
    }
    const headers = new Headers(res.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(JSON.stringify({ error: { message } }), { status: res.status, statusText: res.statusText, headers });
  };
}

type HeaderLookup = { get(name: string): string | null };

function statusRetryable(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Maps whatever an attempt threw to our typed errors, and whether to retry. */
function classify(err: unknown, endpoint: string, timeoutMs: number): { error: ModelServerError; retryable: boolean; headers?: HeaderLookup } {
  if (err instanceof InvalidModelResponseError) return { error: err, retryable: false };
  if (err instanceof ModelServerError) return { error: err, retryable: err instanceof ModelServerTimeoutError || err instanceof ModelServerConnectionError };
  if (err instanceof APIConnectionTimeoutError) return { error: new ModelServerTimeoutError(endpoint, timeoutMs, { cause: err }), retryable: true };
  if (err instanceof APIUserAbortError) return { error: new ModelServerConnectionError(endpoint, 'request aborted', { cause: err }), retryable: false };
  if (err instanceof APIConnectionError) return { error: new ModelServerConnectionError(endpoint, connectionProblem(err), { cause: err }), retryable: true };
  if (err instanceof APIError && typeof err.status === 'number') {
    // `instanceof` gives APIError<any, any, any>; the SDK's own defaults name what the fields hold.
    const api = err as APIError;
    const status = api.status!;
    // Duck-typed: a custom fetch may bring its own Headers class.
    const headers = typeof (api.headers as { get?: unknown } | undefined)?.get === 'function' ? api.headers : undefined;
    const error = new ModelServerStatusError(endpoint, status, serverMessage(api), { cause: err });
    return { error, retryable: statusRetryable(status), ...(headers === undefined ? {} : { headers }) };
  }
  if (err instanceof SyntaxError) return { error: new InvalidModelResponseError(endpoint, `malformed JSON in the answer (${err.message})`, { cause: err }), retryable: false };
  // undici: the socket closed while the body was read ("terminated", "other side closed").
  if (err instanceof TypeError) return { error: new ModelServerConnectionError(endpoint, `connection dropped while reading the answer (${causeText(err)})`, { cause: err }), retryable: true };
  const text = err instanceof Error ? err.message : String(err);
  return { error: new ModelServerConnectionError(endpoint, text.split('\n')[0] ?? text, { cause: err }), retryable: false };
}

function causeText(err: Error): string {
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function connectionProblem(err: APIConnectionError): string {
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const inner = cause?.cause instanceof Error ? cause.cause : cause;
  const code = inner !== undefined && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
  return `connection failed${code === undefined ? '' : ` (${code})`}${inner === undefined ? '' : `: ${inner.message}`}`;
}

/** The message of an OpenAI-style error body, or the status text. */
function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const msg = typeof body?.message === 'string' ? body.message : '';
  return msg.split('\n')[0]!.slice(0, 200);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
