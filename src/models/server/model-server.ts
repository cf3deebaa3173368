/**
 * The OpenAI-compatible server behind `specbound serve-model`: any LanguageModel answered over
 * HTTP in vLLM's shapes, on Node's own `http` module (four routes need no framework).
 *
 * Routes: `GET /v1/models`, `POST /v1/completions`, vLLM's `POST /tokenize` (text, or chat
 * `messages` rendered with the served chat template: tokenize-chat.ts) and
 * `POST /detokenize`, `GET /health`, and one specbound extension, `GET /v1/specbound/vocabulary`
 * (vocabulary size, BOS/EOS and every token's text) that lets a specbound client show tokens
 * without a tokenizer of its own. Bad requests get OpenAI-style error bodies with vLLM's status
 * codes.
 *
 * Hostile clients (issue 19): every request's Host must be a loopback name or the configured
 * host (core/allowed-host.ts; else 403, against DNS rebinding); bodies must be
 * `application/json` (else 415, so no page can post cross-site without a CORS preflight,
 * which is never granted); a completion is checked against every limit — prompts, tokens,
 * context, total token positions, logprob entries of the response — before any model work
 * (400 naming the limit); its model calls take turns with other requests' (work-queue.ts:
 * backends are not re-entrant, but no request holds the model for its whole length); and a
 * client that disconnects stops its request's work before the next model call.
 *
 * Connections (issue 19): at most `maxConnections` open at once are served; one past it gets 503
 * with Retry-After and `connection: close` (uvicorn's behaviour past --limit-concurrency, see
 * limits.ts), while those already open keep being served; past twice the limit Node closes new
 * connections on accept. Headers must arrive within 20 s, the whole request within 60 s, and idle
 * keep-alive connections close after 30 s (limits.ts `SERVER_TIMEOUTS`).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { z } from 'zod';
import { hostAllowed, hostRefusal } from '../../core/allowed-host.js';
import type { LanguageModel } from '../model.js';
import type { ChatTemplate } from '../chat-template.js';
import { isChatTokenizeBody, tokenizeChatRequestSchema, tokenizeCompletionRequestSchema } from '../openai/tokenize-protocol.js';
import { completionRequestSchema, detokenizeRequestSchema } from './completion-request.js';
import { tokenizeChat } from './tokenize-chat.js';
import { CompletionEngine } from './completions.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_CONNECTIONS, SERVER_TIMEOUTS, type CompletionLimits } from './limits.js';
import type { Fault, FaultPlan } from './faults.js';
import { HttpError, badRequest, notFound } from './openai-errors.js';
import { WorkQueue } from './work-queue.js';

export interface ModelServerOptions extends Partial<CompletionLimits> {
  readonly model: LanguageModel;
  /** The name `/v1/models` lists and completions must ask for; defaults to the model's spelling. */
  readonly modelName?: string;
  /** Largest request body in bytes (default 1 MiB); larger → 413. */
  readonly maxBodyBytes?: number;
  /** Requests doing model work at once, taking turns call by call (default 4); the rest wait in line. */
  readonly maxActiveRequests?: number;
  /** Host names accepted besides loopback names and the listen host (see core/allowed-host.ts). */
  readonly allowedHosts?: readonly string[];
  /**
   * Connections open at once (default DEFAULT_MAX_CONNECTIONS): one past it gets 503 and is
   * closed; past twice it, connections are closed on accept without an answer.
   */
  readonly maxConnections?: number;
  /** The chat template `/tokenize` renders `messages` with (vLLM: the tokenizer's own or --chat-template); none: such requests get 400. */
  readonly chatTemplate?: ChatTemplate;
  /** TESTS ONLY: misbehaviour per completion request (delays, 429s, drops…). */
  readonly faults?: FaultPlan;
}

export interface ModelServer {
  readonly server: http.Server;
  /** Starts listening; resolves to the base URL of the API (`http://127.0.0.1:PORT/v1`). */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting connections, closes open ones, resolves when done. */
  close(): Promise<void>;
  /** Completion requests received so far (including faulted ones). */
  readonly completionRequests: number;
  /** Connections open now (those past the limit included, until they close). */
  readonly openConnections: number;
}

