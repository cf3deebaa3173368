/**
 * The 2xx fast path (src/models/openai/fast-path.ts): a 2xx JSON answer skips the openai client,
 * the server sees the same request as from the client, and everything else behaves exactly as
 * with every request through the official client (`fastPath: false`): the same error classes,
 * messages, retries, waits and request counts, compared side by side over real sockets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import type { OpenAIClientOptions } from '../../src/models/openai/client-options.js';
import { ModelServerError } from '../../src/models/openai/errors.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import type { OpenAIModel } from '../../src/models/openai/openai-model.js';
import type { RetryInfo } from '../../src/models/openai/transport.js';
import { faultSequence, type Fault } from '../../src/models/server/faults.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { createFakeModel, expectedTopK } from './server-fake-model.js';

const modelServers: ModelServer[] = [];
const rawServers: http.Server[] = [];
const models: OpenAIModel[] = [];
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
  await Promise.all(modelServers.splice(0).map((s) => s.close()));
  await Promise.all(
    rawServers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise<void>((resolve) => s.close(() => resolve()));
    }),
  );
});

function options(endpoints: string[], extra: Partial<OpenAIClientOptions> = {}): OpenAIClientOptions {
  return { endpoints, model: 'fake-7', logprobs: 3, concurrency: 4, maxRetries: 2, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 4, ...extra };
}

function plain(d: TokenDistribution): unknown {
  if (d.kind !== 'sparse') return d;
  return { vocabSize: d.vocabSize, ids: Array.from(d.ids), logProbs: Array.from(d.logProbs), tailMass: d.tailMass };
}

/** What a caller can observe of a failure (the server's URL replaced, so two servers compare). */
function observed(err: unknown, url: string): unknown {
  if (!(err instanceof Error)) return { thrown: err };
  const cause = err.cause;
  return {
    class: err.constructor.name,
    message: err.message.replaceAll(url, 'URL').replaceAll(new URL(url).host, 'HOST'),
    attempts: err instanceof ModelServerError ? err.attempts : undefined,
    status: (err as { status?: unknown }).status,
    // The openai client's own error class (RateLimitError, APIConnectionError…) or fetch's TypeError.
    cause: cause instanceof Error ? `${cause.constructor.name}: ${cause.message}` : cause,
  };
}

interface Run {
  readonly result: unknown;
  readonly retries: unknown[];
  readonly requests: number;
  /** Attempts the call made. */
  readonly attempts: number;
  /** Attempts of the call under test answered by the fast path / sent by it and handed to the client. */
  readonly fastAnswers: number;
  readonly fastReplays: number;
}

/**
 * One call `nextTokenDistributions([[0, 2]])` against a fake-model server whose completion
 * requests after the first (a warm-up, after which the fast path knows the client's headers)
 * meet `faults` in turn.
 */
async function run(fastPath: boolean, faults: readonly Fault[], extra: Partial<OpenAIClientOptions> = {}, before?: (server: ModelServer) => Promise<void>): Promise<Run> {
  const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', faults: faultSequence(undefined, ...faults) });
  modelServers.push(server);
  const url = await server.listen(0);
  const retries: unknown[] = [];
  const model = await createOpenAIModel({
    ...options([url], extra),
    fastPath,
    random: () => 0.5,
    onRetry: ({ retry, delayMs, error }: RetryInfo) => retries.push({ retry, delayMs, error: observed(error, url) }),
  });
  models.push(model);
  await model.nextTokenDistributions([[0]]);
  await before?.(server);
  const { fastAnswers, fastReplays, attempts } = model.transport;
  const result = await model.nextTokenDistributions([[0, 2]]).then(
    (d) => ({ ok: d.map(plain) }),
    (err: unknown) => observed(err, url),
  );
  return { result, retries, requests: server.completionRequests, attempts: model.transport.attempts - attempts, fastAnswers: model.transport.fastAnswers - fastAnswers, fastReplays: model.transport.fastReplays - fastReplays };
}

/** The same call with and without the fast path: everything observable must agree. */
async function expectSameBehaviour(faults: readonly Fault[], extra: Partial<OpenAIClientOptions> = {}, before?: (server: ModelServer) => Promise<void>): Promise<Run> {
  const fast = await run(true, faults, extra, before);
  const official = await run(false, faults, extra, before);
  expect(fast.result).toEqual(official.result);
  expect(fast.retries).toEqual(official.retries);
  expect([fast.requests, fast.attempts]).toEqual([official.requests, official.attempts]);
  expect([official.fastAnswers, official.fastReplays]).toEqual([0, 0]);
  // Every attempt of the call went through the fast path: answered there, or replayed to the client.
  expect(fast.fastAnswers + fast.fastReplays).toBe(fast.attempts);
  return fast;
}

