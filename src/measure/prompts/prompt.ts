import type { ChatMessage } from '../../models/chat-template.js';

/**
 * A prompt of a workload: its text, the task it belongs to (statistics are reported per task,
 * as in the paper's Table 1), and where it came from (`file:line` or `builtin`).
 */
export interface Prompt {
  /** Stable id inside its set (`HumanEval/3`, `spec-bench/241`, `code-2`, line number). */
  readonly id: string;
  /** Task label: `code`, `conversation`, `math`, `summarisation`, `qa`, `translation`, `rag`, `story`, … */
  readonly task: string;
  readonly text: string;
  /** Where it came from, for error messages: `file.jsonl:12` or `builtin`. */
  readonly source: string;
  /** A user turn of a conversation (MT-bench, Spec-Bench): rendered through a chat template when the run uses one. */
  readonly chat?: true;
  /** `text` is already rendered through a chat template (holds special-token text: tokenize with specials parsed). */
  readonly templated?: true;
  /** The conversation the target's server renders with its own chat template (`--chat-template server`). */
  readonly messages?: readonly ChatMessage[];
}

/** A named list of prompts. `name` is what the user passed (`builtin` or a path); `format` how it was read. */
export interface PromptSet {
  readonly name: string;
  readonly format: PromptFormat;
  readonly prompts: readonly Prompt[];
}

export const PROMPT_FORMATS = ['builtin', 'spec-bench', 'mt-bench', 'humaneval', 'gsm8k', 'jsonl', 'text'] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];
