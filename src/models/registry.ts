/**
 * `loadModel('llama2c:…')` → a LanguageModel. Each backend lives in its own folder and is
 * imported only when used, so `specbound bound` never loads model code.
 */
import type { LanguageModel } from './model.js';
import { parseModelSpec, type ModelSpec } from './spec.js';

type Loader = (spec: ModelSpec) => Promise<LanguageModel>;

const loaders: Record<string, Loader> = {
  llama2c: async (spec) => (await import('./llama2c/load.js')).loadLlama2cModel(spec),
  'llama2c-skip': async (spec) => (await import('./llama2c/load.js')).loadLlama2cModel(spec),
  builtin: async (spec) => (await import('./builtin/load.js')).loadBuiltinModel(spec),
  'builtin-draft': async (spec) => (await import('./builtin/load.js')).loadBuiltinModel(spec),
  openai: async (spec) => (await import('./openai/load.js')).loadOpenAIModel(spec),
  gguf: async (spec) => (await import('./gguf/load.js')).loadGgufModel(spec),
};

export async function loadModel(text: string, source = '--model'): Promise<LanguageModel> {
  const spec = parseModelSpec(text, source);
  const loader = loaders[spec.scheme];
  if (loader === undefined) throw new Error(`no loader for ${spec.scheme}`);
  return loader(spec);
}
