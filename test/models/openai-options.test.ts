import { afterEach, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/core/errors.js';
import { clientOptionsFromSpec } from '../../src/models/openai/client-options.js';
import type { OpenAIModel } from '../../src/models/openai/openai-model.js';
import { retryAfterMs, retryDelayMs } from '../../src/models/openai/retry-delay.js';
import { loadModel } from '../../src/models/registry.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { parseModelSpec } from '../../src/models/spec.js';
import { createFakeModel, expectedTopK } from './server-fake-model.js';

const headers = (h: Record<string, string>): { get(name: string): string | null } => ({ get: (n) => h[n] ?? null });

describe('retryDelayMs(retry, {baseMs, capMs}, random, headers)', () => {
  it('doubles from the base up to the cap, minus up to 25% jitter', () => {
    // random = 0 → no jitter: 100·2^r capped at 1000 → 100, 200, 400, 800, 1000, 1000.
    expect([0, 1, 2, 3, 4, 5].map((r) => retryDelayMs(r, { baseMs: 100, capMs: 1000 }, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    // random → 1 (just below): 75% of the delay at least.
    expect(retryDelayMs(2, { baseMs: 100, capMs: 1000 }, () => 0.999999)).toBeCloseTo(300, 3);
  });

  it('honours retry-after in seconds, retry-after-ms, and an HTTP date, between 0 and 60 s', () => {
    const b = { baseMs: 100, capMs: 1000 };
    expect(retryDelayMs(0, b, () => 0, headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryDelayMs(0, b, () => 0, headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryDelayMs(3, b, () => 0, headers({ 'retry-after-ms': '25', 'retry-after': '9' }))).toBe(25);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryAfterMs(headers({ 'retry-after': inTenSeconds }))!;
    expect(fromDate).toBeGreaterThan(8_000); // toUTCString drops milliseconds: between 9 and 10 s
    expect(fromDate).toBeLessThanOrEqual(10_000);
    // Out of range or unparsable: the backoff applies.
    expect(retryDelayMs(1, b, () => 0, headers({ 'retry-after': '120' }))).toBe(200);
    expect(retryDelayMs(1, b, () => 0, headers({ 'retry-after': 'soon' }))).toBe(200);
    expect(retryDelayMs(1, b, () => 0, headers({ 'retry-after': '-1' }))).toBe(200);
  });
});

describe('clientOptionsFromSpec(spec)', () => {
  it('reads several endpoints and the parameters', () => {
    const o = clientOptionsFromSpec(parseModelSpec('openai:http://a:8000/v1/,https://b/v1#model=meta-llama/Llama-3.1-8B&logprobs=5&concurrency=32&retries=1&timeout=2.5&backoff=10&vocab=128256'));
    expect(o).toMatchObject({
      endpoints: ['http://a:8000/v1', 'https://b/v1'],
      model: 'meta-llama/Llama-3.1-8B',
      logprobs: 5,
      concurrency: 32,
      maxRetries: 1,
      timeoutMs: 2500,
      backoffBaseMs: 10,
      vocabSize: 128256,
    });
  });

  it('defaults to 20 logprobs (vLLM\'s --max-logprobs default), 4 retries, 60 s timeout', () => {
    const o = clientOptionsFromSpec(parseModelSpec('openai:http://localhost:8000/v1#model=m'));
    expect([o.logprobs, o.maxRetries, o.timeoutMs, o.vocabSize]).toEqual([20, 4, 60_000, undefined]);
  });

  const bad: [string, RegExp][] = [
    ['openai:http://a/v1', /missing #model=NAME/],
    ['openai:not a url#model=m', /"not a url" is not a URL/],
    ['openai:ftp://a/v1#model=m', /is not http\(s\)/],
    ['openai:http://a/v1#model=m&logprobs=0', /invalid logprobs .*"0" \(must be an integer in \[1,/],
    ['openai:http://a/v1#model=m&timeout=-3', /invalid timeout .*"-3"/],
    ['openai:http://a/v1#model=m&temperature=1', /unknown parameter "temperature"/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text} with one line`, () => {
      expect(() => clientOptionsFromSpec(parseModelSpec(text))).toThrow(InvalidValueError);
      expect(() => clientOptionsFromSpec(parseModelSpec(text))).toThrow(message);
    });
  }
});

describe('loadModel("openai:URL#model=NAME")', () => {
  let server: ModelServer | undefined;
  afterEach(() => server?.close());

  it('loads through the registry and returns the served distributions', async () => {
    server = createModelServer({ model: createFakeModel(), modelName: 'fake-7' });
    const url = await server.listen(0);
    const model = (await loadModel(`openai:${url}#model=fake-7&logprobs=2`)) as OpenAIModel;
    expect(model.name).toBe(`openai:${url}#model=fake-7&logprobs=2`);
    const [d] = await model.nextTokenDistributions([[0, 2]]);
    const want = expectedTopK([0, 2], 2);
    if (d!.kind !== 'sparse') throw new Error('expected sparse');
    expect(Array.from(d!.ids)).toEqual(Array.from(want.ids));
    expect(d!.tailMass).toBeCloseTo(0.3, 12); // row a: b .4 + c .3 listed → tail 1 − .7
  });
});