describe('the 2xx fast path', () => {
  it('answers 2xx JSON itself once the openai client has made one request to the URL, with the same distributions', async () => {
    const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7' });
    modelServers.push(server);
    const url = await server.listen(0);
    const model = await createOpenAIModel(options([url]));
    models.push(model);
    const prefixes = [[0], [0, 2], [0, 3], [4], [5], [6]];
    const first = await model.nextTokenDistributions(prefixes.slice(0, 1));
    expect([model.transport.fastAnswers, model.transport.attempts]).toEqual([0, 3]); // models, vocabulary, first completion
    const rest = await model.nextTokenDistributions(prefixes.slice(1));
    expect([model.transport.fastAnswers, model.transport.fastReplays, model.transport.attempts]).toEqual([5, 0, 8]);
    [...first, ...rest].forEach((d, i) => expect(plain(d)).toEqual(plain(expectedTopK(prefixes[i]!, 3))));
    // scoreSequence (prompt_logprobs) and batched requests take it too.
    const ids = [0, 2, 6, 1, 2];
    expect((await model.scoreSequence(ids)).map(plain)).toEqual(ids.map((_, i) => plain(expectedTopK(ids.slice(0, i + 1), 3))));
    expect(model.transport.fastAnswers).toBe(6);
  });

  it('sends the bytes the openai client sends: same request line, headers (API key included) and body', async () => {
    const seen: { line: string; headers: string[]; body: string }[] = [];
    const url = await rawServer((req, body, res) => {
      if (req.method === 'POST') seen.push({ line: `${req.method} ${req.url} HTTP/${req.httpVersion}`, headers: req.rawHeaders, body });
      answer(res, 200, 'application/json', completionBody());
    });
    const fast = await rawModel(url, true, 'sk-fast-path-test');
    const official = await rawModel(url, false, 'sk-fast-path-test');
    for (const model of [fast, fast, official]) await model.nextTokenDistribution([1, 2, 3]);
    expect(fast.transport.fastAnswers).toBe(1);
    expect(seen).toHaveLength(3);
    expect(seen[1]).toEqual(seen[0]); // fast path vs the client's own first request
    expect(seen[2]).toEqual(seen[0]); // vs a client without the fast path
    const headers = new Map<string, string>();
    for (let i = 0; i < seen[0]!.headers.length; i += 2) headers.set(seen[0]!.headers[i]!.toLowerCase(), seen[0]!.headers[i + 1]!);
    expect(headers.get('authorization')).toBe('Bearer sk-fast-path-test');
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('x-stainless-retry-count')).toBe('0');
    expect(JSON.parse(seen[0]!.body)).toEqual({ model: 'm', prompt: [1, 2, 3], max_tokens: 1, temperature: 0, logprobs: 3, return_tokens_as_token_ids: true });
  });

  it('leaves every request to the openai client when it logs them (OPENAI_LOG=info)', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    vi.stubEnv('OPENAI_LOG', 'info');
    try {
      const url = await rawServer((_req, _body, res) => answer(res, 200, 'application/json', completionBody()));
      const model = await rawModel(url, true, 'EMPTY');
      const logged = info.mock.calls.length;
      for (let i = 0; i < 3; i++) await model.nextTokenDistribution([1]);
      expect([model.transport.fastAnswers, model.transport.fastReplays]).toEqual([0, 0]);
      // The client's "… succeeded with status 200" line, once per completion.
      expect(info.mock.calls.slice(logged).filter((c) => /^\[log_\w+\] post \S+\/completions succeeded with status 200 /.test(String(c[0])))).toHaveLength(3);
    } finally {
      vi.unstubAllEnvs();
      info.mockRestore();
    }
  });
});

