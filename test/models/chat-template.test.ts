import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, InvalidValueError } from '../../src/core/errors.js';
import { applyChatTemplate, loadPromptSet } from '../../src/measure/prompts/index.js';
import { chatTemplateLabel, ggufChatTemplate, GGUF_CHAT_TEMPLATE_KEY, parseChatTemplate, resolveChatTemplate } from '../../src/models/chat-template.js';
import { writeGguf, type GgufValue } from '../../src/models/gguf/gguf-file.js';
import { loadGguf } from '../../src/models/gguf/load.js';
import { parseModelSpec } from '../../src/models/spec.js';
import { runCli, SHARED } from '../helpers/cli.js';
import { convertStories, nodeLlamaCppInstalled } from '../helpers/gguf.js';

/**
 * Meta's Llama-3 Instruct chat template (tokenizer_config.json of meta-llama/Meta-Llama-3-8B-Instruct,
 * the same text llama.cpp stores as the GGUF's tokenizer.chat_template).
 */
const LLAMA3 =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

const MT_BENCH = path.join(SHARED, 'data', 'mtbench_question.jsonl');
/** The first turn of MT-bench question 81 (../shared/data/mtbench_question.jsonl, line 1). */
const Q81 = 'Compose an engaging travel blog post about a recent trip to Hawaii, highlighting cultural experiences and must-see attractions.';

function templateFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chat-template-')), 'template.jinja');
  writeFileSync(file, text);
  return file;
}

describe('chat templates', () => {
  it('renders an MT-bench prompt through a Llama-3 template as derived by hand from the template', () => {
    const prompts = loadPromptSet(MT_BENCH).prompts;
    expect(prompts[0]!.text).toBe(Q81);
    expect(prompts[0]!.chat).toBe(true);
    const rendered = applyChatTemplate(prompts.slice(0, 1), parseChatTemplate(LLAMA3, 'llama3'));
    // bos_token is '' (the tokenizer adds BOS); one user message, then the opened assistant header.
    expect(rendered[0]!.text).toBe(`<|start_header_id|>user<|end_header_id|>\n\n${Q81}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`);
    expect(rendered[0]!.templated).toBe(true);
  });

  it('off (no template) keeps the plain text; text-continuation prompts stay plain under a template', async () => {
    const prompts = loadPromptSet(MT_BENCH).prompts.slice(0, 2);
    expect(applyChatTemplate(prompts, undefined)).toBe(prompts);
    expect(await resolveChatTemplate('off', 'builtin')).toBeUndefined();
    expect(await resolveChatTemplate('auto', 'builtin')).toBeUndefined(); // the built-in model has no template
    const story = { id: 's', task: 'story', text: 'Once upon a time', source: 'test' };
    expect(applyChatTemplate([story], parseChatTemplate(LLAMA3, 'llama3'))[0]).toBe(story);
  });

  it('a bad template is one error naming the file; a missing file names the flag', async () => {
    const bad = templateFile('{% for m in messages %}{{ m.content }');
    await expect(resolveChatTemplate(bad, 'builtin')).rejects.toThrow(InputFileError);
    await expect(resolveChatTemplate(bad, 'builtin')).rejects.toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a valid Jinja chat template`));
    await expect(resolveChatTemplate('/nonexistent/t.jinja', 'builtin')).rejects.toThrow(InvalidValueError);
  });

  it("reads a GGUF's tokenizer.chat_template from its metadata (auto on a gguf: target)", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'chat-gguf-')), 'm.gguf');
    const metadata = new Map<string, GgufValue>([
      ['general.architecture', { type: 'string', value: 'llama' }],
      [GGUF_CHAT_TEMPLATE_KEY, { type: 'string', value: LLAMA3 }],
    ]);
    await writeGguf(file, metadata, []);
    const t = await ggufChatTemplate(file);
    expect(t?.source).toBe(`gguf:${file}`);
    expect(t?.digest).toBe(createHash('sha256').update(LLAMA3).digest('hex').slice(0, 16));
    expect(t?.render([{ role: 'user', content: ' hi ' }])).toBe('<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
    const auto = await resolveChatTemplate('auto', `gguf:${file}#threads=1`);
    expect(chatTemplateLabel(auto)).toBe(`gguf:${file} sha256:${t?.digest}`);
    // A GGUF without the key: plain text.
    const plain = path.join(path.dirname(file), 'plain.gguf');
    await writeGguf(plain, new Map([['general.architecture', { type: 'string', value: 'llama' }]]), []);
    expect(await ggufChatTemplate(plain)).toBeUndefined();
  });
});

