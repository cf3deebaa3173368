export type { Prompt, PromptSet, PromptFormat } from './prompt.js';
export { PROMPT_FORMATS } from './prompt.js';
export { loadPromptSet, parsePromptSet, limitPerTask } from './load.js';
export { builtinPrompts } from './builtin.js';
export { applyChatTemplate } from './templated.js';
