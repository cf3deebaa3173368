/**
 * Any JSONL of prompts: each object carries its text in the first present of `prompt`, `text`,
 * `question`, `input`, `instruction`, or `turns[0]`, and optionally its task in `task` or
 * `category` (default: `default`), and an `id`.
 */
import { InputFileError } from '../../core/errors.js';
import { firstTurn, type JsonLine } from './jsonl-lines.js';
import type { Prompt } from './prompt.js';

export const TEXT_FIELDS = ['prompt', 'text', 'question', 'input', 'instruction'] as const;

export function readGenericJsonl(file: string, records: readonly JsonLine[]): Prompt[] {
  return records.map((r) => {
    let text: string | undefined;
    for (const f of TEXT_FIELDS) {
      const v = r.value[f];
      if (typeof v === 'string') {
        text = v;
        break;
      }
    }
    if (text === undefined && 'turns' in r.value) text = firstTurn(file, r);
    if (text === undefined) throw new InputFileError(file, r.line, `no prompt text: expected a string field ${[...TEXT_FIELDS, 'turns'].join(', ')}`);
    if (text.trim() === '') throw new InputFileError(file, r.line, 'the prompt text is empty');
    const task = r.value['task'] ?? r.value['category'];
    if (task !== undefined && (typeof task !== 'string' || task.trim() === '')) throw new InputFileError(file, r.line, 'field "task" must be a non-empty string');
    const id = r.value['id'];
    return { id: typeof id === 'string' || typeof id === 'number' ? String(id) : String(r.line), task: task ?? 'default', text, source: `${file}:${r.line}` };
  });
}
