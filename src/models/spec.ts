/**
 * The syntax of model spellings, the same in every command that takes a model:
 * `scheme[:location][#key=value&…]`, e.g. `llama2c:PATH#tokenizer=PATH`, `builtin`,
 * `openai:URL[,URL…]#model=NAME`. Which schemes exist is the table in registry.ts.
 */
import { InvalidValueError } from '../core/errors.js';

export interface ModelSpec {
  /** What the user typed. */
  readonly text: string;
  /** The backend (a key of `MODEL_SCHEMES` in registry.ts once checked by `parseModelSpelling`). */
  readonly scheme: string;
  /** What follows `scheme:` up to `#` (a path or URLs); empty for `builtin`. */
  readonly location: string;
  /** `key=value` pairs after `#`, separated by `&`. */
  readonly params: ReadonlyMap<string, string>;
}

/** Splits a spelling into scheme, location and parameters (any scheme: registry.ts checks it is known). */
export function parseModelSpec(text: string, source = '--model'): ModelSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidValueError('model', text, 'empty; expected e.g. builtin, llama2c:PATH, openai:URL#model=NAME', source);
  const colon = trimmed.indexOf(':');
  const scheme = colon < 0 ? trimmed.split('#')[0]! : trimmed.slice(0, colon);
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
