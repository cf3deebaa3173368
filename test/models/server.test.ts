import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { createFakeModel, FAKE_WORDS } from './server-fake-model.js';

let server: ModelServer;
let base: string;

beforeAll(async () => {
  server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', maxBodyBytes: 4096 });
  base = await server.listen(0);
});
afterAll(() => server.close());

async function post(path: string, body: unknown, init?: RequestInit): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
  const text = await res.text();
  return { status: res.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

type Choice = {
  text: string;
  finish_reason: string;
  logprobs: { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] } | null;
  prompt_logprobs: (Record<string, { logprob: number; rank: number; decoded_token: string }> | null)[] | null;
};
const choices = (json: Record<string, unknown>): Choice[] => json['choices'] as Choice[];

describe('createModelServer(options).listen()', () => {
  it('binds 127.0.0.1 by default and serves /v1/models in the OpenAI list shape', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${base}/models`);
    const json = (await res.json()) as { object: string; data: { id: string; object: string; max_model_len: number }[] };
    expect(res.status).toBe(200);
    expect(json.object).toBe('list');
    expect(json.data.map((m) => [m.id, m.object])).toEqual([['fake-7', 'model']]);
  });

  it('answers /v1/specbound/vocabulary with every token of the model', async () => {
    const json = (await (await fetch(`${base}/specbound/vocabulary`)).json()) as { vocab_size: number; tokens: string[]; bos_token_id: number; eos_token_id: number };
    expect(json.vocab_size).toBe(7);
    expect(json.tokens).toEqual([...FAKE_WORDS]);
    expect([json.bos_token_id, json.eos_token_id]).toEqual([0, 1]);
  });
});

describe('POST /v1/completions', () => {
  it('returns the chosen token and the top-k logprobs, keyed token_id:N when asked', async () => {
    // After <s> the fake model gives a .5, b .25, c .125 (FAKE_TABLE row 0); greedy picks a (id 2).
    const { status, json } = await post('/completions', { model: 'fake-7', prompt: [0], max_tokens: 1, temperature: 0, logprobs: 3, return_tokens_as_token_ids: true });
    expect(status).toBe(200);
    expect(json['object']).toBe('text_completion');
    expect(json['model']).toBe('fake-7');
    const c = choices(json)[0]!;
    expect(c.text).toBe(' a');
    expect(c.logprobs!.tokens).toEqual(['token_id:2']);
    expect(c.logprobs!.token_logprobs).toEqual([Math.log(0.5)]);
    expect(c.logprobs!.top_logprobs[0]).toEqual({ 'token_id:2': Math.log(0.5), 'token_id:3': Math.log(0.25), 'token_id:4': Math.log(0.125) });
    expect(json['usage']).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
  });

  it('keys logprobs by token text by default and lists the sampled token first when outside the top k', async () => {
    // Prompt "d": row d is uniform over a,b,c,d (.25 each); with seed-driven sampling the chosen
    // token is in the map plus the top-1 (a, the smallest id among the tie).
    const { json } = await post('/completions', { prompt: 'd', max_tokens: 1, logprobs: 1, seed: 7 });
    const c = choices(json)[0]!;
    const chosen = c.logprobs!.tokens[0]!;
    const map = c.logprobs!.top_logprobs[0]!;
    expect(Object.keys(map)[0]).toBe(chosen);
    expect(map[' a']).toBe(Math.log(0.25));
    expect(Object.keys(map).length).toBe(chosen === ' a' ? 1 : 2);
  });

  it('generates greedily at temperature 0 and stops at EOS with finish_reason stop', async () => {
    // Greedy path from <s>: a (.5) → b (.4) → a (.6) → b …; from "e": </s> (.7) ends it.
    const greedy = await post('/completions', { prompt: [0], max_tokens: 4, temperature: 0 });
    expect(choices(greedy.json)[0]!.text).toBe(' a b a b');
    expect(choices(greedy.json)[0]!.finish_reason).toBe('length');
    const stop = await post('/completions', { prompt: 'e', max_tokens: 5, temperature: 0 });
    expect(choices(stop.json)[0]!.finish_reason).toBe('stop');
    expect(stop.json['usage']).toMatchObject({ completion_tokens: 1 });
  });

  it('samples the same tokens for the same seed', async () => {
    const body = { prompt: [0, 5], max_tokens: 12, seed: 42 };
    const a = await post('/completions', body);
    const b = await post('/completions', body);
    expect(choices(a.json)[0]!.text).toBe(choices(b.json)[0]!.text);
  });

  it('answers prompt_logprobs as vLLM does: null first, then id → {logprob, rank, decoded_token}', async () => {
    // Prompt <s> a e: position 1 scores a after <s> (rank 1, .5); position 2 scores e after a (p 0,
    // so −9999 like vLLM's clamp; rank 7 = after b .4, c .3, d .2, </s> .1 and the other zero-probability
    // tokens with smaller ids, <s> and a, by the ties-to-smaller-id rule).
    const { json } = await post('/completions', { prompt: [0, 2, 6], max_tokens: 1, temperature: 0, prompt_logprobs: 2 });
    const pl = choices(json)[0]!.prompt_logprobs!;
    expect(pl[0]).toBeNull();
    expect(pl[1]).toEqual({
      '2': { logprob: Math.log(0.5), rank: 1, decoded_token: ' a' },
      '3': { logprob: Math.log(0.25), rank: 2, decoded_token: ' b' },
    });
    expect(pl[2]).toEqual({
      '6': { logprob: -9999, rank: 7, decoded_token: ' e' },
      '3': { logprob: Math.log(0.4), rank: 1, decoded_token: ' b' },
      '4': { logprob: Math.log(0.3), rank: 2, decoded_token: ' c' },
    });
  });

  it('echoes the prompt with logprobs, the first token having none', async () => {
    const { json } = await post('/completions', { prompt: 'a b', max_tokens: 0, echo: true, logprobs: 1 });
    const c = choices(json)[0]!;
    expect(c.text).toBe('a b');
    expect(c.logprobs!.tokens).toEqual(['<s>', ' a', ' b']);
    expect(c.logprobs!.token_logprobs).toEqual([null, Math.log(0.5), Math.log(0.4)]);
    expect(c.logprobs!.top_logprobs[0]).toBeNull();
    expect(c.logprobs!.text_offset).toEqual([0, 3, 5]);
  });

  it('answers one choice per prompt for a batch of token-id prompts', async () => {
    const { json } = await post('/completions', { prompt: [[0], [3]], max_tokens: 1, temperature: 0 });
    expect(choices(json).map((c) => c.text)).toEqual([' a', ' a']);
  });
});

describe('POST /v1/completions rejects bad requests with OpenAI-style error bodies', () => {
  const cases: [string, unknown, number, string | null][] = [
    ['malformed JSON', '{"prompt": [0', 400, null],
    ['an empty body', '', 400, null],
    ['a missing prompt', { max_tokens: 1 }, 400, 'prompt'],
    ['a negative token id', { prompt: [-1] }, 400, 'prompt'],
    ['a token id outside the vocabulary', { prompt: [7] }, 400, 'prompt'],
    ['text the tokenizer cannot encode', { prompt: 'zebra' }, 400, 'prompt'],
    ['logprobs above the server maximum of 20', { prompt: [0], logprobs: 21 }, 400, 'logprobs'],
    ['streaming', { prompt: [0], stream: true }, 400, 'stream'],
    ['another model', { model: 'gpt-4', prompt: [0] }, 404, 'model'],
    ['a body above maxBodyBytes', { prompt: Array.from({ length: 3000 }, () => 0) }, 413, null],
  ];
  for (const [what, body, status, param] of cases) {
    it(`answers ${status} for ${what}`, async () => {
      const res = await post('/completions', body);
      expect(res.status).toBe(status);
      const error = res.json['error'] as { message: string; type: string; param: string | null; code: number };
      expect(error.code).toBe(status);
      expect(typeof error.message).toBe('string');
      expect(error.message.length).toBeGreaterThan(0);
      expect(typeof error.type).toBe('string');
      expect(error.param).toBe(param);
    });
  }

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    const wrong = await fetch(`${base}/completions`);
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: { code: number } }).error.code).toBe(405);
  });
});

describe('POST /tokenize and /detokenize', () => {
  it('tokenize and detokenize in vLLM shapes at the root', async () => {
    const root = base.replace(/\/v1$/, '');
    const tok = (await (await fetch(`${root}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a c', return_token_strs: true }) })).json()) as { count: number; tokens: number[]; token_strs: string[] };
    expect(tok).toMatchObject({ count: 3, tokens: [0, 2, 4], token_strs: ['<s>', 'a', 'c'] });
    const detok = (await (await fetch(`${root}/detokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokens: [2, 4] }) })).json()) as { prompt: string };
    expect(detok.prompt).toBe(' a c');
  });
});

describe('POST /v1/completions under fuzzing', () => {
  it('answers 200 or an OpenAI-style 4xx error body for any JSON body, never 500 (property)', async () => {
    const fuzzServer = createModelServer({ model: createFakeModel(), modelName: 'fake-7', maxTokens: 8, maxLogprobs: 5 });
    const url = await fuzzServer.listen(0);
    const value = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.array(fc.integer({ min: -1, max: 8 }), { maxLength: 6 }));
    const body = fc.record(
      {
        model: fc.oneof(fc.constant('fake-7'), fc.string({ maxLength: 5 })),
        prompt: fc.oneof(value, fc.constantFrom('a b', 'c d e', 'zebra', ''), fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }), { maxLength: 3 })),
        max_tokens: value,
        temperature: value,
        logprobs: value,
        prompt_logprobs: value,
        echo: value,
        seed: value,
        n: value,
      },
      { requiredKeys: ['prompt'] },
    );
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(body, fc.anything()), async (b) => {
          const res = await fetch(`${url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) ?? 'undefined' });
          const json = (await res.json()) as { error?: { message: unknown; type: unknown; code: unknown }; choices?: unknown[] };
          if (res.status === 200) {
            expect(Array.isArray(json.choices)).toBe(true);
          } else {
            expect([400, 404]).toContain(res.status);
            expect(typeof json.error?.message).toBe('string');
            expect(typeof json.error?.type).toBe('string');
            expect(json.error?.code).toBe(res.status);
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      await fuzzServer.close();
    }
  });
});
