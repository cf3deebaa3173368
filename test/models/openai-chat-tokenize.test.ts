/**
 * Chat prompts tokenized by the server (issue 14 item 4): vLLM's `POST /tokenize` with
 * `messages`, checked against the request/response schema transcribed from vLLM's
 * vllm/frontend/entrypoints/serve/tokenize/protocol.py at 055e47c2 (tokenize-protocol.ts), on
 * specbound's own serve-model with a hand-written template over the 7-word fake model, whose
 * tokenizer splits on spaces, so every expected id list below is read off FAKE_WORDS by hand
 * (<s> 0, </s> 1, a 2, b 3, c 4, d 5, e 6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/core/errors.js';
import { applyChatTemplate } from '../../src/measure/prompts/index.js';
import type { Prompt } from '../../src/measure/prompts/prompt.js';
import { promptTokens } from '../../src/measure/unit.js';
import { chatTemplateLabel, parseChatTemplate, resolveChatTemplate } from '../../src/models/chat-template.js';
import { InvalidModelResponseError } from '../../src/models/openai/errors.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import { tokenizeChatRequestSchema, tokenizeCompletionRequestSchema, tokenizeResponseSchema } from '../../src/models/openai/tokenize-protocol.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { createFakeModel } from './server-fake-model.js';

/** User turns as " a TEXT </s>", assistant turns as " b TEXT </s>", the generation prompt " e". */
const TEMPLATE =
  "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %} a{% else %} b{% endif %} {{ m.content }} {{ eos_token }}{% endfor %}{% if add_generation_prompt %} e{% endif %}";
const template = parseChatTemplate(TEMPLATE, 'test-template.jinja');

const open: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(withTemplate = true): Promise<{ url: string; root: string }> {
  const server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', ...(withTemplate ? { chatTemplate: template } : {}) });
  open.push(server);
  const url = await server.listen(0);
  return { url, root: url.replace(/\/v1$/, '') };
}

async function tokenize(root: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${root}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

const options = (url: string) => ({ endpoints: [url], model: 'fake-7', logprobs: 3, concurrency: 2, maxRetries: 0, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 4 });

describe("vLLM's /tokenize request and response (protocol.py at 055e47c2, transcribed)", () => {
  it('gives the chat form its defaults: add_generation_prompt true, continue_final_message false, add_special_tokens false', () => {
    const chat = tokenizeChatRequestSchema.parse({ messages: [{ role: 'user', content: 'hi' }] });
    expect(chat).toMatchObject({ add_generation_prompt: true, continue_final_message: false, add_special_tokens: false });
    // TokenizeCompletionRequest: add_special_tokens defaults to true.
    expect(tokenizeCompletionRequestSchema.parse({ prompt: 'hi' }).add_special_tokens).toBe(true);
  });

  it('rejects both flags set as sent (mode="before"), but not continue_final_message with add_generation_prompt left to its default', () => {
    const both = tokenizeChatRequestSchema.safeParse({ messages: [], continue_final_message: true, add_generation_prompt: true });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toBe('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
    expect(tokenizeChatRequestSchema.safeParse({ messages: [], continue_final_message: true }).success).toBe(true);
    expect(tokenizeChatRequestSchema.safeParse({ messages: [{ role: 'user' }] }).success).toBe(false);
  });

  it('requires count, max_model_len and tokens in the answer; token_strs may be null or absent', () => {
    expect(tokenizeResponseSchema.safeParse({ count: 2, max_model_len: 8, tokens: [1, 2], token_strs: null }).success).toBe(true);
    expect(tokenizeResponseSchema.safeParse({ count: 2, max_model_len: 8, tokens: [1, 2] }).success).toBe(true);
    expect(tokenizeResponseSchema.safeParse({ tokens: [1, 2] }).success).toBe(false);
    expect(tokenizeResponseSchema.safeParse({ count: 1, max_model_len: 8, tokens: [-1] }).success).toBe(false);
  });
});

describe('serve-model POST /tokenize with messages', () => {
  it('renders with the served template and tokenizes without adding BOS (the template writes it)', async () => {
    const { root } = await serve();
    const r = await tokenize(root, { model: 'fake-7', messages: [{ role: 'user', content: 'c d' }], return_token_strs: true });
    expect(r.status).toBe(200);
    const answer = tokenizeResponseSchema.parse(r.json);
    // "<s> a c d </s> e"
    expect(answer.tokens).toEqual([0, 2, 4, 5, 1, 6]);
    expect(answer.count).toBe(6);
    expect(answer.token_strs).toEqual(['<s>', 'a', 'c', 'd', '</s>', 'e']);
    expect(typeof answer.max_model_len).toBe('number');
    // add_special_tokens: BOS "on top of what is added by the chat template".
    expect(tokenizeResponseSchema.parse((await tokenize(root, { messages: [{ role: 'user', content: 'c d' }], add_special_tokens: true })).json).tokens).toEqual([0, 0, 2, 4, 5, 1, 6]);
    // No generation prompt: the turn ends with </s>.
    expect(tokenizeResponseSchema.parse((await tokenize(root, { messages: [{ role: 'user', content: [{ type: 'text', text: 'c d' }] }], add_generation_prompt: false })).json).tokens).toEqual([0, 2, 4, 5, 1]);
    // The text form is unchanged: BOS by default.
    expect(tokenizeResponseSchema.parse((await tokenize(root, { prompt: 'a c' })).json).tokens).toEqual([0, 2, 4]);
  });

  it('continue_final_message: cuts after the last message, dropping its end of turn', async () => {
    const { root } = await serve();
    const messages = [{ role: 'user', content: 'c' }, { role: 'assistant', content: 'd b' }];
    // "<s> a c </s> b d b </s>" cut after the last "d b".
    const r = await tokenize(root, { messages, add_generation_prompt: false, continue_final_message: true });
    expect(tokenizeResponseSchema.parse(r.json).tokens).toEqual([0, 2, 4, 1, 3, 5, 3]);
    const both = await tokenize(root, { messages, add_generation_prompt: true, continue_final_message: true });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.json)).toMatch(/Cannot set both/);
  });

  it('refuses, as vLLM does, a model without a template and a template sent in the request', async () => {
    const bare = await serve(false);
    const r = await tokenize(bare.root, { messages: [{ role: 'user', content: 'c' }] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { param: 'messages', code: 400 } });
    expect(JSON.stringify(r.json)).toMatch(/no chat template/);
    const withTemplate = await serve();
    const t = await tokenize(withTemplate.root, { messages: [{ role: 'user', content: 'c' }], chat_template: '{{ 1 }}' });
    expect(t.status).toBe(400);
    expect(t.json).toMatchObject({ error: { param: 'chat_template' } });
  });
});

