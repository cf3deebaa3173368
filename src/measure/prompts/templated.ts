/**
 * A run's prompts as the model sees them: conversational prompts (`chat`) rendered through the
 * run's chat template (models/chat-template.ts) as one user turn with the assistant's turn
 * opened; other prompts, and every prompt when the run has no template, stay plain text. With
 * the server's template (`--chat-template server`) the text stays as written and the prompt
 * carries its messages, which the target's tokenizer sends to the server (unit.ts promptTokens).
 */
import type { PromptChatTemplate } from '../../models/chat-template.js';
import type { Prompt } from './prompt.js';

export function applyChatTemplate(prompts: readonly Prompt[], template: PromptChatTemplate | undefined): readonly Prompt[] {
  if (template === undefined) return prompts;
  if (template.kind === 'server') return prompts.map((p) => (p.chat === true ? { ...p, messages: [{ role: 'user', content: p.text }] } : p));
  return prompts.map((p) => (p.chat === true ? { ...p, text: template.render([{ role: 'user', content: p.text }]), templated: true } : p));
}