describe('specbound measure --chat-template (real CLI, built-in model on MT-bench)', () => {
  const SMALL = ['--target', 'builtin', '--prompts', MT_BENCH, '--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '4', '--P-max', '4', '--tree-every', '2', '--iid-trees', '20'];

  it('records the template in the run config, refuses to resume with another, and a bad file is one line, exit 2', async () => {
    const file = templateFile(LLAMA3);
    const dir = mkdtempSync(path.join(tmpdir(), 'chat-run-'));
    const r = await runCli(['measure', ...SMALL, '--chat-template', file, '--out', dir], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['chatTemplate']).toBe(file);
    expect(config['chatTemplateUsed']).toBe(`${file} sha256:${createHash('sha256').update(LLAMA3).digest('hex').slice(0, 16)}`);
    const unit = JSON.parse(readFileSync(path.join(dir, 'units.jsonl'), 'utf8').split('\n')[0]!) as { promptTokens: number };

    const off = await runCli(['measure', ...SMALL, '--chat-template', 'off', '--out', dir], { timeoutMs: 120_000 });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/another configuration \(.*chatTemplate/);
    expect(off.stderr.trim().split('\n')).toHaveLength(1);

    // off: the plain first turn, which the built-in tokenizer makes shorter than the rendered one.
    const plainDir = mkdtempSync(path.join(tmpdir(), 'chat-off-'));
    const plain = await runCli(['measure', ...SMALL, '--chat-template', 'off', '--out', plainDir], { timeoutMs: 120_000 });
    expect(plain.code).toBe(0);
    const plainConfig = JSON.parse(readFileSync(path.join(plainDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(plainConfig['chatTemplate']).toBe('off');
    expect(plainConfig['chatTemplateUsed']).toBeUndefined();
    const plainUnit = JSON.parse(readFileSync(path.join(plainDir, 'units.jsonl'), 'utf8').split('\n')[0]!) as { promptTokens: number };
    expect(plainUnit.promptTokens).toBeLessThan(unit.promptTokens);

    const bad = templateFile('{% if %}');
    const b = await runCli(['measure', ...SMALL, '--chat-template', bad, '--out', mkdtempSync(path.join(tmpdir(), 'chat-bad-'))]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toContain(`${bad}: not a valid Jinja chat template`);
  }, 300_000);
});

// Like the other gguf: tests, skipped without node-llama-cpp (scripts/install-node-llama-cpp.sh).
(nodeLlamaCppInstalled ? describe : describe.skip)('chat templates on a gguf: model (converted stories260K)', () => {
  it('tokenizes rendered special-token text as the special tokens, and measure uses it', async () => {
    const file = await convertStories();
    const model = await loadGguf(parseModelSpec(`gguf:${file}#threads=1`));
    try {
      // llama2.c's tok512: <s> = 1, </s> = 2 (its first pieces after <unk> = 0). Plain text spells them out.
      const special = model.tokenizer.encode('Hi</s> there<s>', { special: true });
      expect(special[0]).toBe(1); // the BOS the tokenizer adds
      expect(special.filter((id) => id === 2)).toHaveLength(1);
      expect(special.at(-1)).toBe(1);
      expect(model.tokenizer.encode('Hi</s> there<s>').slice(1)).not.toContain(2);
      // The converter writes no chat template: auto measures plain text.
      expect(await resolveChatTemplate('auto', `gguf:${file}`)).toBeUndefined();

      // --chat-template FILE on the gguf: target: the unit's prompt is the rendered text, tokenized with specials.
      const template = templateFile("{% for m in messages %}{{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}<s>{% endif %}");
      const dir = mkdtempSync(path.join(tmpdir(), 'chat-gguf-run-'));
      const args = ['measure', '--target', `gguf:${file}#threads=1`, '--prompts', MT_BENCH, '--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '2', '--P-max', '4', '--tree-every', '2', '--iid-trees', '20'];
      const r = await runCli([...args, '--chat-template', template, '--out', dir], { timeoutMs: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const unit = JSON.parse(readFileSync(path.join(dir, 'units.jsonl'), 'utf8').split('\n')[0]!) as { promptTokens: number };
      const expected = model.tokenizer.encode(`${Q81}</s><s>`, { special: true });
      expect(expected.slice(-2)).toEqual([2, 1]);
      expect(unit.promptTokens).toBe(expected.length);
    } finally {
      await model.close();
    }
  }, 180_000);
});