describe('RemoteTokenizer.encodeChatAsync(messages)', () => {
  it('sends a TokenizeChatRequest with the generation prompt and no added special tokens, and caches the answer', async () => {
    const { url } = await serve();
    const bodies: unknown[] = [];
    const recording: typeof fetch = (input, init) => {
      const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (href.endsWith('/tokenize') && typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
      return fetch(input, init);
    };
    const model = await createOpenAIModel({ ...options(url), fetch: recording });
    const messages = [{ role: 'user' as const, content: 'c d' }];
    expect(await model.tokenizer.encodeChatAsync(messages)).toEqual([0, 2, 4, 5, 1, 6]);
    expect(await model.tokenizer.encodeChatAsync(messages)).toEqual([0, 2, 4, 5, 1, 6]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toEqual({ model: 'fake-7', messages: [{ role: 'user', content: 'c d' }], add_generation_prompt: true, continue_final_message: false, add_special_tokens: false });
    expect(tokenizeChatRequestSchema.safeParse(bodies[0]).success).toBe(true);
  });

  it('refuses an answer whose count is not its length, naming the endpoint', async () => {
    const { url } = await serve();
    const lying: typeof fetch = (input, init) => {
      const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (href.endsWith('/tokenize')) return Promise.resolve(new Response(JSON.stringify({ count: 3, max_model_len: 64, tokens: [0, 2] }), { status: 200, headers: { 'content-type': 'application/json' } }));
      return fetch(input, init);
    };
    const model = await createOpenAIModel({ ...options(url), fetch: lying });
    const err = await model.tokenizer.encodeChatAsync([{ role: 'user', content: 'c' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidModelResponseError);
    expect((err as Error).message).toMatch(/\/tokenize.*counts 3 tokens but lists 2/);
  });
});

describe('--chat-template server on a measurement', () => {
  it('is for openai: targets only, and recorded as the server and model', async () => {
    const t = await resolveChatTemplate('server', 'openai:http://gpu1:8000/v1#model=meta-llama/Llama-3.1-8B-Instruct&vocab=128256');
    expect(t).toEqual({ kind: 'server', source: 'server /tokenize messages (meta-llama/Llama-3.1-8B-Instruct at http://gpu1:8000/v1)' });
    expect(chatTemplateLabel(t)).toBe('server /tokenize messages (meta-llama/Llama-3.1-8B-Instruct at http://gpu1:8000/v1)');
    await expect(resolveChatTemplate('server', 'builtin')).rejects.toThrow(InvalidValueError);
    await expect(resolveChatTemplate('server', 'builtin')).rejects.toThrow(/needs an openai: target/);
  });

  it('keeps the text, gives conversational prompts their messages, and tokenizes them on the server', async () => {
    const { url } = await serve();
    const prompts: Prompt[] = [
      { id: '1', task: 'conversation', text: 'c d', source: 'test', chat: true },
      { id: '2', task: 'code', text: 'a b', source: 'test' },
    ];
    const t = await resolveChatTemplate('server', `openai:${url}#model=fake-7`);
    const applied = applyChatTemplate(prompts, t);
    expect(applied[0]).toEqual({ ...prompts[0], messages: [{ role: 'user', content: 'c d' }] });
    expect(applied[1]).toBe(prompts[1]);
    const model = await createOpenAIModel(options(url));
    expect(await promptTokens(model, applied[0]!, 100)).toEqual([0, 2, 4, 5, 1, 6]);
    expect(await promptTokens(model, applied[1]!, 100)).toEqual([0, 2, 3]);
    // A model whose tokenizer cannot send messages to a server: one clear error.
    await expect(promptTokens(createFakeModel(), applied[0]!, 100)).rejects.toThrow(/does not tokenize chat messages on a server/);
  });
});
