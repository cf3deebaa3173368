/**
 * Ready-to-paste speculative-decoding settings for the engines. Every key, flag and value range
 * below was read in the engine's own source; the file and the commit (or version range) are cited
 * beside the code that emits it, and test/plan/engine-schemas.ts transcribes the same rules as a
 * checker that every emitted line is tested against.
 *
 * Conventions: P counts the root (docs/conventions.md). A chain of k drafted tokens has P = k + 1. A planned
 * tree has `depth` D (longest drafted path) and `topK` K (most children of a node).
 *
 * - vLLM (current main, chains only): `--speculative-config '{"method", "model",
 *   "num_speculative_tokens"}'`, plus `num_speculative_tokens_per_batch_size` when a per-batch
 *   schedule was planned. Trees (`speculative_token_tree`) only for the releases that had them,
 *   and only for trees vLLM could draft (one children count per level).
 * - SGLang: `--speculative-algorithm EAGLE3|STANDALONE|NGRAM`, `--speculative-num-steps D`,
 *   `--speculative-eagle-topk K'`, `--speculative-num-draft-tokens P`, with the candidate
 *   constraint P − 1 ≤ K' + (D − 1)·K'² (K' raised until it holds).
 * - EAGLE (the authors' EaModel): total_token = P, depth = D − 1 (EAGLE builds depth + 1 layers),
 *   top_k = K', the same candidate constraint.
 * - llama.cpp `llama-server`: `--spec-type draft-simple|draft-eagle3|ngram-simple` (required:
 *   the default type is none, and a plain draft model is not recognised from its file),
 *   `--spec-draft-model FILE.gguf`, `--spec-draft-n-max`, …; chains only.
 * - TensorRT-LLM (`trtllm-serve MODEL --config spec.yaml`, PyTorch backend): a
 *   `speculative_config` with decoding_type Eagle3 | Draft_Target | NGram, max_draft_len,
 *   speculative_model; `max_concurrency` when speculation stops paying above a batch size.
 */
import path from 'node:path';
import { fromRankPaths, hasUniformLevels, toVllmTupleString } from '../tree/rank-paths.js';
import type { DrafterKind } from './drafter-latency.js';
import type { TreeShape } from './tree-shape.js';

