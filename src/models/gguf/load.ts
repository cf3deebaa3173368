/**
 * `gguf:PATH[#threads=N&gpu-layers=N&context=N&sequences=N&mode=exact|fast]` → a `GgufModel`.
 *
 * - threads: CPU threads for llama.cpp (default min(2, cores): fast on a small shared machine).
 * - gpu-layers: layers offloaded to a GPU (default 0 = CPU only; > 0 loads node-llama-cpp's GPU build).
 * - context: tokens of context per sequence (default min(2048, the model's training context)).
 * - sequences: prefix-cache sequences (default 4); memory is context × sequences KV cells.
 * - backend: `auto` (default): llama.cpp's C API through koffi when it loads and its struct
 *   layouts check out (CPU), else node-llama-cpp's public API; `capi` or `public` to insist.
 * - mode: `exact` (default): float32 KV cache, no flash attention, so distributions match a
 *   float32 reference to ~1e-6; `fast`: llama.cpp's defaults (float16 KV cache, flash attention
 *   where supported), whose rounding moved log-probabilities of stories260K by up to 0.02 nats
 *   (exact: 8e-6).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { InputFileError, InvalidValueError, SpecboundError } from '../../core/errors.js';
import type { LanguageModel } from '../model.js';
import type { ModelSpec } from '../spec.js';
import { readGgufHeader } from './gguf-file.js';
import { CApiEngine } from './capi-engine.js';
import { GgufModel, type GgufModelSettings } from './gguf-model.js';
import { CApiContext, loadCApi, type CApi } from './llama-c-api.js';
import { firstLine, getLlama, llamaLog } from './node-llama-cpp.js';

const KNOWN = ['threads', 'gpu-layers', 'context', 'sequences', 'mode', 'backend'] as const;
/** KV cells the C API context holds beyond the context: one per live draft-tree node. */
export const TREE_CELLS = 1024;
export const DEFAULT_CONTEXT = 2048;
export const DEFAULT_SEQUENCES = 4;

export async function loadGgufModel(spec: ModelSpec, source = '--model'): Promise<LanguageModel> {
  return loadGguf(spec, source);
}

