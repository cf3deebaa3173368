/**
 * A run's prompts as the model sees them: conversational prompts (`chat`) rendered through the
 * run's chat template (models/chat-template.ts) as one user turn with the assistant's turn
 * opened; other prompts, and every prompt when the run has no template, stay plain text.
 */
import type { ChatTemplate } from '../../models/chat-template.js';
import type { Prompt } from './prompt.js';

export function applyChatTemplate(prompts: readonly Prompt[], template: ChatTemplate | undefined): readonly Prompt[] {
  if (template === undefined) return prompts;
  return prompts.map((p) => (p.chat === true ? { ...p, text: template.render([{ role: 'user', content: p.text }]), templated: true } : p));
}