describe('errors after the fast path behave exactly as through the openai client', () => {
  it('retries 500s, then gives up with the same status error, message and waits', async () => {
    const fast = await expectSameBehaviour([{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }], { maxRetries: 2 });
    expect(fast.result).toMatchObject({ class: 'ModelServerStatusError', message: 'URL/completions: HTTP 500: injected fault: status 500 (gave up after 3 attempts)', cause: 'InternalServerError: 500 injected fault: status 500' });
    expect(fast.retries).toHaveLength(2);
  });

  it('waits what a 429 retry-after says, then succeeds', async () => {
    const fast = await expectSameBehaviour([{ kind: 'status', status: 429, retryAfter: '0.05' }, { kind: 'status', status: 503 }]);
    expect(fast.retries).toMatchObject([{ retry: 1, delayMs: 50, error: { cause: 'RateLimitError: 429 injected fault: status 429' } }, { retry: 2 }]);
    expect(fast.result).toEqual({ ok: [plain(expectedTopK([0, 2], 3))] });
    expect([fast.fastReplays, fast.fastAnswers]).toEqual([2, 1]);
  });

  it('does not retry 4xx, and reads flat vLLM and FastAPI error bodies', async () => {
    const flat = '{"object": "error", "message": "This model\'s maximum context length is 2048 tokens.", "type": "BadRequestError", "param": null, "code": 400}';
    const a = await expectSameBehaviour([{ kind: 'status', status: 400, body: flat }], { maxRetries: 3 });
    expect(a.result).toMatchObject({ message: "URL/completions: HTTP 400: This model's maximum context length is 2048 tokens.", cause: expect.stringMatching(/^BadRequestError: /) as unknown });
    const b = await expectSameBehaviour([{ kind: 'status', status: 422, body: '{"detail": "Field required"}' }], { maxRetries: 3 });
    expect(b.result).toMatchObject({ message: 'URL/completions: HTTP 422: "Field required"', cause: expect.stringMatching(/^UnprocessableEntityError: /) as unknown });
    await expectSameBehaviour([{ kind: 'status', status: 404 }], { maxRetries: 3 });
  });

  it('treats malformed JSON, an empty body and plain text in a 200 the same (no retry)', async () => {
    const cases: [Fault, RegExp][] = [
      [{ kind: 'raw', body: '{"choices": [' }, /malformed JSON in the answer/],
      [{ kind: 'raw', body: '' }, /empty answer/],
      [{ kind: 'raw', body: 'Service Unavailable', contentType: 'text/plain' }, /the answer is not JSON: "Service Unavailable"/],
      [{ kind: 'wrong-model', model: 'other' }, /answered as model "other"/],
      [{ kind: 'short-logprobs' }, /top_logprobs: 2 logprobs returned, 3 asked for/],
    ];
    for (const [fault, message] of cases) {
      const fast = await expectSameBehaviour([fault], { maxRetries: 3 });
      expect(fast.result).toMatchObject({ class: expect.stringMatching(/InvalidModelResponseError/) as unknown, message });
      expect(fast.requests).toBe(2);
    }
  });

  it('retries a reset connection and a truncated body the same, and gives up the same', async () => {
    const ok = await expectSameBehaviour([{ kind: 'drop' }, { kind: 'truncate' }], { maxRetries: 2 });
    expect(ok.result).toEqual({ ok: [plain(expectedTopK([0, 2], 3))] });
    // The body cut short reaches the openai client as fetch's TypeError('terminated'): a connection error.
    expect(ok.retries).toMatchObject([{ error: { class: 'ModelServerConnectionError' } }, { error: { class: 'ModelServerConnectionError', message: 'URL/completions: connection failed: other side closed' } }]);
    const dropped = await expectSameBehaviour([{ kind: 'drop' }, { kind: 'drop' }], { maxRetries: 1 });
    expect(dropped.result).toMatchObject({ class: 'ModelServerConnectionError', message: expect.stringMatching(/^URL\/completions: connection failed.*\(gave up after 2 attempts\)$/) as unknown, cause: expect.stringMatching(/^APIConnectionError/) as unknown });
  });

  it('fails the same when the server went away (ECONNREFUSED)', async () => {
    const fast = await expectSameBehaviour([], { maxRetries: 1 }, (server) => server.close());
    expect(fast.result).toMatchObject({ class: 'ModelServerConnectionError', message: expect.stringMatching(/^URL\/completions: connection failed \(ECONNREFUSED\): connect ECONNREFUSED HOST \(gave up after 2 attempts\)$/) as unknown });
  });

  it('times out a slow answer the same (no answer within the timeout)', async () => {
    const fast = await expectSameBehaviour([{ kind: 'delay', ms: 10_000 }], { maxRetries: 0, timeoutMs: 400 });
    expect(fast.result).toMatchObject({ class: 'ModelServerTimeoutError', message: 'URL/completions: no answer within 400 ms', cause: 'APIConnectionTimeoutError: Request timed out.' });
  });

  it("rejects with the caller's abort reason", async () => {
    for (const fastPath of [true, false]) {
      const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', faults: faultSequence(undefined, { kind: 'delay', ms: 10_000 }) });
      modelServers.push(server);
      const model = await createOpenAIModel({ ...options([await server.listen(0)]), fastPath });
      models.push(model);
      await model.nextTokenDistributions([[0]]);
      const controller = new AbortController();
      const reason = new Error('stopped by the caller');
      setTimeout(() => controller.abort(reason), 50);
      await expect(model.nextTokenDistributions([[0, 2]], { signal: controller.signal })).rejects.toBe(reason);
      expect(model.transport.fastReplays).toBe(fastPath ? 1 : 0);
    }
  });

  it('answers random malformed or odd 2xx bodies exactly as the openai client path does (property)', async () => {
    let next = { status: 200, type: 'application/json', body: completionBody() };
    const url = await rawServer((_req, _body, res) => answer(res, next.status, next.type, next.body));
    const fast = await rawModel(url, true, 'EMPTY');
    const official = await rawModel(url, false, 'EMPTY');
    await fast.nextTokenDistribution([1]);
    const outcome = (model: OpenAIModel): Promise<unknown> => model.nextTokenDistribution([1]).then(plain, (err: unknown) => observed(err, url));
    const junk = fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(2), fc.constant(-0.5));
    const body = fc.oneof(
      // The usual answer with one value replaced anywhere along the paths the client reads.
      fc.tuple(fc.constantFrom(...ANSWER_PATHS), junk).map(([path, value]) => JSON.stringify(replaced(path, value))),
      // The usual answer cut short, or random JSON, or random text.
      fc.nat({ max: completionBody().length }).map((n) => completionBody().slice(0, n)),
      fc.json(),
      fc.string(),
    );
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.example+json', 'text/json', 'text/plain');
    let replays = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 201, 203), type, body, async (status, contentType, text) => {
        next = { status, type: contentType, body: text };
        const before = fast.transport.fastAnswers + fast.transport.fastReplays;
        const got = await outcome(fast);
        expect(fast.transport.fastAnswers + fast.transport.fastReplays).toBe(before + 1);
        expect(got).toEqual(await outcome(official));
        replays = fast.transport.fastReplays;
      }),
      { numRuns: 120, seed: 18 },
    );
    expect(replays).toBeGreaterThan(10);
  });
});

