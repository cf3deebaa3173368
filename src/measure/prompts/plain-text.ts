/**
 * Plain text: one prompt per non-blank line, task `default`. A literal `\n` in a line stands for
 * a newline inside the prompt (so multi-line prompts fit on one line).
 */
import type { Prompt } from './prompt.js';

export function readPlainText(file: string, text: string): Prompt[] {
  const out: Prompt[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    out.push({ id: String(i + 1), task: 'default', text: line.replace(/\\n/g, '\n'), source: `${file}:${i + 1}` });
  });
  return out;
}
