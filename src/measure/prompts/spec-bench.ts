/**
 * Spec-Bench `question.jsonl` (github.com/hemingkx/Spec-Bench): `{question_id, category, turns}`.
 * Categories map to the tasks of the paper's Table 1: the 8 MT-bench categories → `conversation`,
 * `translation`, `summarization` (CNN/DailyMail) → `summarisation`, `qa` (Natural Questions),
 * `math_reasoning` (GSM8K) → `math`, `rag`. The prompt is the first turn, a chat turn (rendered
 * through the model's chat template when the run uses one).
 */
import { InputFileError } from '../../core/errors.js';
import { firstTurn, questionId, type JsonLine } from './jsonl-lines.js';
import type { Prompt } from './prompt.js';

/** MT-bench's own categories (Spec-Bench question ids 81–160). */
export const MT_BENCH_CATEGORIES = ['writing', 'roleplay', 'reasoning', 'math', 'coding', 'extraction', 'stem', 'humanities'] as const;

/** Spec-Bench categories beyond MT-bench, and the task each is reported under. */
export const SPEC_BENCH_TASKS: Readonly<Record<string, string>> = {
  translation: 'translation',
  summarization: 'summarisation',
  qa: 'qa',
  math_reasoning: 'math',
  rag: 'rag',
};

/** True when records look like Spec-Bench (a category only Spec-Bench has). */
export function looksLikeSpecBench(records: readonly JsonLine[]): boolean {
  return records.some((r) => typeof r.value['category'] === 'string' && r.value['category'] in SPEC_BENCH_TASKS);
}

export function readSpecBench(file: string, records: readonly JsonLine[]): Prompt[] {
  return records.map((r) => {
    const category = r.value['category'];
    if (typeof category !== 'string') throw new InputFileError(file, r.line, 'field "category" is missing');
    const task = SPEC_BENCH_TASKS[category] ?? ((MT_BENCH_CATEGORIES as readonly string[]).includes(category) ? 'conversation' : undefined);
    if (task === undefined) {
      throw new InputFileError(file, r.line, `unknown Spec-Bench category "${category}" (expected ${[...MT_BENCH_CATEGORIES, ...Object.keys(SPEC_BENCH_TASKS)].join(', ')})`);
    }
    return { id: `spec-bench/${questionId(file, r)}`, task, text: firstTurn(file, r), source: `${file}:${r.line}`, chat: true };
  });
}
