/**
 * The 2xx fast path of the transport: a JSON POST (the completions request) sent by us over the
 * keep-alive node:http agents of http-fetch.ts with the very headers the official openai client
 * sent for the same URL, its 2xx JSON answer parsed here; everything else is handed back to the
 * openai client, which handles it exactly as if it had made the request itself.
 *
 * Why: per request the openai client spends ~70–90 µs of CPU on work whose result never changes
 * between our requests (building and validating the same headers, formatting log details that are
 * not printed at the default log level, an AbortController, a timer and its listener, the
 * APIPromise chain), ~45 % of throughput when client and server share two cores (issue 18).
 *
 * Mirrors openai 6.49.0 (node_modules/openai/package.json; src/client.ts `makeRequest`,
 * `buildRequest`, `buildHeaders`, `fetchWithTimeout`; src/internal/request-options.ts
 * `FallbackEncoder`; src/internal/parse.ts `defaultParseResponse`):
 * - Headers: `buildHeaders` gives the same headers to every request of one client for one method
 *   and URL: Accept, User-Agent, `X-Stainless-Retry-Count` (0: we always pass maxRetries 0),
 *   `X-Stainless-Timeout` (our one per-attempt timeout), the platform headers, Authorization and
 *   the encoder's content-type; the OpenAI class sets no idempotency header. So the headers of
 *   the first request to a URL, as the client handed them to fetch, are recorded (`recording`)
 *   and reused; until then requests take the client's path.
 * - Body: `FallbackEncoder` is `JSON.stringify(body)`.
 * - A 2xx answer is parsed by `defaultParseResponse` as `response.json()` when the media type
 *   includes `application/json` or ends in `+json` and content-length is not `'0'` (the answer
 *   is then `undefined`), else as text; 204 is `null`. Only the first case is taken here, and
 *   only when JSON.parse succeeds; the client's `_request_id` (non-enumerable) is not added.
 * - Logging: at log levels `info`/`debug` the client logs every request, so then every request
 *   takes the client's path (`logsSuccesses`).
 * Anything else (a non-2xx status, another content type, malformed JSON, a redirect, a refused or
 * dropped connection, a timeout, an abort) becomes a `replay` fetch that answers the recorded
 * outcome, byte for byte as http-fetch.ts would have, to the openai client: so every error goes
 * through the same client code (status → APIError subclass and message, connection and timeout
 * errors), the same error-body normalisation, classification and retry policy as before.
 */
import type { ClientOptions } from 'openai';
import { answerResponse, isBufferedStatus, plainHeaders, rawHeader, type HttpFetch, type RawAnswer } from './http-fetch.js';

/** What a fast-path request came to: the parsed 2xx JSON body, or a fetch replaying the outcome. */
export type FastOutcome = { readonly hot: true; readonly json: unknown } | { readonly hot: false; readonly replay: typeof fetch };

export class FastPath {
  /** Request headers the openai client sent, per URL of a POST with a string body. */
  private readonly headers = new Map<string, Readonly<Record<string, string>>>();

  constructor(
    private readonly http: HttpFetch,
    /** What a redirect goes to (http-fetch.ts hands redirects to the global fetch). */
    private readonly fallback: typeof fetch = globalThis.fetch,
  ) {}

  /** Wraps the fetch given to the openai client so the headers of its POSTs are recorded per URL. */
  recording(inner: typeof fetch): typeof fetch {
    return (input, init) => {
      if (typeof input === 'string' && init?.method === 'POST' && typeof init.body === 'string') this.headers.set(input, Object.freeze(plainHeaders(init.headers)));
      return inner(input, init);
    };
  }

  /** Whether the openai client has sent a POST to `url` (whose headers the fast path reuses). */
  ready(url: string): boolean {
    return this.headers.has(url);
  }

  /**
   * POSTs `body` (JSON.stringify'ed here, as the client's encoder does) to `url` with the
   * recorded headers, the abort `signal` and a timeout of `timeoutMs` (headers and body).
   */
  post(url: string, body: unknown, timeoutMs: number, signal: AbortSignal | undefined): Promise<FastOutcome> {
    const headers = this.headers.get(url);
    if (headers === undefined) return Promise.reject(new Error(`fast path: no request to ${url} recorded yet`));
    // A promise chain rather than an async function: this runs for every completion.
    return this.http.exchange(url, 'POST', headers, JSON.stringify(body), signal, timeoutMs).then(
      (answer): FastOutcome => {
        if (answer === 'redirect') return { hot: false, replay: this.fallback };
        const json = hotJson(answer);
        if (json !== NOT_HOT) return { hot: true, json };
        return { hot: false, replay: (input) => Promise.resolve(answerResponse(answer, typeof input === 'string' ? input : url)) };
      },
      // The very value our fetch rejects with (an aborted signal's reason need not be an Error).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      (err: unknown): FastOutcome => ({ hot: false, replay: () => Promise.reject(err) }),
    );
  }
}

/** Whether a client with these options logs successful requests (then it must make them itself). */
export function logsSuccesses(logLevel: ClientOptions['logLevel']): boolean {
  return logLevel === 'info' || logLevel === 'debug';
}

const NOT_HOT = Symbol('not hot');

/**
 * The body of a 2xx answer the openai client would read with `response.json()`, parsed; NOT_HOT
 * for anything the client would treat otherwise (or would fail on: then it must fail there).
 */
function hotJson(answer: RawAnswer): unknown {
  if (!isBufferedStatus(answer.status)) return NOT_HOT;
  const contentType = header(answer, 'content-type');
  const mediaType = contentType?.split(';')[0]?.trim();
  const isJSON = mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'));
  if (!isJSON || header(answer, 'content-length') === '0') return NOT_HOT;
  try {
    return JSON.parse(answer.bytes.toString('utf8')) as unknown;
  } catch {
    return NOT_HOT;
  }
}

/**
 * A response header as `Headers.get` (and BufferedHeaders) gives it: repeated values joined by
 * ", "; content-length/-encoding dropped when the body was decompressed.
 */
function header(answer: RawAnswer, name: string): string | undefined {
  if (answer.decoded && (name === 'content-length' || name === 'content-encoding')) return undefined;
  return rawHeader(answer.rawHeaders, name);
}
