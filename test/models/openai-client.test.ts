import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { SparseDistribution, TokenDistribution } from '../../src/distribution/distribution.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import type { OpenAIClientOptions } from '../../src/models/openai/client-options.js';
import {
  InvalidModelResponseError,
  ModelServerConnectionError,
  ModelServerStatusError,
  ModelServerTimeoutError,
  UnmappableTokenError,
} from '../../src/models/openai/errors.js';
import type { OpenAIModel } from '../../src/models/openai/openai-model.js';
import { encodeText } from '../../src/models/model.js';
import { faultSequence, type Fault, type FaultPlan } from '../../src/models/server/faults.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { createFakeModel, expectedTopK } from './server-fake-model.js';

const open: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function startServer(faults?: FaultPlan): Promise<{ server: ModelServer; url: string }> {
  const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', ...(faults === undefined ? {} : { faults }) });
  open.push(server);
  return { server, url: await server.listen(0) };
}

/** Client options for tests: tiny backoff so retries take milliseconds. */
function options(endpoints: string[], extra: Partial<OpenAIClientOptions> = {}): OpenAIClientOptions {
  return { endpoints, model: 'fake-7', logprobs: 3, concurrency: 4, maxRetries: 2, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 4, ...extra };
}

function plain(d: TokenDistribution): unknown {
  if (d.kind !== 'sparse') return d;
  return { vocabSize: d.vocabSize, ids: Array.from(d.ids), logProbs: Array.from(d.logProbs), tailMass: d.tailMass };
}

/** Faults that apply to every completion request. */
const always = (fault: Fault): FaultPlan => () => fault;

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('OpenAIModel.nextTokenDistributions(prefixes)', () => {
  it('returns the served model\'s exact top-k with its tail mass', async () => {
    const { url } = await startServer();
    const model = await createOpenAIModel(options([url]));
    expect(model.vocabSize).toBe(7);
    const prefixes = [[0], [0, 2], [0, 3], [4], [5], [6]];
    const got = await model.nextTokenDistributions(prefixes);
    // Row <s> of FAKE_TABLE: a .5, b .25, c .125 → tail .125; row c: the tie c/d keeps c first.
    expect(plain(got[0]!)).toEqual({ vocabSize: 7, ids: [2, 3, 4], logProbs: [Math.log(0.5), Math.log(0.25), Math.log(0.125)], tailMass: 0.125 });
    got.forEach((d, i) => expect(plain(d)).toEqual(plain(expectedTopK(prefixes[i]!, 3))));
  });

  it('matches the fake model for any prefix and k (property)', async () => {
    const { url } = await startServer();
    const models = new Map<number, OpenAIModel>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 7 }), async (prefix, k) => {
        let model = models.get(k);
        if (model === undefined) {
          model = await createOpenAIModel(options([url], { logprobs: k }));
          models.set(k, model);
        }
        const [d] = await model.nextTokenDistributions([prefix]);
        // k above the number of possible tokens: the server lists zero-probability tokens as −9999.
        const want = expectedTopK(prefix, k);
        const sparse = d as SparseDistribution;
        expect(Array.from(sparse.ids)).toEqual(Array.from(want.ids));
        expect(Array.from(sparse.logProbs)).toEqual(Array.from(want.logProbs));
        expect(sparse.tailMass).toBeCloseTo(want.tailMass, 12);
      }),
      { numRuns: 40 },
    );
  });
});

describe('OpenAIModel.scoreSequence(ids)', () => {
  it('returns the distribution after every prefix from one prompt_logprobs request', async () => {
    const { server, url } = await startServer();
    const model = await createOpenAIModel(options([url], { logprobs: 2 }));
    const before = server.completionRequests;
    // Position 2 scores e after a, outside the top 2: the entry lists it, and it must be dropped.
    const ids = [0, 2, 6, 1, 2];
    const got = await model.scoreSequence(ids);
    expect(server.completionRequests - before).toBe(1);
    expect(got.map(plain)).toEqual(ids.map((_, i) => plain(expectedTopK(ids.slice(0, i + 1), 2))));
  });
});

