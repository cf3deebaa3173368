/**
 * Ready-to-paste speculative-decoding settings for the engines, with the field and flag names
 * each engine documents:
 * - vLLM `--speculative-config` JSON: `method` ("eagle3", "draft_model", "ngram"), `model`,
 *   `num_speculative_tokens`, `prompt_lookup_max` for ngram, and `speculative_token_tree` (a
 *   string of rank-path tuples, breadth-first, root implicit) for EAGLE trees — the fields of
 *   `SpeculativeConfig` in vllm/config/speculative.py. vLLM drafts trees only with EAGLE-style
 *   methods; with a tree, `num_speculative_tokens` = its node count = P − 1.
 * - SGLang server flags: `--speculative-algorithm` (EAGLE3, STANDALONE for a separate draft
 *   model, NGRAM), `--speculative-draft-model-path`, `--speculative-num-steps` (depth),
 *   `--speculative-eagle-topk` (branching), `--speculative-num-draft-tokens` (P, the root included:
 *   num_steps + 1 for a chain).
 * - EAGLE (the authors' code): `total_token` (= P), `depth`, `top_k`.
 * - llama.cpp `llama-server` (current flag names, common/arg.cpp): `-md` / `--model-draft`,
 *   `--spec-type` (`draft-eagle3`, `ngram-simple`, …), `--spec-draft-n-max`, `--spec-draft-n-min`,
 *   `--spec-draft-p-min` (older builds spelled these `--draft-max`, `--draft-min`,
 *   `--draft-p-min`). llama.cpp drafts chains only.
 */
import { fromRankPaths, hasUniformLevels, toVllmTupleString } from '../tree/rank-paths.js';
import type { DrafterKind } from './drafter-latency.js';
import type { TreeShape } from './tree-shape.js';

export interface VllmSpeculativeConfig {
  method: 'eagle3' | 'draft_model' | 'ngram';
  model?: string;
  num_speculative_tokens: number;
  prompt_lookup_max?: number;
  speculative_token_tree?: string;
}

export interface EagleParameters {
  total_token: number;
  depth: number;
  top_k: number;
}

export interface EngineConfigs {
  /** Empty when speculation does not pay (P = 1). */
  vllm: VllmSpeculativeConfig | Record<string, never>;
  /** The same as a command-line flag. */
  vllmFlag: string;
  sglang: string;
  eagle: EagleParameters;
  llamacpp: string;
  /** What each engine can and cannot do with this plan. */
  notes: string[];
}

export interface EngineConfigInput {
  readonly drafter: DrafterKind;
  /** The planned budget P (root included). */
  readonly P: number;
  readonly shape: TreeShape;
  /** Draft model (Hugging Face id or path) for chain / draft-model drafters. */
  readonly draftModel: string;
  /** EAGLE-3 head (Hugging Face id or path). */
  readonly eagleHead: string;
  /** llama.cpp's `--spec-draft-p-min` (stop drafting below this draft confidence). */
  readonly draftProbabilityMin: number;
}

/** vLLM's tree literal: Python tuples, breadth-first, e.g. "[(0,), (1,), (0, 0)]" (the tree layer's exporter). */
export function vllmTokenTree(rankPaths: readonly (readonly number[])[]): string {
  return toVllmTupleString(fromRankPaths(rankPaths, 'planned tree'));
}