function intParam(spec: ModelSpec, key: string, min: number, source: string): number | undefined {
  const text = spec.params.get(key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new InvalidValueError('model', spec.text, `${key}=${text} is not an integer ≥ ${min}`, source);
  return Number(text);
}

/** Same as `loadGgufModel`, typed as the concrete model (tests, benchmarks). */
export async function loadGguf(spec: ModelSpec, source = '--model'): Promise<GgufModel> {
  for (const key of spec.params.keys()) {
    if (!(KNOWN as readonly string[]).includes(key)) throw new InvalidValueError('model', spec.text, `unknown parameter "${key}"; gguf takes ${KNOWN.join(', ')}`, source);
  }
  if (spec.location === '') throw new InvalidValueError('model', spec.text, 'no model path; expected gguf:PATH', source);
  const mode = spec.params.get('mode') ?? 'exact';
  if (mode !== 'exact' && mode !== 'fast') throw new InvalidValueError('model', spec.text, `mode=${mode}; expected exact or fast`, source);
  const threads = intParam(spec, 'threads', 1, source) ?? Math.min(2, availableParallelism());
  const gpuLayers = intParam(spec, 'gpu-layers', 0, source) ?? 0;
  const sequences = intParam(spec, 'sequences', 1, source) ?? DEFAULT_SEQUENCES;
  const askedContext = intParam(spec, 'context', 2, source);
  const backend = spec.params.get('backend') ?? 'auto';
  if (backend !== 'auto' && backend !== 'capi' && backend !== 'public') throw new InvalidValueError('model', spec.text, `backend=${backend}; expected auto, capi or public`, source);
  const file = path.resolve(spec.location);

  // Our own header read first: a missing file, a non-GGUF file and an unknown architecture are
  // named here in one line, before llama.cpp logs anything.
  const header = await readGgufHeader(file);
  const arch = header.metadata.get('general.architecture');
  if (typeof arch !== 'string') throw new InputFileError(file, undefined, 'GGUF file has no general.architecture');
  const llama = await getLlama(gpuLayers > 0);
  const bindings = (llama as unknown as { _bindings?: { getIsArchSupported?(a: string): boolean } })._bindings;
  if (bindings?.getIsArchSupported !== undefined && !bindings.getIsArchSupported(arch)) {
    throw new InputFileError(file, undefined, `architecture "${arch}" is not supported by the llama.cpp in node-llama-cpp 3.21.1`);
  }
  // The C API path (CPU): one token per tree node and raw logits. node-llama-cpp then only tokenizes.
  let capi: CApi | string = 'gpu-layers > 0 uses node-llama-cpp\'s GPU build through its public API';
  if (gpuLayers === 0 && backend !== 'public') capi = await loadCApi();
  if (backend === 'capi' && typeof capi === 'string') throw new InvalidValueError('model', spec.text, `backend=capi: ${capi}`, source);
  const useCApi = typeof capi !== 'string';
  let model;
  try {
    model = await llama.loadModel({ modelPath: file, gpuLayers, ...(useCApi ? { vocabOnly: true } : {}) });
  } catch (err) {
    throw new InputFileError(file, undefined, `llama.cpp cannot load this ${arch} model: ${firstLine(err)}${llamaLog.length > 0 ? ` (${llamaLog.at(-1)})` : ''}`);
  }
  // From the file: node-llama-cpp reports 0 for a vocabulary-only model.
  const trainMeta = header.metadata.get(`${arch}.context_length`);
  const train = typeof trainMeta === 'number' && trainMeta > 0 ? trainMeta : model.trainContextSize;
  if (askedContext !== undefined && askedContext > train) {
    await model.dispose();
    throw new InvalidValueError('model', spec.text, `context=${askedContext} exceeds the model's training context of ${train} tokens`, source);
  }
  const contextSize = askedContext ?? Math.min(DEFAULT_CONTEXT, train);
  const exact = mode === 'exact';
  const tokens = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer?.ggml?.tokens;
  if (!Array.isArray(tokens)) {
    await model.dispose();
    throw new InputFileError(file, undefined, 'GGUF file has no tokenizer.ggml.tokens; specbound needs the model\'s tokenizer');
  }
  const base = { file, threads, gpuLayers, contextSize, trainContextSize: train, sequences, exact, architecture: arch };
  if (typeof capi !== 'string') {
    let context: CApiContext;
    try {
      context = CApiContext.open(capi, file, { nCtx: Math.ceil((contextSize + TREE_CELLS) / 256) * 256, threads, exact });
    } catch (err) {
      await model.dispose();
      throw new SpecboundError(`${spec.text}: ${firstLine(err)}; lower #context=`);
    }
    if (context.vocabSize !== tokens.length) {
      context.close();
      await model.dispose();
      throw new InputFileError(file, undefined, `llama.cpp reports ${context.vocabSize} tokens but tokenizer.ggml.tokens holds ${tokens.length}`);
    }
    const settings: GgufModelSettings = { ...base, backend: 'capi' };
    return new GgufModel(spec.text, settings, model, undefined, tokens.length, new CApiEngine(context, contextSize, spec.text));
  }
  let context;
  try {
    context = await model.createContext({
      contextSize,
      sequences,
      threads,
      flashAttention: !exact,
      ...(exact ? { experimentalKvCacheKeyType: 'F32' as const, experimentalKvCacheValueType: 'F32' as const } : {}),
    });
  } catch (err) {
    await model.dispose();
    throw new SpecboundError(`${spec.text}: llama.cpp cannot create a context of ${contextSize} tokens × ${sequences} sequences (${firstLine(err)}); lower #context= or #sequences=`);
  }
  const settings: GgufModelSettings = { ...base, contextSize: Math.min(contextSize, context.contextSize), backend: 'public', backendNote: capi };
  return new GgufModel(spec.text, settings, model, context, tokens.length);
}
