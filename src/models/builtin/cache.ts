/**
 * The on-disk cache of the trained built-in model: `<user cache dir>/specbound/builtin-ngram.bin`
 * (env-paths; `SPECBOUND_CACHE_DIR` overrides the directory). A file that is missing, corrupt
 * (checksum) or from another format or training version is rebuilt. Writes go to a temporary
 * file in the same directory and are renamed into place, so a reader never sees half a file and
 * two processes training at once both end with a complete file (the last rename wins; both are
 * identical).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { writeFileAtomicSync } from '../../core/atomic-file.js';
import { decodeModelFile, encodeModelFile, type TrainedModel, type TrainingConfig } from './model-file.js';
import { DEFAULT_TRAINING_CONFIG, trainBuiltinModel } from './train.js';

export const CACHE_FILE_NAME = 'builtin-ngram.bin';

/** The directory of specbound's cache (`SPECBOUND_CACHE_DIR`, else the platform's user cache directory). */
export function cacheDirectory(): string {
  const override = process.env['SPECBOUND_CACHE_DIR'];
  if (override !== undefined && override !== '') return path.resolve(override);
  return envPaths('specbound', { suffix: '' }).cache;
}

export function builtinModelCachePath(): string {
  return path.join(cacheDirectory(), CACHE_FILE_NAME);
}

export interface LoadedBuiltinModel {
  readonly model: TrainedModel;
  /** Where it came from: read from the cache, or trained now (and why). */
  readonly source: { readonly kind: 'cache'; readonly file: string } | { readonly kind: 'trained'; readonly reason: string; readonly file: string };
}

/**
 * Reads the cached model, or trains and caches it. `log` receives one line when training starts;
 * `train` (tests pass a small one) produces the model for `config`.
 */
export function loadOrTrainBuiltinModel(
  config: TrainingConfig = DEFAULT_TRAINING_CONFIG,
  log: (line: string) => void = () => {},
  train: (config: TrainingConfig) => TrainedModel = trainBuiltinModel,
): LoadedBuiltinModel {
  const file = builtinModelCachePath();
  let reason = 'no cached model';
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(file);
  } catch {
    bytes = undefined;
  }
  if (bytes !== undefined) {
    const decoded = decodeModelFile(bytes, config);
    if (!('problem' in decoded)) return { model: decoded, source: { kind: 'cache', file } };
    reason = `cached model unusable: ${decoded.problem}`;
  }
  log(`training the built-in model on the Brown corpus (${reason}); it will be cached in ${file}`);
  const model = train(config);
  writeCacheFile(file, encodeModelFile(model));
  return { model, source: { kind: 'trained', reason, file } };
}

/** Writes atomically (core/atomic-file.ts). A cache that cannot be written is a warning on stderr, not an error. */
function writeCacheFile(file: string, bytes: Uint8Array): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomicSync(file, bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    process.stderr.write(`specbound: warning: could not cache the built-in model in ${file} (${reason}); it will be trained again next time\n`);
  }
}