export function createModelServer(options: ModelServerOptions): ModelServer {
  const { model } = options;
  const modelName = options.modelName ?? model.name;
  const maxTokens = options.maxTokens ?? DEFAULT_LIMITS.maxTokens;
  const maxPromptTokens = options.maxPromptTokens ?? DEFAULT_LIMITS.maxPromptTokens;
  const limits: CompletionLimits = {
    maxLogprobs: options.maxLogprobs ?? DEFAULT_LIMITS.maxLogprobs,
    maxTokens,
    maxPromptTokens,
    maxPrompts: options.maxPrompts ?? DEFAULT_LIMITS.maxPrompts,
    // The served model's own context when it has one (a llama2.c seq_len, a GGUF context), as vLLM reports its max_model_len.
    maxModelLen: options.maxModelLen ?? model.contextLength ?? maxPromptTokens + maxTokens,
    maxRequestTokens: options.maxRequestTokens ?? DEFAULT_LIMITS.maxRequestTokens,
    maxResponseLogprobs: options.maxResponseLogprobs ?? DEFAULT_LIMITS.maxResponseLogprobs,
  };
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const maxModelLen = limits.maxModelLen;
  const engine = new CompletionEngine(model, limits);
  const created = Math.floor(Date.now() / 1000);
  let completionRequests = 0;
  const work = new WorkQueue(options.maxActiveRequests ?? 4);
  let bindHost = '127.0.0.1';

  const checkModel = (name: string | null | undefined): void => {
    if (typeof name === 'string' && name !== modelName) throw notFound(`The model \`${name}\` does not exist.`, 'model');
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, signal: AbortSignal): Promise<void> => {
    if (!hostAllowed(req.headers.host, { bindHost, ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }) })) {
      throw new HttpError(403, 'ForbiddenError', hostRefusal(req.headers.host));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /health':
        res.writeHead(200).end();
        return;
      case 'GET /v1/models':
        return sendJson(res, 200, {
          object: 'list',
          data: [{ id: modelName, object: 'model', created, owned_by: 'specbound', root: modelName, parent: null, max_model_len: maxModelLen, permission: [] }],
        });
      case 'GET /v1/specbound/vocabulary': {
        const tokens: string[] = [];
        const pieces: string[] = [];
        for (let id = 0; id < model.vocabSize; id++) {
          tokens.push(model.tokenizer.tokenText(id));
          pieces.push(model.tokenizer.decode([id]));
        }
        return sendJson(res, 200, {
          model: modelName,
          vocab_size: model.vocabSize,
          bos_token_id: model.tokenizer.bos ?? null,
          eos_token_id: model.tokenizer.eos ?? null,
          tokens,
          pieces,
        });
      }
      case 'POST /tokenize': {
        const raw = await readJsonBody(req, maxBodyBytes);
        const body = isChatTokenizeBody(raw) ? { chat: true as const, ...parseBody(tokenizeChatRequestSchema, raw) } : { chat: false as const, ...parseBody(tokenizeCompletionRequestSchema, raw) };
        checkModel(body.model);
        const tokens = body.chat ? tokenizeChat(model.tokenizer, options.chatTemplate, body) : model.tokenizer.encode(body.prompt, { bos: body.add_special_tokens });
        return sendJson(res, 200, {
          count: tokens.length,
          max_model_len: maxModelLen,
          tokens,
          token_strs: body.return_token_strs === true ? tokens.map((id) => model.tokenizer.tokenText(id)) : null,
        });
      }
      case 'POST /detokenize': {
        const body = parseBody(detokenizeRequestSchema, await readJsonBody(req, maxBodyBytes));
        checkModel(body.model);
        for (const id of body.tokens) if (id >= model.vocabSize) throw badRequest(`token id ${id} is out of vocabulary (size ${model.vocabSize})`, 'tokens');
        return sendJson(res, 200, { prompt: model.tokenizer.decode(body.tokens) });
      }
      case 'POST /v1/completions': {
        const fault = options.faults?.(completionRequests);
        completionRequests++;
        const raw = await readJsonBody(req, maxBodyBytes);
        if (fault !== undefined && (await applyFault(fault, res))) return;
        const body = parseBody(completionRequestSchema, raw);
        checkModel(body.model);
        const prepared = await engine.prepare(body);
        const release = await work.admit(signal);
        let answer: Record<string, unknown>;
        try {
          answer = (await engine.complete(prepared, modelName, (call) => work.turn(signal, call), signal)) as Record<string, unknown>;
        } finally {
          release();
        }
        if (fault !== undefined) answer = distort(answer, fault);
        return sendJson(res, 200, answer);
      }
      default:
        if (['/health', '/v1/models', '/v1/completions', '/tokenize', '/detokenize', '/v1/specbound/vocabulary'].includes(url.pathname)) {
          throw new HttpError(405, 'MethodNotAllowed', `method ${req.method ?? '?'} is not allowed on ${url.pathname}`);
        }
        throw notFound(`no route ${url.pathname}`);
    }
  };

  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  /** Connections accepted past maxConnections: each request on them is answered 503, then they close. */
  const overLimit = new WeakSet<Socket>();
  let open = 0;

  const server = http.createServer({ connectionsCheckingInterval: SERVER_TIMEOUTS.checkEveryMs }, (req, res) => {
    if (overLimit.has(req.socket)) {
      const e = new HttpError(503, 'ServiceUnavailableError', `the server is at its connection limit (${maxConnections} open connections, --max-connections); retry later`);
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', '1');
      sendJson(res, e.status, e.body());
      discardBody(req, maxBodyBytes);
      return;
    }
    // The client going away (socket closed before the answer was sent) stops the request's work.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new HttpError(499, 'ClientClosedRequest', 'the client closed the connection'));
    });
    handle(req, res, gone.signal).catch((err: unknown) => {
      if (res.headersSent || res.destroyed || gone.signal.aborted) return;
      const e = err instanceof HttpError ? err : new HttpError(500, 'InternalServerError', err instanceof Error ? err.message : String(err));
      if (e.status === 413) {
        sendJson(res, e.status, e.body());
        res.once('finish', () => req.socket.destroy());
      } else if (!req.complete) {
        // Refused before the body was read (403, 415): answer, close the connection after it, and
        // read no more than maxBodyBytes of the unread body meanwhile.
        res.setHeader('connection', 'close');
        sendJson(res, e.status, e.body());
        discardBody(req, maxBodyBytes);
      } else {
        sendJson(res, e.status, e.body());
      }
    });
  });
  server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs;
  // The hard ceiling: Node closes connections past it on accept (no answer, no parsing), so a
  // flood of idle connections cannot use up the process's descriptors.
  server.maxConnections = 2 * maxConnections;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open > maxConnections) {
      overLimit.add(socket);
      // Answered as soon as its request arrives; one that sends none is not kept waiting for the headers timeout.
      socket.setTimeout(SERVER_TIMEOUTS.overLimitIdleMs, () => socket.destroy());
    }
  });

  return {
    server,
    get completionRequests() {
      return completionRequests;
    },
    get openConnections() {
      return open;
    },
    listen(port = 0, host = '127.0.0.1') {
      bindHost = host;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolve(`http://${shownHost}:${addr.port}/v1`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * 415 unless the body is declared `application/json` (parameters such as charset allowed): the
 * other types a page may post cross-site without a CORS preflight (text/plain, form encodings)
 * are refused before the body is read.
 */
function requireJson(req: http.IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'UnsupportedMediaTypeError', `Content-Type must be application/json, got ${type === '' ? 'none' : JSON.stringify(type)}`);
  }
}

/** Reads and drops the rest of a refused request's body, destroying the socket past `limit` bytes. */
function discardBody(req: http.IncomingMessage, limit: number): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

/** `requireJson`, then `readJson`. */
function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  requireJson(req);
  return readJson(req, limit);
}