/** Which engine versions each emitted setting is for (shown beside the lines and in --json). */
export const ENGINE_VERSIONS = {
  // vllm-project/vllm vllm/config/speculative.py at commit 002e77c1 (main after PR #42121,
  // "[Attention][Cleanup] Remove tree attention", merged 2026-05): SpeculativeConfig has no
  // speculative_token_tree; method/model/num_speculative_tokens/prompt_lookup_* as emitted.
  // Re-checked at 055e47c2, where the class lives in vllm/foundation/config/speculative.py (the
  // old path is an import alias): the same keys, methods and ranges for what we emit.
  vllm: 'vLLM main (vllm/config/speculative.py at 002e77c1, after PR #42121 removed tree attention): method, model, num_speculative_tokens',
  // PR #32374 "[V1][Spec Decode] Add Dynamic SD" (merged 2026-05) added
  // num_speculative_tokens_per_batch_size, validated by vllm/v1/spec_decode/dynamic/utils.py
  // (validate_and_normalize_dynamic_sd_schedule, at 14b450ca; unchanged at a6f6bb1d).
  vllmBatchSchedule: 'vLLM main with PR #32374 (num_speculative_tokens_per_batch_size, May 2026); older releases reject the key (SpeculativeConfig forbids unknown keys)',
  // PR #20401 "Add tree attention backend for v1" (merged 2025-07) added speculative_token_tree;
  // PR #42121 removed it (merged 2026-05).
  vllmTree: 'vLLM releases from PR #20401 (v0.10.x, July 2025) up to the last release before PR #42121 (May 2026), with the TREE_ATTN backend',
  // sgl-project/sglang python/sglang/srt/server_args.py (speculative_eagle_topk: Optional[int], no
  // choices) and python/sglang/srt/speculative/eagle_utils.py organize_draft_results at 263bc85d;
  // server_args.py re-checked at 001067ff (annotated ServerArgs fields, same flag names and types;
  // algorithm builtins EAGLE, EAGLE3, NEXTN, STANDALONE, NGRAM, DFLASH, DSPARK).
  sglang: 'SGLang main (server_args.py; speculative/eagle_utils.py at 263bc85d): --speculative-eagle-topk takes any integer >= 1',
  // SafeAILab/EAGLE eagle/model/cnets.py topK_genrate and ea_model.py at cb7e0841 (2026-02);
  // topK_genrate re-checked at bfeb532e (total_tokens = total_token − 1, top_k then top_k² per
  // `for i in range(depth)` layer, torch.topk over all of them): unchanged.
  eagle: 'EAGLE reference code (SafeAILab/EAGLE eagle/model/cnets.py, ea_model.py at cb7e0841)',
  // ggml-org/llama.cpp common/arg.cpp at 0017d6fb (flags), common/common.h and
  // common/speculative.cpp at 001d906a (the default type list and what a draft GGUF implies).
  llamacpp:
    'llama.cpp builds with --spec-type and the --spec-draft-* flags (common/arg.cpp at 0017d6fb; common/speculative.cpp at 001d906a). --spec-type is required: its default is none, and a draft GGUF implies a type only for MTP, DFlash and DSpark heads, so a plain draft model or an EAGLE-3 head given without it is loaded and never used. Older builds used --draft-max, which now fails with "the argument has been removed"',
  // NVIDIA/TensorRT-LLM tensorrt_llm/llmapi/llm_args.py at fcd3f316 (DecodingBaseConfig,
  // Eagle3DecodingConfig, DraftTargetDecodingConfig, NGramDecodingConfig); trtllm-serve
  // --config / --extra_llm_api_options (tensorrt_llm/commands/serve.py).
  trtllm: 'TensorRT-LLM main, PyTorch backend (tensorrt_llm/llmapi/llm_args.py at fcd3f316): trtllm-serve MODEL --config spec.yaml (alias --extra_llm_api_options)',
} as const;

export interface VllmSpeculativeConfig {
  method: 'eagle3' | 'draft_model' | 'ngram';
  model?: string;
  num_speculative_tokens: number;
  prompt_lookup_max?: number;
  prompt_lookup_min?: number;
  /** Inclusive batch-size ranges [lo, hi, K] (vLLM Dynamic SD). */
  num_speculative_tokens_per_batch_size?: [number, number, number][];
  /** Only in the vLLM releases that had tree attention. */
  speculative_token_tree?: string;
}

export interface EagleParameters {
  total_token: number;
  depth: number;
  top_k: number;
}

export interface TrtllmSpeculativeConfig {
  decoding_type: 'Eagle3' | 'Draft_Target' | 'NGram';
  max_draft_len: number;
  speculative_model?: string;
  max_matching_ngram_size?: number;
  max_concurrency?: number;
}

export interface EngineConfigs {
  /** Empty when speculation does not pay (P = 1). */
  vllm: VllmSpeculativeConfig | Record<string, never>;
  /** The same as a command-line flag. */
  vllmFlag: string;
  /** The planned tree for the vLLM releases that had tree attention (absent for chains or trees vLLM could not draft). */
  vllmTree?: { readonly versions: string; readonly config: VllmSpeculativeConfig; readonly flag: string };
  sglang: string;
  eagle: EagleParameters;
  llamacpp: string;
  /** TensorRT-LLM speculative_config for `trtllm-serve --config` (YAML text and its object). */
  trtllm: { readonly yaml: string; readonly config: TrtllmSpeculativeConfig | Record<string, never> };
  /** Which engine versions each line is for. */
  versions: Record<keyof typeof ENGINE_VERSIONS, string>;
  /** What each engine can and cannot do with this plan. */
  notes: string[];
}

/** A per-batch-size chain length: batch sizes lo..hi (inclusive) draft k tokens (k = 0: no speculation). */
export interface BatchChainLength {
  readonly lo: number;
  readonly hi: number;
  readonly k: number;
}

