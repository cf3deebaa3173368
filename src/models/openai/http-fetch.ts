/**
 * A `fetch` for the official openai client built on `node:http`/`node:https` with keep-alive
 * agents, because Node 20's global fetch (undici behind WHATWG streams, per-request signals and
 * brand checks) costs 3–4× the CPU of `node:http` per small JSON request: measured on loopback
 * against `serve-model`, ~750 µs vs ~200–300 µs of client CPU per completion at concurrency 16,
 * which is what limited the openai backend's throughput when client and server share the cores.
 *
 * It implements what the openai client uses: method, headers, a string/bytes body, an abort
 * signal, and an answer whose body is already read: a BufferedResponse for 2xx (the WHATWG
 * Response costs ~10× JSON.parse to build and read), a real `Response` otherwise; `json()`/
 * `text()` behave as before, malformed or empty bodies included. Failures look like undici's:
 * the promise rejects with `TypeError('fetch failed', {cause})` (the cause carries the socket
 * error's `code`, e.g. ECONNREFUSED), a connection dropped mid-answer with
 * `TypeError('terminated', {cause})`, an abort with the signal's reason. Anything it does not
 * handle (Request objects, streamed or form bodies, redirects) goes to the global fetch.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { BufferedResponse } from './buffered-response.js';

export interface HttpFetch {
  readonly fetch: typeof fetch;
  /**
   * One http(s) request exactly as given (lower-case `headers` without content-length, a string
   * body), over the same keep-alive agents, with no fallback: the answer with its body read and
   * decompressed, `'redirect'`, or a rejection shaped like fetch's (as `fetch` above). With
   * `timeoutMs`, the request is destroyed after that long and rejects with an `AbortError`
   * DOMException, what fetch rejects with when the openai client's own timer aborts it.
   */
  exchange(href: string, method: string, headers: Readonly<Record<string, string>>, body: string | undefined, signal: AbortSignal | undefined, timeoutMs?: number): Promise<RawAnswer | 'redirect'>;
  /** Closes the idle keep-alive sockets (open ones close when their request ends). */
  close(): void;
}

/** An answer of `exchange`: status line, raw header pairs, and the (decompressed) body. */
export interface RawAnswer {
  readonly status: number;
  readonly statusText: string;
  /** Node's rawHeaders: name, value, name, value… as received. */
  readonly rawHeaders: readonly string[];
  readonly bytes: Buffer;
  /** The body was decompressed (content-encoding/length then no longer describe `bytes`). */
  readonly decoded: boolean;
}

/** Statuses whose Response must have a null body. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

export function createHttpFetch(fallback: typeof fetch = globalThis.fetch): HttpFetch {
  // Idle sockets are unref'ed by the agent, so they never keep the process alive; `timeout`
  // closes them before a typical server's keep-alive timeout (Node's is 5 s) closes them under us.
  const agentOptions = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const requestOptions = (url: URL, method: string, headers: Record<string, string>): { secure: boolean; options: http.RequestOptions } => {
    const secure = url.protocol === 'https:';
    const options: http.RequestOptions = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent: secure ? httpsAgent : httpAgent,
    };
    if (url.username !== '' || url.password !== '') options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    return { secure, options };
  };

  const httpFetch = (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
    const body = init?.body;
    if (href === undefined || !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)) return fallback(input, init);
    const url = parsedUrl(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback(input, init);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const headers = plainHeaders(init?.headers);
    // A string body goes out as a string: node:http then writes headers and body in one write.
    const payload = body === undefined || body === null ? undefined : body;
    if (payload !== undefined) headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
    const { secure, options } = requestOptions(url, init?.method ?? 'GET', headers);
    return send(secure, options, payload, signal, undefined).then((res) => (res === 'redirect' ? fallback(input, init) : asResponse(res, href)));
  };

  const exchange: HttpFetch['exchange'] = (href, method, headers, body, signal, timeoutMs) => {
    const url = parsedUrl(href);
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const all: Record<string, string> = { ...headers };
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body));
    const { secure, options } = requestOptions(url, method, all);
    return send(secure, options, body, signal, timeoutMs);
  };

  return {
    fetch: httpFetch,
    exchange,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * The Response `fetch` answers for `answer`: a BufferedResponse for 2xx (the hot path skips the
 * WHATWG Response), the real one otherwise. A failure to build it is a dropped answer, as before.
 */
