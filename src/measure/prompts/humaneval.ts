/** HumanEval JSONL (openai/human-eval): `{task_id, prompt, entry_point, …}` → task `code`. */
import { stringField, type JsonLine } from './jsonl-lines.js';
import type { Prompt } from './prompt.js';

export function looksLikeHumanEval(record: JsonLine): boolean {
  return typeof record.value['task_id'] === 'string' && 'prompt' in record.value && 'entry_point' in record.value;
}

export function readHumanEval(file: string, records: readonly JsonLine[]): Prompt[] {
  return records.map((r) => ({ id: stringField(file, r, 'task_id'), task: 'code', text: stringField(file, r, 'prompt'), source: `${file}:${r.line}` }));
}
