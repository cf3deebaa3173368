/**
 * `serve-model` against the hostile clients of issue 19: requests whose work or response would
 * be unbounded, clients that leave, foreign Host headers (DNS rebinding), cross-site simple
 * POSTs. The oversized requests are issue 19's own (docs/history.md), sent to the real builtin model.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../src/models/model.js';
import { loadModel } from '../../src/models/registry.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { createFakeModel } from './server-fake-model.js';

interface Answer {
  status: number;
  json: { error?: { message: string; type: string; param: string | null; code: number }; choices?: { text: string }[] };
  ms: number;
}

/** POST through node:http (fetch may not set Host); `headers` replace the defaults. */
function request(port: number, path: string, body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data === '' ? {} : (JSON.parse(data) as Answer['json']), ms: performance.now() - start }));
      },
    );
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : body);
  });
}

const portOf = (s: ModelServer): number => (s.server.address() as AddressInfo).port;

describe('serve-model bounds one request before doing its work (issue 19 item 1)', () => {
  let builtin: LanguageModel;
  let server: ModelServer;
  let port: number;
  beforeAll(async () => {
    builtin = await loadModel('builtin');
    server = createModelServer({ model: builtin, modelName: 'builtin' });
    await server.listen(0);
    port = portOf(server);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await builtin.close?.();
  });

  const story = 'Once upon a time there was a little girl who lived in a village near the forest. '.repeat(40).slice(0, 3000);

  it("refuses issue 19's 769 KB request (256 × 3,000 characters, max_tokens 4096, logprobs 20, prompt_logprobs 20, echo) with 400 naming the limit, in under a second", async () => {
    const body = JSON.stringify({ prompt: Array.from({ length: 256 }, () => story), max_tokens: 4096, logprobs: 20, prompt_logprobs: 20, echo: true, ignore_eos: true });
    expect(body.length).toBeGreaterThan(768_000); // issue 19's 769 KB, inside the 1 MiB body limit
    const before = process.memoryUsage().rss;
    const r = await request(port, '/v1/completions', body);
    expect(r.status).toBe(400);
    // Refused before tokenizing: every prompt has at least 1 token, so 256 × (1 + 4,096) = 1,048,832 positions at least.
    expect(r.json.error!.message).toMatch(/^the request needs at least 1,048,832 token positions \(256 prompts × \(prompt tokens \+ max_tokens 4096\)\), more than the server's limit of 131,072 per request \(--max-request-tokens\)/);
    expect(r.json.error!.code).toBe(400);
    expect(r.json.error!.param).toBe('prompt');
    expect(r.ms).toBeLessThan(1000);
    // The request grew the server to 6 GB before; refusing it costs the body and its parse.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it("refuses issue 19's 2 KB request (256 × \"Once\", max_tokens 4096, logprobs 20) with 400 in under a second", async () => {
    const body = JSON.stringify({ prompt: Array.from({ length: 256 }, () => 'Once'), max_tokens: 4096, logprobs: 20 });
    expect(body.length).toBeLessThan(2100);
    const r = await request(port, '/v1/completions', body);
    expect(r.status).toBe(400);
    expect(r.json.error!.message).toContain('the request needs at least 1,048,832 token positions');
    expect(r.json.error!.message).toContain('--max-request-tokens');
    expect(r.ms).toBeLessThan(1000);
  });

  it('counts the tokenized prompts exactly when the lower bound fits', async () => {
    // 30 × (1 + 2,000) = 60,030 fits; tokenized, each prompt has 3,001 tokens (<s> + the builtin's
    // character-level pieces, counted here by the same tokenizer): 30 × (3,001 + 2,000) = 150,030 does not.
    const tokens = builtin.tokenizer.encode(story).length;
    expect(tokens).toBe(3001);
    const r = await request(port, '/v1/completions', JSON.stringify({ prompt: Array.from({ length: 30 }, () => story), max_tokens: 2000 }));
    expect(r.status).toBe(400);
    expect(r.json.error!.message).toMatch(/^the request needs 150,030 token positions \(30 prompts × /);
  });

  it('refuses a request within the work limit whose response would exceed --max-response-logprobs', async () => {
    // 30 × (5 + 4,096) = 123,030 positions ≤ 131,072, but 30 × 4,096 × (20 + 1) = 2,580,480 entries > 262,144.
    const body = JSON.stringify({ prompt: Array.from({ length: 30 }, () => 'Once'), max_tokens: 4096, logprobs: 20 });
    const r = await request(port, '/v1/completions', body);
    expect(r.status).toBe(400);
    expect(r.json.error!.param).toBe('logprobs');
    expect(r.json.error!.message).toMatch(/^the response would carry at least 2,580,480 logprob entries .*with logprobs 20\), more than the server's limit of 262,144 per response \(--max-response-logprobs\)/);
  });

  it("words the logprobs refusal as vLLM's processor does", async () => {
    const r = await request(port, '/v1/completions', JSON.stringify({ prompt: 'Once', max_tokens: 1, logprobs: 21 }));
    expect(r.status).toBe(400);
    // vLLM v1/engine/processor.py _validate_logprobs: "Requested sample logprobs of {n}, which is greater than max allowed: {max}".
    expect(r.json.error!.message).toBe('Requested sample logprobs of 21, which is greater than max allowed: 20 (--max-logprobs)');
    const p = await request(port, '/v1/completions', JSON.stringify({ prompt: 'Once', max_tokens: 1, prompt_logprobs: 50 }));
    expect(p.json.error!.message).toBe('Requested prompt logprobs of 50, which is greater than max allowed: 20 (--max-logprobs)');
    expect(p.json.error!.param).toBe('prompt_logprobs');
  });

  it('still answers a valid request after the refusals', async () => {
    const r = await request(port, '/v1/completions', JSON.stringify({ prompt: 'Once upon', max_tokens: 3, logprobs: 2, seed: 1 }));
    expect(r.status).toBe(200);
    expect(r.json.choices).toHaveLength(1);
  });
});

describe('serve-model: context length in vLLM words', () => {
  it("answers 400 with vLLM's max_model_len message when prompt + max_tokens exceed it", async () => {
    const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', maxModelLen: 10 });
    await server.listen(0);
    try {
      const r = await request(portOf(server), '/v1/completions', JSON.stringify({ prompt: [0, 2, 3, 2, 3], max_tokens: 8 }));
      expect(r.status).toBe(400);
      // vLLM entrypoints/openai/serving_engine.py _validate_input (5 prompt tokens + 8 = 13 > 10).
      expect(r.json.error!.message).toBe(
        "This model's maximum context length is 10 tokens. However, you requested 13 tokens (5 in the messages, 8 in the completion). Please reduce the length of the messages or completion.",
      );
      expect((await request(portOf(server), '/v1/completions', JSON.stringify({ prompt: [0, 2, 3, 2, 3], max_tokens: 5 }))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** The fake model, but every distribution call takes `ms` (a slow backend), counting calls. */
function slowFakeModel(ms: number): LanguageModel & { calls: number } {
  const fake = createFakeModel();
  const slow = {
    ...fake,
    calls: 0,
    async nextTokenDistributions(prefixes: readonly (readonly number[])[], options?: { signal?: AbortSignal }) {
      slow.calls += prefixes.length;
      await new Promise((r) => setTimeout(r, ms));
      options?.signal?.throwIfAborted();
      return fake.nextTokenDistributions(prefixes);
    },
  };
  return slow;
}

describe('serve-model: disconnects and other clients (issue 19 item 1)', () => {
  it('stops the model work of a request whose client disconnects', async () => {
    const model = slowFakeModel(2);
    const server = createModelServer({ model, modelName: 'fake-7', maxTokens: 4000 });
    await server.listen(0);
    try {
      const port = portOf(server);
      const body = JSON.stringify({ prompt: [0], max_tokens: 4000, temperature: 0, ignore_eos: true });
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => undefined);
      req.end(body);
      await new Promise((r) => setTimeout(r, 150));
      const started = model.calls;
      expect(started).toBeGreaterThan(0); // the work had begun
      req.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const afterLeave = model.calls;
      await new Promise((r) => setTimeout(r, 300));
      // 4,000 calls of ≥ 2 ms would take ≥ 8 s; after the disconnect at most the call in flight finishes.
      expect(model.calls).toBe(afterLeave);
      expect(afterLeave).toBeLessThan(400);
      // And the model is free for the next client at once.
      const next = await request(port, '/v1/completions', JSON.stringify({ prompt: [0], max_tokens: 2, temperature: 0 }));
      expect(next.status).toBe(200);
      expect(next.json.choices![0]!.text).toBe(' a b');
    } finally {
      await server.close();
    }
  });

  it('answers a short request and /health while a long one runs (requests take turns call by call)', async () => {
    const model = slowFakeModel(1);
    const server = createModelServer({ model, modelName: 'fake-7', maxTokens: 4000 });
    await server.listen(0);
    try {
      const port = portOf(server);
      const long = request(port, '/v1/completions', JSON.stringify({ prompt: [0], max_tokens: 1500, temperature: 0, ignore_eos: true }));
      await new Promise((r) => setTimeout(r, 100));
      const health = await request(port, '/health', '', {}, 'GET');
      expect(health.status).toBe(200);
      const short = await request(port, '/v1/completions', JSON.stringify({ prompt: [0], max_tokens: 2, temperature: 0 }));
      expect(short.status).toBe(200);
      expect(short.json.choices![0]!.text).toBe(' a b');
      // The short request finished while the long one was still working: interleaved, not queued behind it.
      const callsAtShort = model.calls;
      expect(callsAtShort).toBeLessThan(1500);
      const done = await long;
      expect(done.status).toBe(200);
      expect(model.calls).toBeGreaterThanOrEqual(1500 + 2);
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('serve-model: Host header and Content-Type (issue 19 item 2)', () => {
  let server: ModelServer;
  let port: number;
  beforeAll(async () => {
    server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', allowedHosts: ['models.internal'] });
    await server.listen(0);
    port = portOf(server);
  });
  afterAll(() => server.close());
  const ok = JSON.stringify({ prompt: [0], max_tokens: 1 });

  it.each(['attacker.example:8790', 'attacker.example', '127.0.0.1.attacker.example', 'localhost.attacker.example', '10.0.0.1', '[::2]:80'])('refuses Host %j with 403 on every route', async (host) => {
    const post = await request(port, '/v1/completions', ok, { host });
    expect(post.status).toBe(403);
    expect(post.json.error!.code).toBe(403);
    expect(post.json.error!.message).toContain('is not allowed');
    expect((await request(port, '/v1/models', '', { host }, 'GET')).status).toBe(403);
    expect((await request(port, '/v1/specbound/vocabulary', '', { host }, 'GET')).status).toBe(403);
  });

  it.each(['127.0.0.1', '127.0.0.1:8000', 'localhost:8000', 'LOCALHOST', 'app.localhost', '[::1]:8000', 'models.internal:8000'])('answers Host %j', async (host) => {
    expect((await request(port, '/v1/completions', ok, { host })).status).toBe(200);
  });

  it.each(['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])('refuses a POST with Content-Type %j with 415 before reading it', async (type) => {
    const r = await request(port, '/v1/completions', ok, { 'content-type': type });
    expect(r.status).toBe(415);
    expect(r.json.error!.message).toMatch(/^Content-Type must be application\/json, got /);
    expect((await request(port, '/tokenize', JSON.stringify({ prompt: 'a' }), { 'content-type': type })).status).toBe(415);
  });

  it('accepts application/json with parameters', async () => {
    expect((await request(port, '/v1/completions', ok, { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
  });
});
