/**
 * Transformer shapes for the roofline latency model, from each model's Hugging Face
 * `config.json` (fields named in the comments). The parameter count is computed from the shape
 * (`parameterCount`) and checked against the model card's figure in the tests.
 *
 * A user's own model: pass the path of its `config.json` (`--arch ./config.json`), read by
 * `architectureFromConfig` with the same field names.
 */
import { InvalidValueError } from '../core/errors.js';

export interface ModelArchitecture {
  readonly id: string;
  readonly name: string;
  /** config.json `hidden_size`. */
  readonly hiddenSize: number;
  /** config.json `intermediate_size` (the gated MLP's inner width). */
  readonly intermediateSize: number;
  /** config.json `num_hidden_layers`. */
  readonly layers: number;
  /** config.json `num_attention_heads`. */
  readonly attentionHeads: number;
  /** config.json `num_key_value_heads` (grouped-query attention). */
  readonly kvHeads: number;
  /** config.json `head_dim`, or hidden_size / num_attention_heads when absent. */
  readonly headDim: number;
  /** config.json `vocab_size`. */
  readonly vocabSize: number;
  /** config.json `tie_word_embeddings`: the output head reuses the input embedding. */
  readonly tiedEmbeddings: boolean;
  /** Extra dense parameters outside the layers (EAGLE-3's fusion layer), default 0. */
  readonly extraParameters?: number;
  /** Suggested companions for the engine configs (Hugging Face repo ids), when well known. */
  readonly draftModel?: string;
  /** Preset id of that draft model's architecture (for its roofline). */
  readonly draftArchitecture?: string;
  readonly eagleHead?: string;
  readonly source: string;
}

export const ARCHITECTURE_PRESETS: readonly ModelArchitecture[] = [
  {
    id: 'llama-3.1-8b',
    name: 'Llama 3.1 8B',
    // meta-llama/Llama-3.1-8B-Instruct config.json: hidden_size 4096, intermediate_size 14336,
    // num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, vocab_size 128256,
    // tie_word_embeddings false (head_dim = 4096/32 = 128). Model card: 8.03B parameters.
    hiddenSize: 4096, intermediateSize: 14336, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 128256, tiedEmbeddings: false,
    draftModel: 'meta-llama/Llama-3.2-1B-Instruct',
    draftArchitecture: 'llama-3.2-1b',
    // EAGLE-3 head published by the EAGLE authors (SafeAILab/EAGLE README, "EAGLE-3 weights").
    eagleHead: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B',
    source: 'meta-llama/Llama-3.1-8B-Instruct config.json',
  },
  {
    id: 'llama-3.1-70b',
    name: 'Llama 3.1 / 3.3 70B',
    // meta-llama/Llama-3.1-70B-Instruct (and Llama-3.3-70B-Instruct) config.json: hidden_size 8192,
    // intermediate_size 28672, num_hidden_layers 80, num_attention_heads 64, num_key_value_heads 8,
    // vocab_size 128256, tie_word_embeddings false (head_dim 128). Model card: 70.6B parameters.
    hiddenSize: 8192, intermediateSize: 28672, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 128256, tiedEmbeddings: false,
    draftModel: 'meta-llama/Llama-3.2-1B-Instruct',
    draftArchitecture: 'llama-3.2-1b',
    source: 'meta-llama/Llama-3.1-70B-Instruct config.json',
  },
  {
    id: 'llama-3.2-1b',
    name: 'Llama 3.2 1B',
    // meta-llama/Llama-3.2-1B-Instruct config.json: hidden_size 2048, intermediate_size 8192,
    // num_hidden_layers 16, num_attention_heads 32, num_key_value_heads 8, head_dim 64,
    // vocab_size 128256, tie_word_embeddings true. Model card: 1.23B parameters.
    hiddenSize: 2048, intermediateSize: 8192, layers: 16, attentionHeads: 32, kvHeads: 8, headDim: 64, vocabSize: 128256, tiedEmbeddings: true,
    source: 'meta-llama/Llama-3.2-1B-Instruct config.json',
  },
  {
    id: 'llama-3.2-3b',
    name: 'Llama 3.2 3B',
    // meta-llama/Llama-3.2-3B-Instruct config.json: hidden_size 3072, intermediate_size 8192,
    // num_hidden_layers 28, num_attention_heads 24, num_key_value_heads 8, head_dim 128,
    // vocab_size 128256, tie_word_embeddings true. Model card: 3.21B parameters.
    hiddenSize: 3072, intermediateSize: 8192, layers: 28, attentionHeads: 24, kvHeads: 8, headDim: 128, vocabSize: 128256, tiedEmbeddings: true,
    source: 'meta-llama/Llama-3.2-3B-Instruct config.json',
  },
  {
    id: 'qwen3-8b',
    name: 'Qwen3 8B',
    // Qwen/Qwen3-8B config.json: hidden_size 4096, intermediate_size 12288, num_hidden_layers 36,
    // num_attention_heads 32, num_key_value_heads 8, head_dim 128, vocab_size 151936,
    // tie_word_embeddings false. Model card: 8.2B parameters.
    hiddenSize: 4096, intermediateSize: 12288, layers: 36, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabSize: 151936, tiedEmbeddings: false,
    draftModel: 'Qwen/Qwen3-0.6B',
    draftArchitecture: 'qwen3-0.6b',
    // The EAGLE-3 head of vLLM's CI acceptance baseline (tests/v1/spec_decode/test_acceptance_length.py, qwen3-8b-eagle3).
    eagleHead: 'RedHatAI/Qwen3-8B-speculator.eagle3',
    source: 'Qwen/Qwen3-8B config.json',
  },
  {
    id: 'qwen3-32b',
    name: 'Qwen3 32B',
    // Qwen/Qwen3-32B config.json: hidden_size 5120, intermediate_size 25600, num_hidden_layers 64,
    // num_attention_heads 64, num_key_value_heads 8, head_dim 128, vocab_size 151936,
    // tie_word_embeddings false. Model card: 32.8B parameters.
    hiddenSize: 5120, intermediateSize: 25600, layers: 64, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 151936, tiedEmbeddings: false,
    draftModel: 'Qwen/Qwen3-0.6B',
    draftArchitecture: 'qwen3-0.6b',
    source: 'Qwen/Qwen3-32B config.json',
  },
  {
    id: 'qwen3-0.6b',
    name: 'Qwen3 0.6B',
    // Qwen/Qwen3-0.6B config.json: hidden_size 1024, intermediate_size 3072, num_hidden_layers 28,
    // num_attention_heads 16, num_key_value_heads 8, head_dim 128, vocab_size 151936,
    // tie_word_embeddings true. Model card: 0.6B parameters.
    hiddenSize: 1024, intermediateSize: 3072, layers: 28, attentionHeads: 16, kvHeads: 8, headDim: 128, vocabSize: 151936, tiedEmbeddings: true,
    source: 'Qwen/Qwen3-0.6B config.json',
  },
];

