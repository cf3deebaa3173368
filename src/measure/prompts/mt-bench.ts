/**
 * MT-bench `question.jsonl` (FastChat llm_judge): `{question_id, category, turns}`. The paper
 * reports MT-bench as one task (`conversation`); the prompt is the first turn, a chat turn
 * (rendered through the model's chat template when the run uses one).
 */
import { firstTurn, questionId, type JsonLine } from './jsonl-lines.js';
import type { Prompt } from './prompt.js';

export function readMtBench(file: string, records: readonly JsonLine[]): Prompt[] {
  return records.map((r) => ({
    id: `mt-bench/${questionId(file, r)}`,
    task: 'conversation',
    text: firstTurn(file, r),
    source: `${file}:${r.line}`,
    chat: true,
  }));
}
