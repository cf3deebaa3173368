/**
 * `llama2c:PATH[#tokenizer=PATH]` and `llama2c-skip:PATH#layers=0,1,3[&tokenizer=PATH]` →
 * a `Llama2cModel`.
 *
 * Tokenizer lookup when `tokenizer=` is not given, in the checkpoint's folder:
 *   1. `tok<V>.bin` where V is the model's vocabulary size (llama2.c's name for custom
 *      tokenizers, e.g. `tok512.bin` for stories260K), then
 *   2. `tokenizer.bin` (llama2.c's default 32000-token Llama 2 tokenizer, stories15M/42M/110M).
 * Whatever is found must hold exactly the model's vocabulary.
 *
 * Layer skipping (`llama2c-skip`): `layers=` lists the transformer blocks that run (0-based,
 * comma-separated, run in model order); the others are skipped, a self-drafter from the same
 * weights (LayerSkip, Draft & Verify). Both spellings of the same file share one copy of the
 * weights in memory while either is alive.
 */
import { access } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidValueError } from '../../core/errors.js';
import type { LanguageModel } from '../model.js';
import type { ModelSpec } from '../spec.js';
import { readLlama2cCheckpoint, type Llama2cCheckpoint } from './checkpoint.js';
import { Llama2cModel } from './model.js';
import { readLlama2cTokenizer } from './tokenizer.js';

const KNOWN_PARAMS: Record<string, readonly string[]> = {
  llama2c: ['tokenizer'],
  'llama2c-skip': ['layers', 'tokenizer'],
};

export async function loadLlama2cModel(spec: ModelSpec): Promise<LanguageModel> {
  return loadLlama2c(spec);
}

/** Same as `loadLlama2cModel`, typed as the concrete model (tests, benchmarks). */
export async function loadLlama2c(spec: ModelSpec, source = '--model'): Promise<Llama2cModel> {
  const known = KNOWN_PARAMS[spec.scheme];
  if (known === undefined) throw new InvalidValueError('model', spec.text, `not a llama2c spelling (kind ${spec.scheme})`, source);
  for (const key of spec.params.keys()) {
    if (!known.includes(key)) throw new InvalidValueError('model', spec.text, `unknown parameter "${key}"; ${spec.scheme} takes ${known.join(', ')}`, source);
  }
  if (spec.location === '') throw new InvalidValueError('model', spec.text, `no checkpoint path; expected ${spec.scheme}:PATH`, source);
  const checkpointFile = path.resolve(spec.location);
  const checkpoint = await cachedCheckpoint(checkpointFile);
  const V = checkpoint.config.vocabSize;
  const tokenizerFile = await findTokenizer(spec, checkpointFile, V, source);
  const tokenizer = await readLlama2cTokenizer(tokenizerFile, V, checkpointFile);
  let layers: number[] | undefined;
  if (spec.scheme === 'llama2c-skip') {
    const text = spec.params.get('layers');
    if (text === undefined) throw new InvalidValueError('model', spec.text, 'llama2c-skip needs #layers=LIST, e.g. #layers=0,1,3', source);
    layers = parseLayerList(text, checkpoint.config.nLayers, checkpointFile);
  }
  return new Llama2cModel(spec.text, checkpoint, tokenizer, tokenizerFile, layers);
}

/** `0,1,3` → [0, 1, 3]: distinct integers in 0..nLayers−1, returned ascending. */
export function parseLayerList(text: string, nLayers: number, checkpointFile: string): number[] {
  const where = `layers=, model ${checkpointFile} has layers 0..${nLayers - 1}`;
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new InvalidValueError('layer list', text, `empty item; expected e.g. 0,1,3 (${where})`);
  const seen = new Set<number>();
  for (const p of parts) {
    if (!/^\d+$/.test(p)) throw new InvalidValueError('layer list', text, `"${p}" is not a layer number (${where})`);
    const l = Number(p);
    if (l >= nLayers) throw new InvalidValueError('layer list', text, `layer ${l} is outside the model (${where})`);
    if (seen.has(l)) throw new InvalidValueError('layer list', text, `layer ${l} is listed twice (${where})`);
    seen.add(l);
  }
  return [...seen].sort((a, b) => a - b);
}

async function findTokenizer(spec: ModelSpec, checkpointFile: string, vocabSize: number, source: string): Promise<string> {
  const given = spec.params.get('tokenizer');
  if (given !== undefined) {
    if (given === '') throw new InvalidValueError('model', spec.text, 'tokenizer= is empty; expected tokenizer=PATH', source);
    return path.resolve(given);
  }
  const dir = path.dirname(checkpointFile);
  const candidates = [path.join(dir, `tok${vocabSize}.bin`), path.join(dir, 'tokenizer.bin')];
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch {
      // try the next name
    }
  }
  throw new InvalidValueError('model', spec.text, `no tokenizer next to the checkpoint (looked for ${candidates.join(' and ')}); add #tokenizer=PATH`, source);
}

/** Checkpoints currently alive, by file identity, so a verifier and its drafter share weights. */
const loaded = new Map<string, { ref: WeakRef<Llama2cCheckpoint> } | { pending: Promise<Llama2cCheckpoint> }>();

async function cachedCheckpoint(file: string): Promise<Llama2cCheckpoint> {
  let key = file;
  try {
    const s = await stat(file);
    key = `${file}\0${s.size}\0${s.mtimeMs}`;
  } catch {
    // readLlama2cCheckpoint reports the missing file
  }
  const entry = loaded.get(key);
  if (entry !== undefined) {
    if ('pending' in entry) return entry.pending;
    const alive = entry.ref.deref();
    if (alive !== undefined) return alive;
  }
  const pending = readLlama2cCheckpoint(file);
  loaded.set(key, { pending });
  try {
    const checkpoint = await pending;
    loaded.set(key, { ref: new WeakRef(checkpoint) });
    return checkpoint;
  } catch (err) {
    loaded.delete(key);
    throw err;
  }
}