function shellQuote(s: string): string {
  return /^[\w./:@=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function engineConfigs(input: EngineConfigInput): EngineConfigs {
  const { drafter, P, shape } = input;
  if (P <= 1) {
    return {
      vllm: {},
      vllmFlag: '',
      sglang: '',
      eagle: { total_token: 1, depth: 0, top_k: 0 },
      llamacpp: '',
      notes: ['speculation does not pay at any budget considered: serve without speculative decoding (P = 1)'],
    };
  }
  const drafted = Math.max(0, P - 1);
  const notes: string[] = [];
  const isTree = shape.shape === 'tree' && drafter !== 'chain' && drafter !== 'ngram';
  const depth = isTree ? shape.depth : drafted;
  const topK = isTree ? shape.topK : 1;

  let vllm: VllmSpeculativeConfig;
  if (drafter === 'ngram') {
    vllm = { method: 'ngram', num_speculative_tokens: drafted, prompt_lookup_max: 4 };
  } else if (drafter === 'eagle') {
    vllm = { method: 'eagle3', model: input.eagleHead, num_speculative_tokens: drafted };
    if (isTree) {
      vllm.speculative_token_tree = vllmTokenTree(shape.rankPaths);
      if (!hasUniformLevels(fromRankPaths(shape.rankPaths, 'planned tree'))) {
        notes.push("vLLM's tree drafter derives one children count per level: this tree's levels are not uniform, so vLLM drafts a slightly different tree than the rank paths list");
      }
    }
  } else {
    // vLLM drafts trees only with EAGLE-style methods: a draft model runs a chain, as deep as the planned tree.
    vllm = { method: 'draft_model', model: input.draftModel, num_speculative_tokens: isTree ? depth : drafted };
    if (isTree) notes.push(`vLLM drafts trees only with EAGLE-style methods: with "draft_model" it runs a chain of ${depth} tokens (the planned tree's depth), which reaches less than the tree`);
  }
  if (isTree && drafter === 'eagle') notes.push("vLLM's speculative_token_tree needs its tree-attention backend; without it use num_speculative_tokens = depth as a chain");

  // SGLang's --speculative-eagle-topk accepted only {1, 2, 4, 8} in its argparse choices
  // (`--help` quoted in sgl-project/sglang issue #3883), so round the branching up to one of them.
  const sglangTopK = topK <= 1 ? 1 : Math.min(8, 2 ** Math.ceil(Math.log2(topK)));
  if (sglangTopK !== topK) notes.push(`SGLang takes --speculative-eagle-topk in {1, 2, 4, 8}: ${sglangTopK} is used for the planned top_k ${topK}`);
  const sglangParts: string[] = [];
  if (drafter === 'ngram') {
    sglangParts.push('--speculative-algorithm NGRAM', `--speculative-num-draft-tokens ${P}`);
  } else {
    sglangParts.push(
      `--speculative-algorithm ${drafter === 'eagle' ? 'EAGLE3' : 'STANDALONE'}`,
      `--speculative-draft-model-path ${shellQuote(drafter === 'eagle' ? input.eagleHead : input.draftModel)}`,
      `--speculative-num-steps ${depth}`,
      `--speculative-eagle-topk ${sglangTopK}`,
      `--speculative-num-draft-tokens ${P}`,
    );
  }

  const pMin = Math.round(input.draftProbabilityMin * 100) / 100;
  // llama.cpp drafts chains: for a planned tree, a chain as deep as the tree.
  const chainLength = isTree ? depth : drafted;
  let llamacpp: string;
  if (drafter === 'ngram') {
    llamacpp = `--spec-type ngram-simple --spec-ngram-simple-size-m ${drafted}`;
  } else if (drafter === 'eagle') {
    llamacpp = `--spec-type draft-eagle3 -md ${shellQuote(`${input.eagleHead}.gguf`)} --spec-draft-n-max ${chainLength} --spec-draft-n-min 0 --spec-draft-p-min ${pMin}`;
  } else {
    llamacpp = `-md ${shellQuote(`${input.draftModel}.gguf`)} --spec-draft-n-max ${chainLength} --spec-draft-n-min 0 --spec-draft-p-min ${pMin}`;
  }
  if (isTree) notes.push(`llama.cpp drafts chains only: it runs a chain of up to ${depth} tokens (the planned tree's depth) instead of the tree`);

  return {
    vllm,
    vllmFlag: `--speculative-config ${shellQuote(JSON.stringify(vllm))}`,
    sglang: sglangParts.join(' '),
    eagle: { total_token: P, depth, top_k: topK },
    llamacpp,
    notes,
  };
}