/** Reads the whole body (413 past `limit` bytes) and parses it as JSON (400 when malformed). */
async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = (): HttpError => new HttpError(413, 'RequestEntityTooLarge', `request body larger than ${limit} bytes`);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty; expected a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`the request body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function parseBody<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = issue.path.length > 0 ? String(issue.path[0]) : null;
  throw badRequest(`${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`, param);
}

/** Faults that replace the answer; returns true when the response has been dealt with. */
async function applyFault(fault: Fault, res: http.ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await new Promise((r) => setTimeout(r, fault.ms));
      return res.destroyed;
    case 'status': {
      const e = new HttpError(fault.status, fault.status === 429 ? 'RateLimitError' : 'InternalServerError', `injected fault: status ${fault.status}`);
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
      if (fault.body === undefined) {
        sendJson(res, fault.status, e.body());
      } else {
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fault.body) });
        res.end(fault.body);
      }
      return true;
    }
    case 'drop':
      res.socket?.destroy();
      return true;
    case 'raw':
      res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json', 'content-length': Buffer.byteLength(fault.body) });
      res.end(fault.body);
      return true;
    case 'truncate': {
      const body = JSON.stringify({ id: 'cmpl-truncated', object: 'text_completion', choices: [{ index: 0, text: 'x'.repeat(64) }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, body.length >> 1));
      await new Promise((r) => setTimeout(r, 5));
      res.socket?.destroy();
      return true;
    }
    default:
      return false;
  }
}

/** Faults that alter a correct answer. */
function distort(answer: Record<string, unknown>, fault: Fault): Record<string, unknown> {
  switch (fault.kind) {
    case 'wrong-model':
      return { ...answer, model: fault.model };
    case 'short-logprobs':
    case 'unmappable-token': {
      const text = JSON.stringify(answer);
      const parsed = JSON.parse(text) as { choices: { logprobs: { top_logprobs: (Record<string, number> | null)[] } | null; prompt_logprobs: (Record<string, unknown> | null)[] | null }[] };
      for (const c of parsed.choices) {
        const maps: (Record<string, unknown> | null)[] = [...(c.logprobs?.top_logprobs ?? []), ...(c.prompt_logprobs ?? [])];
        for (const m of maps) {
          if (m === null) continue;
          const keys = Object.keys(m);
          if (fault.kind === 'short-logprobs') {
            delete m[keys[keys.length - 1]!];
          } else {
            const first = keys[0]!;
            if (first.startsWith('token_id:')) {
              m[fault.token] = m[first];
              delete m[first];
            }
          }
        }
      }
      return parsed;
    }
    default:
      return answer;
  }
}
