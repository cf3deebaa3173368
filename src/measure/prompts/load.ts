/**
 * `--prompts builtin|PATH`: loads a prompt set, detecting the format by content:
 * - not JSON on its first non-blank line → plain text, one prompt per line;
 * - `{task_id, prompt, entry_point}` → HumanEval; `{question, answer}` → GSM8K;
 * - `{question_id, category, turns}` → Spec-Bench when any category is one only Spec-Bench has
 *   (translation, summarization, qa, math_reasoning, rag), otherwise MT-bench;
 * - any other JSONL → generic (`prompt`/`text`/`question`/`input`/`instruction`, optional `task`).
 * `.gz` files are decompressed. Errors name `file:line`.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputFileError, InvalidValueError } from '../../core/errors.js';
import { builtinPrompts } from './builtin.js';
import { readGenericJsonl } from './generic-jsonl.js';
import { looksLikeGsm8k, readGsm8k } from './gsm8k.js';
import { looksLikeHumanEval, readHumanEval } from './humaneval.js';
import { parseJsonLines } from './jsonl-lines.js';
import { readMtBench } from './mt-bench.js';
import { readPlainText } from './plain-text.js';
import type { Prompt, PromptFormat, PromptSet } from './prompt.js';
import { looksLikeSpecBench, readSpecBench } from './spec-bench.js';

/** Reads a prompt set's text already in memory (`file` names it in errors). */
export function parsePromptSet(file: string, text: string): { format: PromptFormat; prompts: Prompt[] } {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (firstLine === undefined) throw new InputFileError(file, undefined, 'no prompts (the file is empty)');
  let firstIsObject = false;
  try {
    const v: unknown = JSON.parse(firstLine);
    firstIsObject = typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    firstIsObject = false;
  }
  if (!firstIsObject) return { format: 'text', prompts: readPlainText(file, text) };
  const records = parseJsonLines(file, text);
  const first = records[0]!;
  if (looksLikeHumanEval(first)) return { format: 'humaneval', prompts: readHumanEval(file, records) };
  if (looksLikeGsm8k(first)) return { format: 'gsm8k', prompts: readGsm8k(file, records) };
  if ('question_id' in first.value && 'category' in first.value && 'turns' in first.value) {
    return looksLikeSpecBench(records) ? { format: 'spec-bench', prompts: readSpecBench(file, records) } : { format: 'mt-bench', prompts: readMtBench(file, records) };
  }
  return { format: 'jsonl', prompts: readGenericJsonl(file, records) };
}

/** `builtin` or a path to a prompt file. */
export function loadPromptSet(name: string, source = '--prompts'): PromptSet {
  if (name === 'builtin') return { name, format: 'builtin', prompts: builtinPrompts() };
  let stat;
  try {
    stat = statSync(name);
  } catch {
    throw new InvalidValueError('prompts', name, 'no such file; expected builtin or a path to a prompt file (Spec-Bench, MT-bench, HumanEval, GSM8K JSONL, JSONL or plain text)', source);
  }
  if (!stat.isFile()) throw new InvalidValueError('prompts', name, 'not a file', source);
  let bytes = readFileSync(name);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new InputFileError(name, undefined, `not a valid gzip file (${(err as Error).message})`);
    }
  }
  const { format, prompts } = parsePromptSet(name, bytes.toString('utf8'));
  if (prompts.length === 0) throw new InputFileError(name, undefined, 'no prompts found');
  return { name, format, prompts };
}

/** Selects prompts: at most `perTask` of each task (in file order), so large sets stay affordable. */
export function limitPerTask(prompts: readonly Prompt[], perTask: number): Prompt[] {
  const counts = new Map<string, number>();
  return prompts.filter((p) => {
    const n = counts.get(p.task) ?? 0;
    if (n >= perTask) return false;
    counts.set(p.task, n + 1);
    return true;
  });
}