describe('OpenAIModel over faulty servers', () => {
  it('retries 429 with retry-after, 500, dropped and truncated connections, then returns the right distribution', async () => {
    const { server, url } = await startServer(
      faultSequence(
        { kind: 'status', status: 429, retryAfter: '0' },
        { kind: 'status', status: 500 },
        { kind: 'drop' },
        { kind: 'truncate' },
        { kind: 'status', status: 503 },
      ),
    );
    const model = await createOpenAIModel(options([url], { maxRetries: 5 }));
    const [d] = await model.nextTokenDistributions([[0, 2]]);
    expect(plain(d!)).toEqual(plain(expectedTopK([0, 2], 3)));
    expect(server.completionRequests).toBe(6);
  });

  it('waits what retry-after says, else the capped backoff', async () => {
    const { url } = await startServer(
      faultSequence(
        { kind: 'status', status: 429, retryAfter: '0.05' },
        { kind: 'status', status: 500 },
        { kind: 'status', status: 500 },
        { kind: 'status', status: 500 },
      ),
    );
    const waits: [number, number, number | undefined][] = [];
    const model = await createOpenAIModel({
      ...options([url], { maxRetries: 4, backoffBaseMs: 2, backoffCapMs: 5 }),
      random: () => 0, // no jitter
      onRetry: ({ retry, delayMs, error }) => waits.push([retry, delayMs, (error as ModelServerStatusError).status]),
    });
    await model.nextTokenDistributions([[0]]);
    // retry-after 0.05 s → 50 ms; then 2·2^1 = 4, 2·2^2 = 8 capped at 5, 2·2^3 capped at 5.
    expect(waits).toEqual([
      [1, 50, 429],
      [2, 4, 500],
      [3, 5, 500],
      [4, 5, 500],
    ]);
  });

  it('gives up after the configured retries with one line naming the endpoint, status and attempts', async () => {
    const { server, url } = await startServer(always({ kind: 'status', status: 500 }));
    const model = await createOpenAIModel(options([url], { maxRetries: 2 }));
    const err = await failure(model.nextTokenDistributions([[0]]));
    expect(err).toBeInstanceOf(ModelServerStatusError);
    expect((err as ModelServerStatusError).status).toBe(500);
    expect(err.message).toBe(`${url}/completions: HTTP 500: injected fault: status 500 (gave up after 3 attempts)`);
    expect(server.completionRequests).toBe(3);
  });

  it('gives up on connections dropped every time', async () => {
    const { server, url } = await startServer(always({ kind: 'drop' }));
    const model = await createOpenAIModel(options([url], { maxRetries: 1 }));
    const err = await failure(model.nextTokenDistributions([[0]]));
    expect(err).toBeInstanceOf(ModelServerConnectionError);
    expect(err.message.startsWith(`${url}/completions: `)).toBe(true);
    expect(err.message.endsWith('(gave up after 2 attempts)')).toBe(true);
    expect(server.completionRequests).toBe(2);
  });

  it('reads the message of flat vLLM and FastAPI error bodies', async () => {
    const flat = '{"object": "error", "message": "This model\'s maximum context length is 2048 tokens.", "type": "BadRequestError", "param": null, "code": 400}';
    const { url } = await startServer(faultSequence({ kind: 'status', status: 400, body: flat }, { kind: 'status', status: 422, body: '{"detail": "Field required"}' }));
    const model = await createOpenAIModel(options([url], { maxRetries: 0 }));
    expect((await failure(model.nextTokenDistributions([[0]]))).message).toBe(`${url}/completions: HTTP 400: This model's maximum context length is 2048 tokens.`);
    expect((await failure(model.nextTokenDistributions([[0]]))).message).toBe(`${url}/completions: HTTP 422: "Field required"`);
  });

  it('does not retry 400 (a bad request stays bad)', async () => {
    const { server, url } = await startServer(always({ kind: 'status', status: 400 }));
    const model = await createOpenAIModel(options([url], { maxRetries: 3 }));
    const err = await failure(model.nextTokenDistributions([[0]]));
    expect(err).toBeInstanceOf(ModelServerStatusError);
    expect(server.completionRequests).toBe(1);
  });

  it('times out a slow answer, and retries it', async () => {
    const { url } = await startServer(always({ kind: 'delay', ms: 10_000 }));
    const model = await createOpenAIModel(options([url], { maxRetries: 0, timeoutMs: 1_000 }));
    const err = await failure(model.nextTokenDistributions([[0]]));
    expect(err).toBeInstanceOf(ModelServerTimeoutError);
    expect(err.message).toBe(`${url}/completions: no answer within 1000 ms`);

    // Generous timeout for the retry, so a loaded test machine does not time it out too.
    const second = await startServer(faultSequence({ kind: 'delay', ms: 10_000 }));
    const retrying = await createOpenAIModel(options([second.url], { maxRetries: 1, timeoutMs: 2_000 }));
    const [d] = await retrying.nextTokenDistributions([[3]]);
    expect(plain(d!)).toEqual(plain(expectedTopK([3], 3)));
  });

  it('round-robins over two replicas and fails over from a broken one', async () => {
    const a = await startServer();
    const b = await startServer();
    const model = await createOpenAIModel(options([a.url, b.url]));
    await model.nextTokenDistributions([[0], [2], [3], [4]]);
    expect([a.server.completionRequests, b.server.completionRequests]).toEqual([2, 2]);

    const broken = await startServer(always({ kind: 'status', status: 502 }));
    const healthy = await startServer();
    const failover = await createOpenAIModel(options([broken.url, healthy.url], { maxRetries: 1 }));
    const prefixes = [[0], [2], [3], [4], [5], [6]];
    const got = await failover.nextTokenDistributions(prefixes);
    got.forEach((d, i) => expect(plain(d)).toEqual(plain(expectedTopK(prefixes[i]!, 3))));
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { url } = await startServer(always({ kind: 'delay', ms: 20 }));
    let inFlight = 0;
    let peak = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        const res = await fetch(input, init);
        await res.clone().arrayBuffer();
        return res;
      } finally {
        inFlight--;
      }
    };
    const model = await createOpenAIModel({ ...options([url], { concurrency: 3 }), fetch: counting });
    peak = 0;
    await model.nextTokenDistributions(Array.from({ length: 12 }, (_, i) => [i % 7]));
    expect(peak).toBe(3);
  });
});