/** A valid completions answer for model "m" (vocabulary 100, 3 logprobs), vLLM's shape. */
function completionAnswer(): Record<string, unknown> {
  const top = { 'token_id:5': -0.5, 'token_id:7': -1.5, 'token_id:9': -2.5 };
  return {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, text: 'x', logprobs: { text_offset: [0], token_logprobs: [-0.5], tokens: ['token_id:5'], top_logprobs: [top] }, finish_reason: 'length', stop_reason: null, prompt_logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function completionBody(): string {
  return JSON.stringify(completionAnswer());
}

const ANSWER_PATHS: (string | number)[][] = [
  [],
  ['model'],
  ['choices'],
  ['choices', 0],
  ['choices', 0, 'index'],
  ['choices', 0, 'text'],
  ['choices', 0, 'logprobs'],
  ['choices', 0, 'logprobs', 'tokens'],
  ['choices', 0, 'logprobs', 'token_logprobs', 0],
  ['choices', 0, 'logprobs', 'top_logprobs'],
  ['choices', 0, 'logprobs', 'top_logprobs', 0],
  ['choices', 0, 'logprobs', 'top_logprobs', 0, 'token_id:7'],
  ['choices', 0, 'logprobs', 'top_logprobs', 0, 'token_id:100'],
  ['choices', 0, 'prompt_logprobs'],
];

function replaced(path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const root = completionAnswer();
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return root;
}

/** A loopback server for model "m": /v1/models, no vocabulary (404), completions by `handle`. */
async function rawServer(handle: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/models') return answer(res, 200, 'application/json', '{"object":"list","data":[{"id":"m","object":"model"}]}');
      if (req.url === '/v1/completions') return handle(req, body, res);
      answer(res, 404, 'application/json', '{"detail":"Not Found"}');
    });
  });
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function rawModel(url: string, fastPath: boolean, apiKey: string): Promise<OpenAIModel> {
  const model = await createOpenAIModel({ endpoints: [url], model: 'm', logprobs: 3, vocabSize: 100, concurrency: 1, maxRetries: 0, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 1, apiKey, fastPath });
  models.push(model);
  return model;
}
