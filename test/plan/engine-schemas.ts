/**
 * The engines' own acceptance rules for speculative-decoding settings, transcribed from their
 * source (file and commit beside each rule). Each checker returns the list of violations of one
 * emitted line, empty when the engine would accept it and do what the plan says.
 */

export type Violations = string[];

// ---------------------------------------------------------------------------------------------
// vLLM: vllm/config/speculative.py at 002e77c1 (vllm-project/vllm main, after PR #42121).
// SpeculativeConfig is a pydantic @config dataclass: unknown keys are rejected. The fields a
// user passes (the rest are engine-internal):
const VLLM_KEYS_MAIN = new Set([
  'enforce_eager', 'num_speculative_tokens', 'model', 'method', 'draft_tensor_parallel_size', 'quantization', 'moe_backend',
  'attention_backend', 'kv_cache_dtype', 'max_model_len', 'revision', 'code_revision', 'index_share_for_mtp_iteration',
  'disable_padded_drafter_batch', 'disable_eagle_block_drop', 'use_local_argmax_reduction', 'use_heterogeneous_vocab',
  'prompt_lookup_max', 'prompt_lookup_min', 'parallel_drafting', 'num_speculative_tokens_per_batch_size',
  'suffix_decoding_max_tree_depth', 'suffix_decoding_max_cached_requests', 'suffix_decoding_max_spec_factor',
  'suffix_decoding_min_token_prob', 'draft_load_config', 'rejection_sample_method', 'synthetic_acceptance_rates',
  'synthetic_acceptance_length', 'enable_adaptive_verification', 'draft_sample_method', 'dspark_draft_topk',
]);
// The same class at 055e47c2, moved to vllm/foundation/config/speculative.py (the old path is an
// import alias there): disable_eagle_block_drop is not a field, tensor_parallel_size is one (it
// only warns). A key we emit must be a field in both snapshots.
const VLLM_KEYS_FOUNDATION = new Set([
  'enforce_eager', 'num_speculative_tokens', 'model', 'method', 'draft_tensor_parallel_size', 'tensor_parallel_size', 'quantization', 'moe_backend',
  'attention_backend', 'kv_cache_dtype', 'max_model_len', 'revision', 'code_revision', 'index_share_for_mtp_iteration',
  'disable_padded_drafter_batch', 'use_local_argmax_reduction', 'use_heterogeneous_vocab', 'prompt_lookup_max', 'prompt_lookup_min',
  'parallel_drafting', 'num_speculative_tokens_per_batch_size', 'suffix_decoding_max_tree_depth', 'suffix_decoding_max_cached_requests',
  'suffix_decoding_max_spec_factor', 'suffix_decoding_min_token_prob', 'draft_load_config', 'rejection_sample_method',
  'synthetic_acceptance_rates', 'synthetic_acceptance_length', 'enable_adaptive_verification', 'draft_sample_method', 'dspark_draft_topk',
]);
export const VLLM_KEY_SNAPSHOTS = { '002e77c1': VLLM_KEYS_MAIN, '055e47c2': VLLM_KEYS_FOUNDATION } as const;
// SpeculativeMethod literal (same file), without the MTP aliases.
const VLLM_METHODS = new Set(['ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'custom_class', 'eagle', 'eagle3', 'extract_hidden_states', 'mtp', 'dflash', 'ngram_gpu', 'dspark']);

export function checkVllmMain(config: Record<string, unknown>): Violations {
  const out: Violations = [];
  for (const key of Object.keys(config)) {
    for (const [commit, keys] of Object.entries(VLLM_KEY_SNAPSHOTS)) if (!keys.has(key)) out.push(`vLLM main at ${commit}: unknown key ${key} (SpeculativeConfig rejects it)`);
  }
  const method = config['method'];
  if (typeof method !== 'string' || !VLLM_METHODS.has(method)) out.push(`vLLM: method ${String(method)} is not a SpeculativeMethod`);
  const k = config['num_speculative_tokens'];
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0) out.push(`vLLM: num_speculative_tokens ${String(k)} must be an integer > 0 (Field gt=0)`);
  // __post_init__: a model-based method without `model` raises "num_speculative_tokens was provided but without speculative model".
  if ((method === 'eagle3' || method === 'eagle' || method === 'draft_model') && (typeof config['model'] !== 'string' || config['model'] === '')) out.push(`vLLM: method ${method} needs "model"`);
  if (method === 'ngram') {
    const lo = config['prompt_lookup_min'];
    const hi = config['prompt_lookup_max'];
    for (const [name, v] of [['prompt_lookup_min', lo], ['prompt_lookup_max', hi]] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) out.push(`vLLM: ${name} must be an integer >= 1 (Field ge=1)`);
    }
    if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) out.push('vLLM: prompt_lookup_min must be <= prompt_lookup_max');
  }
  const schedule = config['num_speculative_tokens_per_batch_size'];
  if (schedule !== undefined) out.push(...checkVllmBatchSchedule(schedule));
  return out;
}

