/** GSM8K JSONL (openai/grade-school-math): `{question, answer}` → task `math`; the prompt is the question. */
import { stringField, type JsonLine } from './jsonl-lines.js';
import type { Prompt } from './prompt.js';

export function looksLikeGsm8k(record: JsonLine): boolean {
  return typeof record.value['question'] === 'string' && typeof record.value['answer'] === 'string' && !('question_id' in record.value);
}

export function readGsm8k(file: string, records: readonly JsonLine[]): Prompt[] {
  return records.map((r) => ({ id: `gsm8k/${r.line}`, task: 'math', text: stringField(file, r, 'question'), source: `${file}:${r.line}` }));
}