const ARCH_ALIASES: Record<string, string> = {
  'llama3.1-8b': 'llama-3.1-8b',
  'deepseek-r1-distill-llama-8b': 'llama-3.1-8b',
  'llama3.1-70b': 'llama-3.1-70b',
  'llama-3.3-70b': 'llama-3.1-70b',
  'llama3.3-70b': 'llama-3.1-70b',
  'llama3.2-1b': 'llama-3.2-1b',
  'llama3.2-3b': 'llama-3.2-3b',
  'qwen-3-8b': 'qwen3-8b',
  'qwen-3-32b': 'qwen3-32b',
  'qwen-3-0.6b': 'qwen3-0.6b',
};

/** Looks up an architecture by id or alias; Table 1 preset names (`llama3.1-8b`) map to their model. */
export function getArchitecturePreset(name: string, source = '--arch'): ModelArchitecture {
  const key = name.trim().toLowerCase().split('/')[0] ?? '';
  const id = ARCH_ALIASES[key] ?? key;
  const arch = ARCHITECTURE_PRESETS.find((a) => a.id === id);
  if (arch === undefined) {
    throw new InvalidValueError(
      'arch',
      name,
      `unknown architecture; expected one of ${ARCHITECTURE_PRESETS.map((a) => a.id).join(', ')} or the path of a config.json`,
      source,
    );
  }
  return arch;
}

/** Parameters of the input embedding table (vocab × hidden). */
export function embeddingParameters(arch: ModelArchitecture): number {
  return arch.vocabSize * arch.hiddenSize;
}

/**
 * Parameters of one decoder layer: attention projections q, k, v, o (no biases) plus the gated
 * MLP's three matrices, plus the two RMSNorm vectors.
 */
export function layerParameters(arch: ModelArchitecture): number {
  const h = arch.hiddenSize;
  const attentionWidth = arch.attentionHeads * arch.headDim;
  const kvWidth = arch.kvHeads * arch.headDim;
  const attention = h * attentionWidth + 2 * h * kvWidth + attentionWidth * h;
  const mlp = 3 * h * arch.intermediateSize;
  return attention + mlp + 2 * h;
}

