/**
 * JSON Lines parsing shared by the prompt readers: each non-blank line must be one JSON object;
 * a line that is not becomes an InputFileError naming `file:line`.
 */
import { InputFileError } from '../../core/errors.js';

export interface JsonLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Parses every non-blank line of `text` as a JSON object. */
export function parseJsonLines(file: string, text: string): JsonLine[] {
  const out: JsonLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new InputFileError(file, i + 1, `not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputFileError(file, i + 1, 'expected a JSON object per line');
    }
    out.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return out;
}

/** A required non-empty string field of a JSONL record. */
export function stringField(file: string, record: JsonLine, field: string): string {
  const v = record.value[field];
  if (typeof v !== 'string') throw new InputFileError(file, record.line, `field "${field}" is ${v === undefined ? 'missing' : 'not a string'}`);
  if (v.trim() === '') throw new InputFileError(file, record.line, `field "${field}" is empty`);
  return v;
}

/**
 * A record's `question_id` (a number or a string in MT-bench and Spec-Bench) for prompt ids; the
 * line number when absent. Anything else is an InputFileError: it was turned into "[object Object]".
 */
export function questionId(file: string, record: JsonLine): string {
  const id = record.value['question_id'];
  if (id === undefined || id === null) return String(record.line);
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  throw new InputFileError(file, record.line, `field "question_id" must be a number or a string, got ${JSON.stringify(id)}`);
}

/** The first turn of a `turns` array (MT-bench, Spec-Bench): the prompt we continue. */
export function firstTurn(file: string, record: JsonLine): string {
  const turns = record.value['turns'];
  if (!Array.isArray(turns) || turns.length === 0) throw new InputFileError(file, record.line, 'field "turns" must be a non-empty array of strings');
  const first: unknown = turns[0];
  if (typeof first !== 'string' || first.trim() === '') throw new InputFileError(file, record.line, 'turns[0] must be a non-empty string');
  return first;
}
