/**
 * Model spellings, the same in every command that takes a model:
 *   llama2c:PATH[#tokenizer=PATH]      llama2c-skip:PATH#layers=0,1,3[&tokenizer=PATH]
 *   builtin | builtin-draft            openai:URL[,URL…]#model=NAME[&logprobs=K]
 *   gguf:PATH[#threads=N&gpu-layers=N&context=N&sequences=N&mode=exact|fast]
 */
import { InvalidValueError } from '../core/errors.js';

export interface ModelSpec {
  /** What the user typed. */
  readonly text: string;
  /** The backend: `llama2c`, `llama2c-skip`, `builtin`, `builtin-draft`, `openai`, `gguf`. */
  readonly scheme: string;
  /** What follows `scheme:` up to `#` (a path or URLs); empty for `builtin`. */
  readonly location: string;
  /** `key=value` pairs after `#`, separated by `&`. */
  readonly params: ReadonlyMap<string, string>;
}

export const MODEL_SCHEMES = ['llama2c', 'llama2c-skip', 'builtin', 'builtin-draft', 'openai', 'gguf'] as const;

export function parseModelSpec(text: string, source = '--model'): ModelSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidValueError('model', text, 'empty; expected e.g. builtin, llama2c:PATH, openai:URL#model=NAME', source);
  const colon = trimmed.indexOf(':');
  const scheme = colon < 0 ? trimmed.split('#')[0]! : trimmed.slice(0, colon);
  if (!(MODEL_SCHEMES as readonly string[]).includes(scheme)) {
    throw new InvalidValueError('model', text, `unknown kind "${scheme}"; expected one of ${MODEL_SCHEMES.join(', ')}`, source);
  }
  const rest = colon < 0 ? trimmed.slice(scheme.length) : trimmed.slice(colon + 1);
  const hash = rest.indexOf('#');
  const location = hash < 0 ? rest : rest.slice(0, hash);
  const params = new Map<string, string>();
  if (hash >= 0) {
    for (const part of rest.slice(hash + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new InvalidValueError('model', text, `parameter "${part}" is not key=value`, source);
      params.set(part.slice(0, eq), decodeURIComponent(part.slice(eq + 1)));
    }
  }
  return { text: trimmed, scheme, location: location.startsWith('#') ? '' : location, params };
}
