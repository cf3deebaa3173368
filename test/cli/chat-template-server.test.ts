/**
 * `--chat-template server` end to end (issue 14 item 4): serve-model renders chat `messages` with
 * its --chat-template and tokenizes them (vLLM's /tokenize chat form), and a measurement of an
 * openai: target tokenizes its conversational prompts that way.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limitPerTask, loadPromptSet } from '../../src/measure/prompts/index.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import { loadModel } from '../../src/models/registry.js';
import { runCli, SHARED } from '../helpers/cli.js';
import { startServeModel, type ServedModel } from '../helpers/serve-model.js';

const STORIES = `llama2c:${path.join(SHARED, 'models', 'stories260K', 'stories260K.bin')}`;
const dir = mkdtempSync(path.join(tmpdir(), 'chat-server-'));
const TEMPLATE = path.join(dir, 'chat.jinja');
// No bos_token: llama2.c's tokenizer has no special-token parsing, so the BOS must come from add_special_tokens.
writeFileSync(TEMPLATE, "{% for m in messages %}User: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}");

const served: ServedModel[] = [];
afterAll(() => {
  for (const s of served) s.stop();
});

describe('serve-model --chat-template and measure --chat-template server', () => {
  it('serve-model renders messages with its --chat-template; the client gets the tokens of the rendered text', async () => {
    const s = await startServeModel(STORIES, ['--name', 'stories', '--chat-template', TEMPLATE]);
    served.push(s);
    const remote = await createOpenAIModel({ endpoints: [s.url], model: 'stories', logprobs: 5, concurrency: 2, maxRetries: 0, timeoutMs: 30_000, backoffBaseMs: 1, backoffCapMs: 1 });
    const local = await loadModel(STORIES);
    // The rendering written out by hand; the local tokenizer gives the reference ids (no BOS: add_special_tokens false).
    const want = local.tokenizer.encode('User: Once upon a time\nAssistant:', { bos: false });
    expect(want.length).toBeGreaterThan(5);
    expect(await remote.tokenizer.encodeChatAsync([{ role: 'user', content: 'Once upon a time' }])).toEqual(want);
    await local.close?.();
  }, 60_000);

  it('measure --chat-template server records the server and model, and refuses a target that is not openai:', async () => {
    const s = await startServeModel(STORIES, ['--name', 'stories', '--chat-template', TEMPLATE]);
    served.push(s);
    const out = path.join(dir, 'run');
    const args = ['measure', '--prompts', 'builtin', '--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '2', '--P-max', '2', '--out', out, '--chat-template', 'server'];
    const r = await runCli([...args, '--target', `openai:${s.url}#model=stories`], { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as { chatTemplate?: string; chatTemplateUsed?: string };
    expect(config.chatTemplate).toBe('server');
    expect(config.chatTemplateUsed).toBe(`server /tokenize messages (stories at ${s.url})`);
    // Each unit's prompt length is that of its prompt as the server rendered it (conversational
    // prompts) or as plain text with BOS (the others), counted here with the local tokenizer.
    const prompts = limitPerTask(loadPromptSet('builtin').prompts, 1);
    const local = await loadModel(STORIES);
    const units = readFileSync(path.join(out, 'units.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; prompt: number; promptTokens: number });
    let chats = 0;
    for (const u of units.filter((x) => x.kind === 'unit')) {
      const p = prompts[u.prompt]!;
      const ids = p.chat === true ? local.tokenizer.encode(`User: ${p.text}\nAssistant:`, { bos: false }) : local.tokenizer.encode(p.text);
      expect(u.promptTokens, p.id).toBe(Math.min(ids.length, 256));
      if (p.chat === true) chats++;
    }
    expect(chats).toBeGreaterThan(0);
    await local.close?.();
    const bad = await runCli([...args.slice(0, -4), '--out', path.join(dir, 'bad'), '--chat-template', 'server', '--target', 'builtin']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--chat-template.*server.*needs an openai: target/);
  }, 300_000);

  it('serve-model refuses --chat-template server in one line', async () => {
    const r = await runCli(['serve-model', '--model', 'builtin', '--port', '0', '--chat-template', 'server']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/serve-model is the server/);
  });
});