export interface EngineConfigInput {
  readonly drafter: DrafterKind;
  /** The planned budget P (root included) for the engines that draft trees. */
  readonly P: number;
  readonly shape: TreeShape;
  /** The planned chain length for the engines that draft chains (vLLM, llama.cpp, TensorRT-LLM); default: P − 1 for chains, the tree's depth for trees. */
  readonly chainLength?: number;
  /** Draft model (Hugging Face id or path) for chain / draft-model drafters. */
  readonly draftModel: string;
  /** EAGLE-3 head (Hugging Face id or path). */
  readonly eagleHead: string;
  /** llama.cpp's `--spec-draft-p-min` (stop drafting below this draft confidence). */
  readonly draftProbabilityMin: number;
  /** Chain length per batch-size range (from `plan --batch`), covering 1..∞ in order. */
  readonly batchSchedule?: readonly BatchChainLength[];
  /** The smallest batch size at which speculation stops paying (from `plan --batch`). */
  readonly breakEvenBatch?: number;
}

/** vLLM's tree literal: Python tuples, breadth-first, e.g. "[(0,), (1,), (0, 0)]" (the tree layer's exporter). */
export function vllmTokenTree(rankPaths: readonly (readonly number[])[]): string {
  return toVllmTupleString(fromRankPaths(rankPaths, 'planned tree'));
}

