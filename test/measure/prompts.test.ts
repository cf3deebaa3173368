import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputFileError, InvalidValueError } from '../../src/core/errors.js';
import { builtinPrompts, limitPerTask, loadPromptSet, parsePromptSet } from '../../src/measure/prompts/index.js';
import { SHARED } from '../helpers/cli.js';

const data = (name: string) => path.join(SHARED, 'data', name);

describe('loadPromptSet on the shared public sets', () => {
  it('loadPromptSet(specbench_question.jsonl) detects Spec-Bench and maps its 13 categories to 6 tasks', () => {
    const set = loadPromptSet(data('specbench_question.jsonl'));
    expect(set.format).toBe('spec-bench');
    expect(set.prompts.length).toBe(480); // SOURCES.md: 480 records
    const counts: Record<string, number> = {};
    for (const p of set.prompts) counts[p.task] = (counts[p.task] ?? 0) + 1;
    // SOURCES.md: ids 81–160 MT-bench (8 categories × 10), then 80 each of the others.
    expect(counts).toEqual({ conversation: 80, translation: 80, summarisation: 80, qa: 80, math: 80, rag: 80 });
    expect(set.prompts[0]!.text.startsWith('Compose an engaging travel blog post')).toBe(true);
    expect(set.prompts[0]!.source).toBe(`${data('specbench_question.jsonl')}:1`);
  });

  it('loadPromptSet(mtbench_question.jsonl) detects MT-bench: 80 conversation prompts', () => {
    const set = loadPromptSet(data('mtbench_question.jsonl'));
    expect(set.format).toBe('mt-bench');
    expect(set.prompts.length).toBe(80);
    expect(new Set(set.prompts.map((p) => p.task))).toEqual(new Set(['conversation']));
  });

  it('loadPromptSet(HumanEval.jsonl) detects HumanEval: 164 code prompts with their task ids', () => {
    const set = loadPromptSet(data('HumanEval.jsonl'));
    expect(set.format).toBe('humaneval');
    expect(set.prompts.length).toBe(164);
    expect(set.prompts[0]!.id).toBe('HumanEval/0');
    expect(set.prompts[0]!.text).toContain('def has_close_elements');
    expect(set.prompts.every((p) => p.task === 'code')).toBe(true);
  });

  it('loadPromptSet(gsm8k_test.jsonl) detects GSM8K: 1,319 math questions', () => {
    const set = loadPromptSet(data('gsm8k_test.jsonl'));
    expect(set.format).toBe('gsm8k');
    expect(set.prompts.length).toBe(1319);
    expect(set.prompts[0]!.text.startsWith('Janet')).toBe(true);
  });
});

describe('builtinPrompts', () => {
  it('builtinPrompts() has prompts for each of the six tasks and stable ids', () => {
    const prompts = builtinPrompts();
    const tasks = new Set(prompts.map((p) => p.task));
    expect(tasks).toEqual(new Set(['conversation', 'code', 'math', 'summarisation', 'qa', 'story']));
    expect(new Set(prompts.map((p) => p.id)).size).toBe(prompts.length);
    expect(loadPromptSet('builtin').prompts).toEqual(prompts);
  });

  it('limitPerTask(prompts, 2) keeps the first two of each task in order', () => {
    const limited = limitPerTask(builtinPrompts(), 2);
    expect(limited.length).toBe(12);
    expect(limited.slice(0, 2).map((p) => p.id)).toEqual(['conversation-1', 'conversation-2']);
  });
});

