import { afterEach, describe, expect, it } from 'vitest';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import type { OpenAIClientOptions } from '../../src/models/openai/client-options.js';
import { clientOptionsFromSpec } from '../../src/models/openai/client-options.js';
import { InvalidModelResponseError } from '../../src/models/openai/errors.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { parseModelSpec } from '../../src/models/spec.js';
import { createFakeModel, expectedTopK } from './server-fake-model.js';

const open: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function startServer(): Promise<{ server: ModelServer; url: string }> {
  const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7' });
  open.push(server);
  return { server, url: await server.listen(0) };
}

function options(endpoints: string[], extra: Partial<OpenAIClientOptions> = {}): OpenAIClientOptions {
  return { endpoints, model: 'fake-7', logprobs: 3, concurrency: 1, maxRetries: 0, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 4, ...extra };
}

function plain(d: TokenDistribution): unknown {
  if (d.kind !== 'sparse') return d;
  return { vocabSize: d.vocabSize, ids: Array.from(d.ids), logProbs: Array.from(d.logProbs), tailMass: d.tailMass };
}

/** A fetch that rewrites the choices of every completion answer. */
function rewritingChoices(rewrite: (choices: { index: number }[]) => { index: number }[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!href.endsWith('/completions') || !res.ok) return res;
    const body = (await res.json()) as { choices: { index: number }[] };
    body.choices = rewrite(body.choices);
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

const PREFIXES = [[0], [0, 2], [0, 3], [4], [5], [6], [2, 5]];

describe('OpenAIModel.nextTokenDistributions(prefixes) with promptsPerRequest', () => {
  it('sends B prompts per request and returns each prefix its own distribution, in order', async () => {
    const { server, url } = await startServer();
    const model = await createOpenAIModel({ ...options([url]), promptsPerRequest: 4 });
    const before = server.completionRequests;
    const got = await model.nextTokenDistributions(PREFIXES);
    // 7 prefixes, 4 per request, concurrency 1 → requests of 4 and 3.
    expect(server.completionRequests - before).toBe(2);
    expect(got.map(plain)).toEqual(PREFIXES.map((p) => plain(expectedTopK(p, 3))));
  });

  it('uses smaller requests when that keeps every concurrency slot busy', async () => {
    const { server, url } = await startServer();
    const model = await createOpenAIModel({ ...options([url], { concurrency: 4 }), promptsPerRequest: 4 });
    const before = server.completionRequests;
    const got = await model.nextTokenDistributions(PREFIXES);
    // ceil(7 / 4 slots) = 2 prompts per request → 4 requests (2, 2, 2, 1).
    expect(server.completionRequests - before).toBe(4);
    expect(got.map(plain)).toEqual(PREFIXES.map((p) => plain(expectedTopK(p, 3))));
  });

  it('maps choices by index whatever order they come back in', async () => {
    const { url } = await startServer();
    const model = await createOpenAIModel({ ...options([url]), promptsPerRequest: 8, fetch: rewritingChoices((c) => [...c].reverse()) });
    const got = await model.nextTokenDistributions(PREFIXES);
    expect(got.map(plain)).toEqual(PREFIXES.map((p) => plain(expectedTopK(p, 3))));
  });

  const broken: [string, (c: { index: number }[]) => { index: number }[], RegExp][] = [
    ['a missing choice', (c) => c.slice(1), /6 choices for 7 prompts/],
    ['a choice index listed twice', (c) => c.map((x, i) => ({ ...x, index: i === 1 ? 0 : x.index })), /choice index 0 is listed twice/],
    ['a choice index past the prompts', (c) => c.map((x, i) => ({ ...x, index: i === 6 ? 7 : x.index })), /choice index 7 is outside the 7 prompts/],
  ];
  for (const [what, rewrite, message] of broken) {
    it(`rejects an answer with ${what}, naming the endpoint`, async () => {
      const { url } = await startServer();
      const model = await createOpenAIModel({ ...options([url]), promptsPerRequest: 8, fetch: rewritingChoices(rewrite) });
      const err = await model.nextTokenDistributions(PREFIXES).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(InvalidModelResponseError);
      expect(err!.message.startsWith(`${url}/completions: `)).toBe(true);
      expect(err!.message).toMatch(message);
    });
  }

  it('checks every prefix before sending anything', async () => {
    const { server, url } = await startServer();
    const model = await createOpenAIModel({ ...options([url]), promptsPerRequest: 4 });
    const before = server.completionRequests;
    await expect(model.nextTokenDistributions([[0], [9]])).rejects.toThrow(/token id 9 outside the vocabulary of 7/);
    expect(server.completionRequests - before).toBe(0);
  });
});

describe('clientOptionsFromSpec(spec) &batch=B', () => {
  it('reads &batch=B as promptsPerRequest and leaves it unset otherwise', () => {
    expect(clientOptionsFromSpec(parseModelSpec('openai:http://a/v1#model=m&batch=16')).promptsPerRequest).toBe(16);
    expect(clientOptionsFromSpec(parseModelSpec('openai:http://a/v1#model=m')).promptsPerRequest).toBeUndefined();
    expect(() => clientOptionsFromSpec(parseModelSpec('openai:http://a/v1#model=m&batch=0'))).toThrow(/invalid batch .*"0"/);
  });
});