/** vllm/v1/spec_decode/dynamic/utils.py validate_and_normalize_dynamic_sd_schedule (at 14b450ca; the same rules at a6f6bb1d), 3-item form. */
export function checkVllmBatchSchedule(schedule: unknown): Violations {
  const out: Violations = [];
  if (!Array.isArray(schedule) || schedule.length === 0) return ['vLLM: the schedule must be a non-empty list'];
  let prevEnd = 0;
  const ranges: [number, number][] = [];
  for (const entry of schedule) {
    if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      out.push(`vLLM: schedule entry ${JSON.stringify(entry)} must be (bs_lo, bs_hi, K)`);
      continue;
    }
    const [lo, hi, k] = entry as [number, number, number];
    if (lo <= 0 || hi <= 0) out.push(`vLLM: batch-size range (${lo}, ${hi}) must be positive`);
    if (lo > hi) out.push(`vLLM: batch-size range start must be <= end (${lo}, ${hi})`);
    if (k < 0) out.push('vLLM: schedule K values must be >= 0');
    ranges.push([lo, hi]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (const [lo, hi] of ranges) {
    if (lo <= prevEnd) out.push('vLLM: batch-size ranges must be non-overlapping and sorted');
    prevEnd = hi;
  }
  if (ranges.length > 0 && ranges[0]![0] !== 1) out.push('vLLM: the first batch-size range must start at 1');
  return out;
}

/** The vLLM releases with tree attention (PR #20401 … before PR #42121): the same keys plus speculative_token_tree, EAGLE methods only. */
export function checkVllmTreeRelease(config: Record<string, unknown>): Violations {
  const { speculative_token_tree: tree, ...rest } = config;
  const out = checkVllmMain(rest).filter((v) => !v.includes('num_speculative_tokens_per_batch_size'));
  if (typeof tree !== 'string') return [...out, 'vLLM tree release: speculative_token_tree must be a string'];
  if (config['method'] !== 'eagle3' && config['method'] !== 'eagle') out.push('vLLM tree release: trees are drafted only by EAGLE methods (vllm/v1/spec_decode/eagle.py)');
  // eagle.py parses it with ast.literal_eval into tuples; num_speculative_tokens = number of tuples.
  const tuples = tree.match(/\(([\d, ]*)\)/g) ?? [];
  if (tuples.length !== config['num_speculative_tokens']) out.push(`vLLM tree release: num_speculative_tokens ${String(config['num_speculative_tokens'])} must equal the ${tuples.length} tree nodes`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// SGLang: python/sglang/srt/server_args.py (speculative_* fields: Optional[int], no choices) and
// speculative/eagle_utils.py organize_draft_results (torch.topk(score_list, num_draft_token − 1)
// over topk + (num_steps − 1)·topk² scores), at 263bc85d; server_args.py at 001067ff: the same
// flags (speculative_draft_model_path also spelled --speculative-draft-model), algorithm builtins
// EAGLE, EAGLE3, NEXTN, STANDALONE, NGRAM, DFLASH, DSPARK.
const SGLANG_FLAGS = new Set(['--speculative-algorithm', '--speculative-draft-model-path', '--speculative-draft-model', '--speculative-num-steps', '--speculative-eagle-topk', '--speculative-num-draft-tokens']);
const SGLANG_ALGORITHMS = new Set(['EAGLE', 'EAGLE3', 'NEXTN', 'STANDALONE', 'NGRAM', 'DFLASH', 'DSPARK']);

export function flagValues(cmd: string): Map<string, string> {
  const parts = cmd.split(/\s+/).filter((p) => p !== '');
  const out = new Map<string, string>();
  for (let i = 0; i < parts.length; i++) if (parts[i]!.startsWith('-')) out.set(parts[i]!, parts[i + 1] !== undefined && !parts[i + 1]!.startsWith('--') ? parts[i + 1]! : '');
  return out;
}

export function checkSglang(cmd: string): Violations {
  const out: Violations = [];
  const f = flagValues(cmd);
  for (const flag of f.keys()) if (!SGLANG_FLAGS.has(flag)) out.push(`SGLang: unknown flag ${flag}`);
  const algorithm = f.get('--speculative-algorithm');
  if (algorithm === undefined || !SGLANG_ALGORITHMS.has(algorithm)) out.push(`SGLang: algorithm ${String(algorithm)}`);
  const P = Number(f.get('--speculative-num-draft-tokens'));
  if (!Number.isInteger(P) || P < 2) out.push('SGLang: --speculative-num-draft-tokens must be an integer >= 2');
  if (algorithm === 'NGRAM') return out;
  const draftPath = f.get('--speculative-draft-model-path') ?? f.get('--speculative-draft-model');
  if (draftPath === undefined || draftPath === '') out.push('SGLang: EAGLE/STANDALONE need --speculative-draft-model-path');
  const steps = Number(f.get('--speculative-num-steps'));
  const topk = Number(f.get('--speculative-eagle-topk'));
  if (!Number.isInteger(steps) || steps < 1) out.push('SGLang: --speculative-num-steps must be an integer >= 1');
  if (!Number.isInteger(topk) || topk < 1) out.push('SGLang: --speculative-eagle-topk must be an integer >= 1');
  if (P - 1 > topk + (steps - 1) * topk * topk) out.push(`SGLang: num_draft_tokens - 1 = ${P - 1} > topk + (steps - 1)·topk² = ${topk + (steps - 1) * topk * topk} candidates (torch.topk fails)`);
  // server_args.py _handle_eagle_family: topk == 1 forces num_draft_tokens = num_steps + 1 (silently).
  if (topk === 1 && P !== steps + 1) out.push(`SGLang: with topk 1, num_draft_tokens is reset to num_steps + 1 = ${steps + 1}, not ${P}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// EAGLE: SafeAILab/EAGLE eagle/model/cnets.py at cb7e0841 (re-checked at bfeb532e): total_tokens = total_token − 1; the
// first layer gives top_k candidates, `for i in range(depth)` adds top_k² more each, then
// torch.topk(scores_list, total_tokens); so total_token − 1 ≤ top_k + depth·top_k² and the tree
// has at most depth + 1 drafted layers.
export function checkEagle(p: { total_token: number; depth: number; top_k: number }, plannedDepth: number): Violations {
  const out: Violations = [];
  if (!Number.isInteger(p.top_k) || p.top_k < 1) out.push('EAGLE: top_k must be >= 1');
  if (!Number.isInteger(p.depth) || p.depth < 0) out.push('EAGLE: depth must be >= 0');
  if (p.total_token - 1 > p.top_k + p.depth * p.top_k * p.top_k) out.push(`EAGLE: total_token - 1 = ${p.total_token - 1} > top_k + depth·top_k² candidates`);
  if (p.depth + 1 < plannedDepth) out.push(`EAGLE: depth ${p.depth} builds ${p.depth + 1} layers, fewer than the planned ${plannedDepth}`);
  if (p.depth + 1 > plannedDepth) out.push(`EAGLE: depth ${p.depth} builds ${p.depth + 1} layers, more than the planned ${plannedDepth} (off by one)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// llama.cpp: ggml-org/llama.cpp common/arg.cpp at 0017d6fb (speculative parameters) and
// common/speculative.cpp at 001d906a (common_speculative_type_from_name_map).
const LLAMACPP_FLAGS = new Set([
  '--spec-type', '--spec-draft-model', '-md', '--model-draft', '--spec-draft-hf', '-hfd', '-hfrd', '--hf-repo-draft',
  '--spec-draft-n-max', '--spec-draft-n-min', '--spec-draft-p-min', '--draft-p-min', '--spec-draft-p-split',
  '--spec-ngram-simple-size-n', '--spec-ngram-simple-size-m', '--spec-ngram-simple-min-hits', '--spec-ngram-mod-n-max',
]);
const LLAMACPP_TYPES = new Set(['none', 'draft-simple', 'draft-eagle3', 'draft-mtp', 'draft-mtp-adaptive', 'draft-dflash', 'draft-dspark', 'ngram-simple', 'ngram-map-k', 'ngram-map-k4v', 'ngram-mod', 'ngram-cache']);
// "the argument has been removed": --draft, --draft-n, --draft-max, --draft-min, --draft-n-min, --spec-ngram-size-n/-m.
const LLAMACPP_REMOVED = new Set(['--draft', '--draft-n', '--draft-max', '--draft-min', '--draft-n-min', '--spec-ngram-size-n', '--spec-ngram-size-m', '--spec-ngram-min-hits']);

/** What llama.cpp's common_speculative_types_from_gguf (speculative.cpp at 001d906a) reads from a draft GGUF. */
export interface DraftGgufFacts {
  readonly architecture: string;
  /** `{arch}.block_count` (uint32). */
  readonly blockCount: number;
  readonly tensors: readonly string[];
}

/**
 * common_speculative_types_from_gguf at 001d906a, transcribed: architecture `dflash` →
 * draft-dspark when the file has `markov_w1.weight`, else draft-dflash; any other architecture →
 * draft-mtp when its last block has `blk.{n-1}.nextn.eh_proj.weight`, else nothing.
 */
export function llamacppTypesFromGguf(g: DraftGgufFacts): string[] {
  if (g.architecture !== 'dflash') {
    if (!(g.blockCount > 0)) return [];
    return g.tensors.includes(`blk.${g.blockCount - 1}.nextn.eh_proj.weight`) ? ['draft-mtp'] : [];
  }
  return [g.tensors.includes('markov_w1.weight') ? 'draft-dspark' : 'draft-dflash'];
}

/**
 * The speculative types llama-server runs for a command line (common/common.h at 001d906a:
 * `types = { NONE }` by default; common_speculative_types_from_names: unknown names throw, and
 * `none` anywhere makes the whole list { none }; arg.cpp: with the default list and a draft file,
 * the types come from the draft GGUF, when it implies any).
 */
export function llamacppTypesRun(cmd: string, draft?: DraftGgufFacts): string[] {
  const given = (flagValues(cmd).get('--spec-type') ?? '').split(',').filter((t) => t !== '');
  if (given.includes('none')) return ['none'];
  if (given.length > 0) return given;
  const inferred = draft === undefined ? [] : llamacppTypesFromGguf(draft);
  return inferred.length > 0 ? inferred : ['none'];
}

/** A plain draft model (Llama-3.2-1B) and an EAGLE-3 head as converted to GGUF: neither implies a type. */
export const PLAIN_DRAFT_GGUF: DraftGgufFacts = { architecture: 'llama', blockCount: 16, tensors: ['token_embd.weight', 'blk.15.attn_q.weight', 'output.weight'] };

export function checkLlamacpp(cmd: string): Violations {
  const out: Violations = [];
  const f = flagValues(cmd);
  for (const flag of f.keys()) {
    if (LLAMACPP_REMOVED.has(flag)) out.push(`llama.cpp: ${flag} has been removed`);
    else if (!LLAMACPP_FLAGS.has(flag)) out.push(`llama.cpp: unknown flag ${flag}`);
  }
  const types = (f.get('--spec-type') ?? '').split(',').filter((t) => t !== '');
  for (const t of types) if (!LLAMACPP_TYPES.has(t)) out.push(`llama.cpp: unknown spec type ${t}`);
  if (types.includes('none') && types.length > 1) out.push('llama.cpp: none in the --spec-type list turns every type off');
  const model = f.get('--spec-draft-model') ?? f.get('-md') ?? f.get('--model-draft');
  // Our lines name plain draft models and EAGLE-3 heads, which imply no type: they must say it.
  const run = llamacppTypesRun(cmd, model === undefined ? undefined : PLAIN_DRAFT_GGUF);
  if (run.length === 1 && run[0] === 'none') out.push(`llama.cpp: the speculative types run are { none }${model === undefined ? '' : ': the draft model is loaded and never used'}`);
  const needsDraft = types.some((t) => t.startsWith('draft-'));
  if (needsDraft && model === undefined && f.get('--spec-draft-hf') === undefined && f.get('-hfd') === undefined) out.push('llama.cpp: a draft-* type needs --spec-draft-model or --spec-draft-hf');
  if (model !== undefined) {
    const bare = model.replace(/^'|'$/g, '');
    if (!bare.toLowerCase().endsWith('.gguf')) out.push(`llama.cpp: --spec-draft-model ${bare} is not a GGUF file (FNAME)`);
    if (/^[\w.-]+\/[\w.-]+\.gguf$/.test(bare) && !bare.startsWith('.')) out.push(`llama.cpp: --spec-draft-model ${bare} looks like a Hugging Face repository id with .gguf appended`);
  }
  for (const flag of ['--spec-draft-n-max', '--spec-draft-n-min']) {
    const v = f.get(flag);
    if (v !== undefined && !(Number.isInteger(Number(v)) && Number(v) >= 0)) out.push(`llama.cpp: ${flag} ${v} must be an integer >= 0`);
  }
  const m = f.get('--spec-ngram-simple-size-m');
  if (m !== undefined && !(Number.isInteger(Number(m)) && Number(m) >= 1 && Number(m) <= 1024)) out.push('llama.cpp: ngram size M must be between 1 and 1024 inclusive');
  const nMax = Number(f.get('--spec-draft-n-max'));
  const nMin = Number(f.get('--spec-draft-n-min') ?? 0);
  if (needsDraft && !(nMax >= 1)) out.push('llama.cpp: --spec-draft-n-max must be >= 1 to draft anything');
  if (nMin > nMax) out.push('llama.cpp: --spec-draft-n-min above --spec-draft-n-max');
  return out;
}

// ---------------------------------------------------------------------------------------------
// TensorRT-LLM: NVIDIA/TensorRT-LLM tensorrt_llm/llmapi/llm_args.py at fcd3f316.
// DecodingBaseConfig (StrictBaseModel: extra keys rejected): max_draft_len (NonNegativeInt),
// max_total_draft_tokens, speculative_model (alias speculative_model_dir), max_concurrency
// (PositiveInt), …; Eagle3DecodingConfig (decoding_type "Eagle3"), DraftTargetDecodingConfig
// ("Draft_Target": max_draft_len > 0 and speculative_model required), NGramDecodingConfig
// ("NGram": max_draft_len > 0, max_matching_ngram_size).
const TRT_BASE_KEYS = new Set(['decoding_type', 'max_draft_len', 'max_total_draft_tokens', 'speculative_model', 'speculative_model_dir', 'max_concurrency', 'load_format']);
const TRT_EXTRA: Record<string, Set<string>> = {
  Eagle3: new Set(['eagle_choices', 'greedy_sampling', 'posterior_threshold', 'use_dynamic_tree', 'dynamic_tree_max_topK', 'num_eagle_layers', 'max_non_leaves_per_layer', 'eagle3_one_model', 'eagle3_layers_to_capture']),
  Draft_Target: new Set(),
  NGram: new Set(['max_matching_ngram_size', 'is_keep_all', 'is_use_oldest', 'is_public_pool']),
};

export function checkTrtllm(config: Record<string, unknown>): Violations {
  const out: Violations = [];
  const type = config['decoding_type'];
  if (typeof type !== 'string' || TRT_EXTRA[type] === undefined) return [`TensorRT-LLM: decoding_type ${String(type)}`];
  for (const key of Object.keys(config)) if (!TRT_BASE_KEYS.has(key) && !TRT_EXTRA[type].has(key)) out.push(`TensorRT-LLM: unknown key ${key} for ${type} (StrictBaseModel)`);
  const k = config['max_draft_len'];
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0) out.push('TensorRT-LLM: max_draft_len must be > 0');
  if ((type === 'Draft_Target' || type === 'Eagle3') && typeof config['speculative_model'] !== 'string') out.push(`TensorRT-LLM: ${type} needs speculative_model`);
  const mc = config['max_concurrency'];
  if (mc !== undefined && !(typeof mc === 'number' && Number.isInteger(mc) && mc > 0)) out.push('TensorRT-LLM: max_concurrency must be a positive integer');
  return out;
}

/** The YAML text trtllm-serve reads must say the same as the config object (two-space mapping under speculative_config). */
export function parseTrtllmYaml(yaml: string): Record<string, unknown> {
  const lines = yaml.split('\n');
  if (lines[0] !== 'speculative_config:') throw new Error('expected a speculative_config mapping');
  const out: Record<string, unknown> = {};
  for (const line of lines.slice(1)) {
    const m = /^ {2}(\w+): (.+)$/.exec(line);
    if (m === null) throw new Error(`not a mapping line: ${line}`);
    out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : Number(m[2]);
  }
  return out;
}