function asResponse(answer: RawAnswer, href: string): Promise<Response> {
  try {
    return Promise.resolve(answerResponse(answer, href));
  } catch (err) {
    return Promise.reject(new TypeError('terminated', { cause: err }));
  }
}

/** The Response of a raw answer, exactly as `fetch` builds it (may throw on a malformed header). */
export function answerResponse(answer: RawAnswer, href: string): Response {
  const { status, statusText, bytes } = answer;
  const headers = responseHeaders(answer.rawHeaders, answer.decoded);
  return isBufferedStatus(status)
    ? (new BufferedResponse(bytes, status, statusText, headers, href) as unknown as Response)
    : new Response(NULL_BODY_STATUS.has(status) ? null : bytes, { status, statusText, headers });
}

/** Statuses `fetch` answers with a BufferedResponse: 2xx with a body. */
export function isBufferedStatus(status: number): boolean {
  return status >= 200 && status <= 299 && !NULL_BODY_STATUS.has(status);
}

/**
 * One request. A request written to a keep-alive socket the server had just closed fails like a
 * dropped connection (as with undici): the transport's retry loop covers it, and the agent's
 * idle timeout (shorter than Node's default 5 s server keep-alive) makes it rare.
 */
function send(secure: boolean, options: http.RequestOptions, payload: string | Uint8Array | undefined, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<RawAnswer | 'redirect'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: unknown, res?: RawAnswer | 'redirect'): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (err === undefined) resolve(res!);
      // fetch rejects with an aborted signal's reason as given, which need not be an Error.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      else reject(err);
    };
    const onAbort = (): void => {
      req.destroy();
      finish(signal!.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    };
    const req = (secure ? https : http).request(options, (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUS.has(status) && res.headers.location !== undefined) {
        res.resume();
        finish(undefined, 'redirect');
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (!res.complete) return finish(new TypeError('terminated', { cause: new Error('other side closed') }));
        try {
          const encoding = rawHeader(res.rawHeaders, 'content-encoding');
          const bytes = decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), encoding);
          const decoded = encoding !== undefined && encoding !== '' && encoding !== 'identity';
          finish(undefined, { status, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders, bytes, decoded });
        } catch (err) {
          finish(new TypeError('terminated', { cause: err }));
        }
      });
      res.on('error', (err) => finish(new TypeError('terminated', { cause: err })));
      res.on('aborted', () => finish(new TypeError('terminated', { cause: new Error('other side closed') })));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish(answered ? new TypeError('terminated', { cause: err }) : new TypeError('fetch failed', { cause: err }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    // What the openai client's timer does to fetch: abort, which rejects with an AbortError.
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        req.destroy();
        finish(new DOMException('This operation was aborted', 'AbortError'));
      }, timeoutMs);
    }
    req.end(payload);
  });
}

/** The few URLs a client requests, parsed once (a small cache: parsing is per request otherwise). */
const urlCache = new Map<string, URL>();
function parsedUrl(href: string): URL {
  let url = urlCache.get(href);
  if (url === undefined) {
    url = new URL(href);
    if (urlCache.size >= 256) urlCache.clear();
    urlCache.set(href, url);
  }
  return url;
}

/** The request headers as a plain object (Headers, pairs or a record). */
export function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) out[name!.toLowerCase()] = value!;
  else for (const name of Object.keys(headers)) out[name.toLowerCase()] = (headers as Record<string, string>)[name]!;
  return out;
}

/**
 * The header `name` (lower-case) of Node's rawHeaders, without building `res.headers` (Node parses
 * every header into that object on first access): repeated values joined by ", ", as Node joins them.
 */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toLowerCase() === name) out = out === undefined ? raw[i + 1]! : `${out}, ${raw[i + 1]!}`;
  }
  return out;
}

/** Decompresses the answer like fetch does (we never ask for compression, but a proxy may compress anyway). */
function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined || encoding === '' || encoding === 'identity' || bytes.length === 0) return bytes;
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(bytes);
  if (encoding === 'deflate') return zlib.inflateSync(bytes);
  if (encoding === 'br') return zlib.brotliDecompressSync(bytes);
  throw new Error(`unsupported content-encoding ${encoding}`);
}

/** rawHeaders → Headers pairs; without content-encoding/length when the body was decompressed. */
function responseHeaders(raw: readonly string[], decoded: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    out.push([name, raw[i + 1]!]);
  }
  return out;
}
