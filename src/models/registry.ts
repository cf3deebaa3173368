/**
 * THE table of model schemes: `loadModel('llama2c:…')` → a LanguageModel. Each backend lives in
 * its own folder and is imported only when used, so `specbound bound` never loads model code.
 *
 * Adding a backend: a folder with a loader `(spec: ModelSpec) => Promise<LanguageModel>` whose
 * model declares its capabilities (`contextLength`, `remote`, `concurrency`; models/model.ts), and
 * one entry below. The spelling syntax (`scheme:location#key=value&…`) is parsed by spec.ts.
 */
import { InvalidValueError } from '../core/errors.js';
import type { LanguageModel } from './model.js';
import { parseModelSpec, type ModelSpec } from './spec.js';

export interface ModelScheme {
  /** How the spelling looks, for help texts and errors. */
  readonly spelling: string;
  /** Whether its models answer over the network (known before loading: `measure --dry-run` counts their requests). */
  readonly remote: boolean;
  load(spec: ModelSpec): Promise<LanguageModel>;
}

export const MODEL_SCHEMES = {
  llama2c: { remote: false, spelling: 'llama2c:PATH[#tokenizer=PATH]', load: async (spec) => (await import('./llama2c/load.js')).loadLlama2cModel(spec) },
  'llama2c-skip': { remote: false, spelling: 'llama2c-skip:PATH#layers=0,1,3[&tokenizer=PATH]', load: async (spec) => (await import('./llama2c/load.js')).loadLlama2cModel(spec) },
  builtin: { remote: false, spelling: 'builtin', load: async (spec) => (await import('./builtin/load.js')).loadBuiltinModel(spec) },
  'builtin-draft': { remote: false, spelling: 'builtin-draft', load: async (spec) => (await import('./builtin/load.js')).loadBuiltinModel(spec) },
  openai: { remote: true, spelling: 'openai:URL[,URL…]#model=NAME[&logprobs=K]…', load: async (spec) => (await import('./openai/load.js')).loadOpenAIModel(spec) },
  gguf: { remote: false, spelling: 'gguf:PATH[#threads=N&gpu-layers=N&context=N&sequences=N&mode=exact|fast&backend=capi|public]', load: async (spec) => (await import('./gguf/load.js')).loadGgufModel(spec) },
} as const satisfies Readonly<Record<string, ModelScheme>>;

export type ModelSchemeName = keyof typeof MODEL_SCHEMES;
export const MODEL_SCHEME_NAMES = Object.keys(MODEL_SCHEMES) as ModelSchemeName[];

function isScheme(name: string): name is ModelSchemeName {
  return Object.hasOwn(MODEL_SCHEMES, name);
}

/** The parsed spelling of a known scheme; throws InvalidValueError naming `source` otherwise. */
export function parseModelSpelling(text: string, source = '--model'): ModelSpec & { readonly scheme: ModelSchemeName } {
  const spec = parseModelSpec(text, source);
  const scheme = spec.scheme;
  if (!isScheme(scheme)) throw new InvalidValueError('model', text, `unknown kind "${scheme}"; expected one of ${MODEL_SCHEME_NAMES.join(', ')}`, source);
  return { ...spec, scheme };
}

/** Whether a model spelling names a remote model (a server), without loading it. */
export function isRemoteSpelling(text: string, source = '--model'): boolean {
  return MODEL_SCHEMES[parseModelSpelling(text, source).scheme].remote;
}

export async function loadModel(text: string, source = '--model'): Promise<LanguageModel> {
  const spec = parseModelSpelling(text, source);
  return MODEL_SCHEMES[spec.scheme].load(spec);
}