/**
 * Total parameters: embedding + layers + final norm + output head (absent when tied).
 * Small per-model extras (Qwen3's q/k norms, biases) are below 0.01% and ignored.
 * @example parameterCount(getArchitecturePreset('llama-3.1-8b')) // 8_030_261_248 (model card: 8.03B)
 */
export function parameterCount(arch: ModelArchitecture): number {
  const embedding = embeddingParameters(arch);
  const head = arch.tiedEmbeddings ? 0 : embedding;
  return embedding + arch.layers * layerParameters(arch) + arch.hiddenSize + head + (arch.extraParameters ?? 0);
}

/** Checks every field is a positive integer (one clear line naming the field otherwise). */
export function validateArchitecture(arch: ModelArchitecture, source?: string): void {
  const fields: [string, number][] = [
    ['hidden_size', arch.hiddenSize],
    ['intermediate_size', arch.intermediateSize],
    ['num_hidden_layers', arch.layers],
    ['num_attention_heads', arch.attentionHeads],
    ['num_key_value_heads', arch.kvHeads],
    ['head_dim', arch.headDim],
    ['vocab_size', arch.vocabSize],
  ];
  for (const [field, v] of fields) {
    if (!Number.isInteger(v) || v <= 0) throw new InvalidValueError(field, v, 'must be a positive integer', source ?? arch.source);
  }
  if (arch.kvHeads > arch.attentionHeads) {
    throw new InvalidValueError('num_key_value_heads', arch.kvHeads, `must be <= num_attention_heads = ${arch.attentionHeads}`, source ?? arch.source);
  }
}

/**
 * Reads a Hugging Face `config.json` object. Nested `text_config` (multimodal models) is used
 * when the top level has no `hidden_size`.
 */
export function architectureFromConfig(config: unknown, file: string): ModelArchitecture {
  if (typeof config !== 'object' || config === null) throw new InvalidValueError('config.json', config, 'not a JSON object', file);
  let c = config as Record<string, unknown>;
  if (c['hidden_size'] === undefined && typeof c['text_config'] === 'object' && c['text_config'] !== null) {
    c = c['text_config'] as Record<string, unknown>;
  }
  const num = (key: string, fallback?: number): number => {
    const v = c[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number') throw new InvalidValueError(key, v, 'missing or not a number', file);
    if (!Number.isInteger(v) || v <= 0) throw new InvalidValueError(key, v, 'must be a positive integer', file);
    return v;
  };
  const hiddenSize = num('hidden_size');
  const attentionHeads = num('num_attention_heads');
  const headDimFallback = attentionHeads > 0 ? hiddenSize / attentionHeads : Number.NaN;
  const arch: ModelArchitecture = {
    id: file,
    name: typeof c['_name_or_path'] === 'string' && c['_name_or_path'] !== '' ? c['_name_or_path'] : file,
    hiddenSize,
    intermediateSize: num('intermediate_size'),
    layers: num('num_hidden_layers'),
    attentionHeads,
    kvHeads: num('num_key_value_heads', attentionHeads),
    headDim: num('head_dim', headDimFallback),
    vocabSize: num('vocab_size'),
    tiedEmbeddings: c['tie_word_embeddings'] === true,
    source: file,
  };
  validateArchitecture(arch, file);
  return arch;
}

/**
 * The shape of an EAGLE-3 draft head for a target: one decoder layer of the target's width, a
 * fusion layer 3h → h over three target hidden states, and an output head over a reduced draft
 * vocabulary (EAGLE-3 heads published by the authors use `draft_vocab_size` 32000 in their
 * config.json, e.g. yuhuili/EAGLE3-LLaMA3.1-Instruct-8B).
 */
export function eagleHeadArchitecture(target: ModelArchitecture, draftVocabSize = 32000): ModelArchitecture {
  return {
    id: `eagle3-head(${target.id})`,
    name: `EAGLE-3 head for ${target.name}`,
    hiddenSize: target.hiddenSize,
    intermediateSize: target.intermediateSize,
    layers: 1,
    attentionHeads: target.attentionHeads,
    kvHeads: target.kvHeads,
    headDim: target.headDim,
    vocabSize: Math.min(draftVocabSize, target.vocabSize),
    tiedEmbeddings: false,
    extraParameters: 3 * target.hiddenSize * target.hiddenSize,
    source: `EAGLE-3 head shape derived from ${target.source} (1 layer, fc 3h→h, draft_vocab_size ${draftVocabSize})`,
  };
}