function shellQuote(s: string): string {
  return /^[\w./:@=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Candidates an EAGLE-2-style drafter of `steps` layers and branching `topK` proposes: the root's
 * top_k, then top_k² per later layer (EAGLE cnets.py topK_genrate; SGLang organize_draft_results:
 * "score_list … (topk + (num_steps-1) * topk)" before torch.topk(score_list, num_draft_token − 1)).
 */
export function eagleCandidates(steps: number, topK: number): number {
  return topK + Math.max(0, steps - 1) * topK * topK;
}

/**
 * The smallest top_k ≥ `topK` with P − 1 ≤ top_k + (steps − 1)·top_k², so that SGLang's and
 * EAGLE's torch.topk over the candidates has enough to choose from (otherwise it fails with
 * "selected index k out of range").
 */
export function eagleTopKFor(P: number, steps: number, topK: number): number {
  let k = Math.max(1, topK);
  while (eagleCandidates(steps, k) < P - 1) k++;
  return k;
}

/** The file llama.cpp must be given for a Hugging Face id: `-md` takes a GGUF file, not a repository. */
function ggufFileFor(model: string): string {
  if (model.toLowerCase().endsWith('.gguf')) return model;
  const base = path.posix.basename(model.replace(/\\/g, '/')).replace(/[<>]/g, '') || 'draft';
  return `${base}.gguf`;
}

function yamlOf(config: TrtllmSpeculativeConfig): string {
  // max_concurrency is a field of DecodingBaseConfig, so it sits inside speculative_config too.
  return ['speculative_config:', ...Object.entries(config).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)].join('\n');
}

const EMPTY_VERSIONS = ENGINE_VERSIONS as Record<keyof typeof ENGINE_VERSIONS, string>;

export function engineConfigs(input: EngineConfigInput): EngineConfigs {
  const { drafter, P, shape } = input;
  if (P <= 1) {
    return {
      vllm: {},
      vllmFlag: '',
      sglang: '',
      eagle: { total_token: 1, depth: 0, top_k: 0 },
      llamacpp: '',
      trtllm: { yaml: '', config: {} },
      versions: { ...EMPTY_VERSIONS },
      notes: ['speculation does not pay at any budget considered: serve without speculative decoding (P = 1)'],
    };
  }
  const notes: string[] = [];
  const isTree = shape.shape === 'tree' && shape.topK > 1 && drafter !== 'chain' && drafter !== 'ngram';
  const depth = isTree ? shape.depth : P - 1;
  const chainLength = Math.max(1, input.chainLength ?? (isTree ? shape.depth : P - 1));
  const draftName = drafter === 'eagle' ? input.eagleHead : input.draftModel;

  // --- vLLM (vllm/config/speculative.py at 002e77c1) ---------------------------------------
  // `method` is a SpeculativeMethod literal; eagle3 and draft_model need `model` (else
  // "num_speculative_tokens was provided but without speculative model"); ngram takes
  // prompt_lookup_min ≤ prompt_lookup_max (both ≥ 1); num_speculative_tokens > 0.
  let vllm: VllmSpeculativeConfig;
  if (drafter === 'ngram') vllm = { method: 'ngram', num_speculative_tokens: chainLength, prompt_lookup_max: 4, prompt_lookup_min: 2 };
  else vllm = { method: drafter === 'eagle' ? 'eagle3' : 'draft_model', model: draftName, num_speculative_tokens: chainLength };
  if (input.batchSchedule !== undefined && input.batchSchedule.length > 1) {
    // vllm/v1/spec_decode/dynamic/utils.py: entries (bs_lo, bs_hi, K), positive, lo ≤ hi, sorted,
    // non-overlapping, the first starting at 1, K ≥ 0; K is clamped to num_speculative_tokens.
    const maxK = Math.max(...input.batchSchedule.map((b) => b.k));
    vllm.num_speculative_tokens = Math.max(1, maxK, vllm.num_speculative_tokens);
    vllm.num_speculative_tokens_per_batch_size = input.batchSchedule.map((b) => [b.lo, b.hi, b.k]);
    notes.push(`vLLM: num_speculative_tokens_per_batch_size needs ${ENGINE_VERSIONS.vllmBatchSchedule}`);
  }
  if (isTree) {
    notes.push(`vLLM (current) drafts chains: ${drafter === 'eagle' ? 'the EAGLE-3 head' : 'the draft model'} runs a chain of ${chainLength} tokens, which reaches less than the planned tree`);
  }
  let vllmTree: EngineConfigs['vllmTree'];
  if (isTree && drafter === 'eagle') {
    // vllm/v1/spec_decode/eagle.py (PR #20401): the tree drafter derives one children count per
    // level from the node counts, so only trees with uniform levels are drafted as planned.
    const planned = fromRankPaths(shape.rankPaths, 'planned tree');
    if (hasUniformLevels(planned)) {
      const config: VllmSpeculativeConfig = { method: 'eagle3', model: draftName, num_speculative_tokens: P - 1, speculative_token_tree: vllmTokenTree(shape.rankPaths) };
      vllmTree = { versions: ENGINE_VERSIONS.vllmTree, config, flag: `--speculative-config ${shellQuote(JSON.stringify(config))}` };
    } else {
      notes.push("vLLM's old tree drafter (before PR #42121) derives one children count per level; this tree's levels are uneven, so no speculative_token_tree is emitted");
    }
  }

  // --- SGLang and EAGLE: the candidate constraint ------------------------------------------
  const topK = eagleTopKFor(P, depth, isTree ? shape.topK : 1);
  if (isTree && topK !== shape.topK) {
    notes.push(`EAGLE/SGLang draft at most top_k + (steps - 1)·top_k² candidates: top_k is raised from the planned ${shape.topK} to ${topK} so that ${P - 1} drafted tokens fit in ${depth} steps`);
  }
  const sglangParts: string[] = [];
  if (drafter === 'ngram') {
    sglangParts.push('--speculative-algorithm NGRAM', `--speculative-num-draft-tokens ${P}`);
  } else {
    // server_args.py: with topk == 1, num_draft_tokens is forced to num_steps + 1; our chains have P = depth + 1.
    sglangParts.push(
      `--speculative-algorithm ${drafter === 'eagle' ? 'EAGLE3' : 'STANDALONE'}`,
      `--speculative-draft-model-path ${shellQuote(draftName)}`,
      `--speculative-num-steps ${depth}`,
      `--speculative-eagle-topk ${topK}`,
      `--speculative-num-draft-tokens ${P}`,
    );
    // server_args.py: topk > 1 with page_size > 1 only on flashinfer/fa3/triton; trtllm_mha only topk 1; spec v2 (overlap) needs topk 1.
    if (topK > 1) notes.push('SGLang: --speculative-eagle-topk > 1 with --page-size > 1 needs the flashinfer, fa3 or triton attention backend (trtllm_mha takes topk 1 only), and the overlap scheduler (SGLANG_ENABLE_SPEC_V2) needs topk 1');
  }
  // cnets.py: `total_tokens = total_token − 1` drafted tokens kept by torch.topk over the
  // candidates of `depth + 1` layers, so EAGLE's depth is the planned depth − 1.
  const eagle: EagleParameters = { total_token: P, depth: depth - 1, top_k: topK };

  // --- llama.cpp (common/arg.cpp at 0017d6fb; common/common.h, common/speculative.cpp at 001d906a)
  // Why --spec-type is always written: common_params_speculative.types defaults to { NONE }
  // (common.h), and common_speculative_init builds an implementation only for the types in that
  // list. With the default list, llama-server asks common_speculative_types_from_gguf about the
  // draft file (arg.cpp, spec_types_is_default), which answers draft-mtp (a `nextn.eh_proj`
  // tensor in the last block), draft-dflash or draft-dspark (architecture `dflash`) and nothing
  // for any other model: a plain draft model or an EAGLE-3 head given with -md /
  // --spec-draft-model alone is loaded and never drafts (ggml-org/llama.cpp issue #25345, closed
  // as "a missing flag, not a regression"). `draft-simple` is the standalone draft model
  // (COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE); a `none` anywhere in the list turns every type off
  // (common_speculative_types_from_names returns { NONE }), so it is never combined.
  const pMin = Math.round(input.draftProbabilityMin * 100) / 100;
  let llamacpp: string;
  if (drafter === 'ngram') {
    // --spec-ngram-simple-size-m: "length of draft m-gram", 1..1024.
    llamacpp = `--spec-type ngram-simple --spec-ngram-simple-size-m ${Math.min(1024, chainLength)}`;
  } else {
    const file = ggufFileFor(draftName);
    const type = drafter === 'eagle' ? 'draft-eagle3' : 'draft-simple';
    llamacpp = `--spec-type ${type} --spec-draft-model ${shellQuote(file)} --spec-draft-n-max ${chainLength} --spec-draft-n-min 0 --spec-draft-p-min ${pMin}`;
    if (file !== draftName) {
      notes.push(
        `llama.cpp: --spec-draft-model takes a GGUF file: ${file} stands for ${draftName} converted to GGUF (llama.cpp's convert_hf_to_gguf.py${drafter === 'eagle' ? ', with EAGLE-3 support in your build' : ''}); or replace it with --spec-draft-hf USER/REPO[:QUANT] naming a repository that holds GGUF files`,
      );
    }
  }
  if (isTree) notes.push(`llama.cpp drafts chains only: it runs a chain of up to ${chainLength} tokens instead of the tree`);

  // --- TensorRT-LLM (tensorrt_llm/llmapi/llm_args.py at fcd3f316) --------------------------
  // decoding_type literals "Eagle3", "Draft_Target", "NGram"; max_draft_len > 0 (validators of
  // DraftTarget and NGram); Draft_Target requires speculative_model. Chains: no eagle_choices
  // and use_dynamic_tree false make Eagle3 a linear tree.
  let trt: TrtllmSpeculativeConfig;
  if (drafter === 'ngram') trt = { decoding_type: 'NGram', max_draft_len: chainLength, max_matching_ngram_size: 4 };
  else trt = { decoding_type: drafter === 'eagle' ? 'Eagle3' : 'Draft_Target', max_draft_len: chainLength, speculative_model: draftName };
  if (input.breakEvenBatch !== undefined && input.breakEvenBatch > 1) {
    // max_concurrency: "speculation will be disabled at batch sizes above this value" (PositiveInt).
    trt.max_concurrency = input.breakEvenBatch - 1;
  }

  return {
    vllm,
    vllmFlag: `--speculative-config ${shellQuote(JSON.stringify(vllm))}`,
    ...(vllmTree === undefined ? {} : { vllmTree }),
    sglang: sglangParts.join(' '),
    eagle,
    llamacpp,
    trtllm: { yaml: yamlOf(trt), config: trt },
    versions: { ...EMPTY_VERSIONS },
    notes,
  };
}