describe('OpenAIModel rejects wrong answers instead of returning a wrong distribution', () => {
  const cases: [string, Fault, new (...args: never[]) => Error, RegExp][] = [
    ['another model name', { kind: 'wrong-model', model: 'other' }, InvalidModelResponseError, /answered as model "other", asked for "fake-7"/],
    ['fewer logprobs than asked', { kind: 'short-logprobs' }, InvalidModelResponseError, /top_logprobs: 2 logprobs returned, 3 asked for/],
    ['malformed JSON', { kind: 'raw', body: '{"choices": [' }, InvalidModelResponseError, /malformed JSON/],
    ['an empty body', { kind: 'raw', body: '' }, InvalidModelResponseError, /empty answer/],
    ['a body that is not a completion', { kind: 'raw', body: '{"ok": true}' }, InvalidModelResponseError, /not a completion answer \(model: /],
    ['plain text', { kind: 'raw', body: 'Service Unavailable', contentType: 'text/plain' }, InvalidModelResponseError, /not JSON: "Service Unavailable"/],
    ['a token string it cannot map', { kind: 'unmappable-token', token: '\u2581zebra' }, UnmappableTokenError, /cannot map the token string "\u2581zebra"/],
  ];
  for (const [what, fault, type, message] of cases) {
    it(`fails with one line naming the endpoint on ${what}, without retrying`, async () => {
      const { server, url } = await startServer(always(fault));
      const model = await createOpenAIModel(options([url], { maxRetries: 3 }));
      const err = await failure(model.nextTokenDistributions([[0]]));
      expect(err).toBeInstanceOf(type);
      expect(err.message.startsWith(`${url}/completions: `)).toBe(true);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
      expect(server.completionRequests).toBe(1);
    });
  }

  it('rejects short prompt_logprobs in scoreSequence', async () => {
    const { url } = await startServer(always({ kind: 'short-logprobs' }));
    const model = await createOpenAIModel(options([url], { logprobs: 2 }));
    const err = await failure(model.scoreSequence([0, 2, 3]));
    expect(err).toBeInstanceOf(InvalidModelResponseError);
    expect(err.message).toMatch(/prompt_logprobs\[1\]: 1 logprobs returned, 2 asked for/);
  });
});

describe('createOpenAIModel(options)', () => {
  it('fails at load when the server does not serve the model, naming the replica', async () => {
    const { url } = await startServer();
    const err = await failure(createOpenAIModel(options([url], { model: 'llama' })));
    expect(err).toBeInstanceOf(InvalidModelResponseError);
    expect(err.message).toBe(`${url}/models: does not serve model "llama" (it serves "fake-7")`);
  });

  it('fails at load when nothing listens, after its retries', async () => {
    const { server, url } = await startServer();
    await server.close();
    const err = await failure(createOpenAIModel(options([url], { maxRetries: 1 })));
    expect(err).toBeInstanceOf(ModelServerConnectionError);
    expect(err.message).toMatch(new RegExp(`^${url.replace(/[.]/g, '\\.')}/models: connection failed \\(ECONNREFUSED\\)`));
  });

  it('asks for &vocab=V when the server has no vocabulary endpoint (like vLLM), and works with it', async () => {
    const { url } = await startServer();
    const vllmLike: typeof fetch = (input, init) => {
      const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (href.includes('/specbound/')) return Promise.resolve(new Response('{"detail":"Not Found"}', { status: 404, headers: { 'content-type': 'application/json' } }));
      return fetch(input, init);
    };
    const err = await failure(createOpenAIModel({ ...options([url]), fetch: vllmLike }));
    expect(err.message).toMatch(/does not report its vocabulary size; add &vocab=V/);
    const model = await createOpenAIModel({ ...options([url], { vocabSize: 7 }), fetch: vllmLike });
    const [d] = await model.nextTokenDistributions([[0]]);
    expect(plain(d!)).toEqual(plain(expectedTopK([0], 3)));
    expect(model.tokenizer.tokenText(2)).toBe('<id 2>');
  });

  it('tokenizes text through the server\'s /tokenize', async () => {
    const { url } = await startServer();
    const model = await createOpenAIModel(options([url]));
    expect(() => model.tokenizer.encode('a b')).toThrow(/encodeAsync/);
    expect(await model.tokenizer.encodeAsync('a b')).toEqual([0, 2, 3]);
    expect(model.tokenizer.encode('a b')).toEqual([0, 2, 3]);
    expect(model.tokenizer.decode([2, 3])).toBe(' a b');
    expect(await encodeText(model.tokenizer, 'c d', { bos: false })).toEqual([4, 5]);
  });
});