describe('parsePromptSet formats and errors', () => {
  it('parsePromptSet(plain text) takes one prompt per non-blank line and unescapes \\n', () => {
    const { format, prompts } = parsePromptSet('p.txt', 'first prompt\n\nsecond\\nline two\n');
    expect(format).toBe('text');
    expect(prompts.map((p) => [p.text, p.source])).toEqual([
      ['first prompt', 'p.txt:1'],
      ['second\nline two', 'p.txt:3'],
    ]);
  });

  it('parsePromptSet(generic JSONL) reads text from prompt/text/question/input and the task label', () => {
    const { format, prompts } = parsePromptSet('g.jsonl', '{"text":"a","task":"t1"}\n{"input":"b"}\n{"prompt":"c","category":"t2","id":7}\n');
    expect(format).toBe('jsonl');
    expect(prompts.map((p) => [p.text, p.task, p.id])).toEqual([
      ['a', 't1', '1'],
      ['b', 'default', '2'],
      ['c', 't2', '7'],
    ]);
  });

  it('parsePromptSet names file:line for malformed JSON after the first line', () => {
    expect(() => parsePromptSet('bad.jsonl', '{"text":"a"}\n{"text": oops}\n')).toThrow(InputFileError);
    expect(() => parsePromptSet('bad.jsonl', '{"text":"a"}\n{"text": oops}\n')).toThrow(/^bad\.jsonl:2: not valid JSON/);
  });

  it('parsePromptSet names file:line for a record without prompt text, or an empty one', () => {
    expect(() => parsePromptSet('x.jsonl', '{"text":"a"}\n\n{"foo":1}\n')).toThrow(/^x\.jsonl:3: no prompt text/);
    expect(() => parsePromptSet('x.jsonl', '{"text":"  "}\n')).toThrow(/^x\.jsonl:1: the prompt text is empty/);
  });

  it('parsePromptSet names file:line for a HumanEval record without a prompt and an unknown Spec-Bench category', () => {
    const he = '{"task_id":"HumanEval/0","prompt":"def f():","entry_point":"f"}\n{"task_id":"HumanEval/1","entry_point":"g"}\n';
    expect(() => parsePromptSet('he.jsonl', he)).toThrow(/^he\.jsonl:2: field "prompt" is missing/);
    const sb = '{"question_id":1,"category":"qa","turns":["q"]}\n{"question_id":2,"category":"poetry","turns":["r"]}\n';
    expect(() => parsePromptSet('sb.jsonl', sb)).toThrow(/^sb\.jsonl:2: unknown Spec-Bench category "poetry"/);
  });

  it('parsePromptSet rejects an empty file and loadPromptSet a missing one, naming the value', () => {
    expect(() => parsePromptSet('e.txt', '\n  \n')).toThrow(/^e\.txt: no prompts/);
    expect(() => loadPromptSet('/nonexistent/prompts.jsonl')).toThrow(InvalidValueError);
    expect(() => loadPromptSet('/nonexistent/prompts.jsonl')).toThrow(/"\/nonexistent\/prompts\.jsonl"/);
  });

  it('loadPromptSet reads gzip-compressed files and reports a truncated one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'));
    const good = path.join(dir, 'p.jsonl.gz');
    const gz = gzipSync('{"text":"hello","task":"t"}\n');
    writeFileSync(good, gz);
    expect(loadPromptSet(good).prompts[0]!.text).toBe('hello');
    const bad = path.join(dir, 'bad.gz');
    writeFileSync(bad, gz.subarray(0, gz.length - 6));
    expect(() => loadPromptSet(bad)).toThrow(/bad\.gz: not a valid gzip file/);
  });
});

describe('question_id in prompt ids', () => {
  it('keeps numbers and strings and refuses an object (it became "[object Object]")', () => {
    const mt = (id: string) => `{"question_id": ${id}, "category": "writing", "turns": ["Hi"]}\n`;
    expect(parsePromptSet('q.jsonl', mt('81') + mt('"a-7"')).prompts.map((p) => p.id)).toEqual(['mt-bench/81', 'mt-bench/a-7']);
    expect(() => parsePromptSet('q.jsonl', mt('81') + mt('{"n": 1}'))).toThrow(new InputFileError('q.jsonl', 2, 'field "question_id" must be a number or a string, got {"n":1}'));
  });
});
