/**
 * llama.cpp's C API, called through the FFI package koffi on the `libllama` that node-llama-cpp
 * 3.21.1 ships (@node-llama-cpp/linux-x64, llama.cpp tag v0.4.0). Two things node-llama-cpp's
 * public API cannot do: a draft tree at ONE evaluated token per node (each node its own sequence
 * id in a unified KV cache: `llama_memory_seq_cp` from the parent, then one `llama_decode` for a
 * whole batch of nodes), and raw float logits (no sorted JS array + Map of V entries).
 *
 * Struct layouts are transcribed from include/llama.h of that exact build (the llama.cpp source
 * node-llama-cpp 3.21.1 bundles in llama/gitRelease.bundle, tag v0.4.0): `llama_model_params`,
 * `llama_context_params`, `llama_batch`. They are checked at load: the default parameter structs
 * must hold the defaults of src/llama-model.cpp `llama_model_default_params` and
 * src/llama-context.cpp `llama_context_default_params` of that source. Anything else (another
 * platform, another node-llama-cpp build, koffi missing, a mismatch) returns a reason, and the
 * caller uses the public API instead (slower trees, same numbers).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

/** The llama.cpp release whose llama.h the layouts below come from. */
export const LAYOUT_RELEASE = 'v0.4.0';
export const KOFFI_VERSION = '3.3.4';
const LLAMA_MAX_SEQ = 256; // src/llama-cparams.h
export const GGML_TYPE_F32 = 0;

/* eslint-disable @typescript-eslint/no-explicit-any -- koffi's values are untyped native handles */
// koffi's functions and structs are built at run time from C declarations, so every value they
// return is `any`: the unsafe-* rules would flag each FFI call; the layouts are checked at load instead.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
type Fn = (...args: any[]) => any;
type Ptr = unknown;

export interface CApi {
  readonly koffi: any;
  readonly bins: string;
  readonly fn: Record<'backendInit' | 'modelDefaults' | 'ctxDefaults' | 'loadModel' | 'freeModel' | 'initCtx' | 'freeCtx' | 'getVocab' | 'nTokens' | 'batchInit' | 'batchFree' | 'decode' | 'logitsIth' | 'getMemory' | 'seqCp' | 'seqRm', Fn>;
}

// A string, not a literal, so tsc does not resolve the optional package at compile time.
const KOFFI: string = 'koffi';

let cached: Promise<CApi | string> | undefined;

/** The C API, or the reason it cannot be used here (the public API is used then). */
export function loadCApi(): Promise<CApi | string> {
  cached ??= load().catch((err: unknown) => `C API unavailable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  return cached;
}

async function load(): Promise<CApi | string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the C API path is built for linux-x64 only (this is ${process.platform}-${process.arch})`;
  let koffi: any;
  try {
    koffi = ((await import(KOFFI)) as { default: unknown }).default;
  } catch {
    return `koffi ${KOFFI_VERSION} is not installed (npm i -E koffi@${KOFFI_VERSION})`;
  }
  const nlcUrl = import.meta.resolve('node-llama-cpp');
  const req = createRequire(nlcUrl);
  const nlcRoot = path.resolve(path.dirname(new URL(nlcUrl).pathname), '..');
  const info = JSON.parse(readFileSync(path.join(nlcRoot, 'llama', 'llama.cpp.info.json'), 'utf8')) as { tag?: string };
  if (info.tag !== LAYOUT_RELEASE) return `node-llama-cpp bundles llama.cpp ${info.tag ?? '?'}, the struct layouts are for ${LAYOUT_RELEASE}`;
  // The package exports only dist/index.js; its binaries sit in bins/linux-x64 beside dist/.
  const bins = path.join(path.dirname(req.resolve('@node-llama-cpp/linux-x64')), '..', 'bins', 'linux-x64');
  const libllama = path.join(bins, `libllama.${LAYOUT_RELEASE}.so`);
  const libggml = path.join(bins, `libggml.${LAYOUT_RELEASE}.so`);
  if (!existsSync(libllama) || !existsSync(libggml)) return `no ${path.basename(libllama)} in ${bins}`;

  // include/llama.h (v0.4.0): field order and C types exactly as declared; koffi applies C's layout rules.
  koffi.struct('llama_model_params', {
    devices: 'void *', tensor_buft_overrides: 'void *', n_gpu_layers: 'int32_t', split_mode: 'int', load_mode: 'int', lazy_mode: 'int', main_gpu: 'int32_t',
    tensor_split: 'void *', progress_callback: 'void *', progress_callback_user_data: 'void *', kv_overrides: 'void *',
    vocab_only: 'bool', check_tensors: 'bool', use_extra_bufts: 'bool', no_host: 'bool', no_alloc: 'bool', load_mtp: 'bool',
  });
  koffi.struct('llama_context_params', {
    n_ctx: 'uint32_t', n_batch: 'uint32_t', n_ubatch: 'uint32_t', n_seq_max: 'uint32_t', n_rs_seq: 'uint32_t', n_outputs_max: 'uint32_t', n_outputs_max_per_seq: 'uint32_t',
    n_threads: 'int32_t', n_threads_batch: 'int32_t', ctx_type: 'int', rope_scaling_type: 'int', pooling_type: 'int', attention_type: 'int', flash_attn_type: 'int',
    rope_freq_base: 'float', rope_freq_scale: 'float', yarn_ext_factor: 'float', yarn_attn_factor: 'float', yarn_beta_fast: 'float', yarn_beta_slow: 'float', yarn_orig_ctx: 'uint32_t', defrag_thold: 'float',
    cb_eval: 'void *', cb_eval_user_data: 'void *', type_k: 'int', type_v: 'int', abort_callback: 'void *', abort_callback_data: 'void *',
    embeddings: 'bool', offload_kqv: 'bool', no_perf: 'bool', op_offload: 'bool', swa_full: 'bool', kv_unified: 'bool',
    samplers: 'void *', n_samplers: 'size_t', ctx_other: 'void *',
  });
  koffi.struct('llama_batch', { n_tokens: 'int32_t', token: 'void *', embd: 'void *', pos: 'void *', n_seq_id: 'void *', seq_id: 'void *', logits: 'void *' });
  koffi.proto('void specbound_ggml_log_callback(int level, const char *text, void *user_data)');

  const ggml = koffi.load(libggml);
  const llama = koffi.load(libllama);
  const fn = {
    backendInit: llama.func('void llama_backend_init(void)'),
    modelDefaults: llama.func('llama_model_params llama_model_default_params(void)'),
    ctxDefaults: llama.func('llama_context_params llama_context_default_params(void)'),
    loadModel: llama.func('void * llama_model_load_from_file(const char *, llama_model_params)'),
    freeModel: llama.func('void llama_model_free(void *)'),
    initCtx: llama.func('void * llama_init_from_model(void *, llama_context_params)'),
    freeCtx: llama.func('void llama_free(void *)'),
    getVocab: llama.func('void * llama_model_get_vocab(void *)'),
    nTokens: llama.func('int32_t llama_vocab_n_tokens(void *)'),
    batchInit: llama.func('llama_batch llama_batch_init(int32_t, int32_t, int32_t)'),
    batchFree: llama.func('void llama_batch_free(llama_batch)'),
    decode: llama.func('int32_t llama_decode(void *, llama_batch)'),
    logitsIth: llama.func('float * llama_get_logits_ith(void *, int32_t)'),
    getMemory: llama.func('void * llama_get_memory(void *)'),
    seqCp: llama.func('void llama_memory_seq_cp(void *, int32_t, int32_t, int32_t, int32_t)'),
    seqRm: llama.func('bool llama_memory_seq_rm(void *, int32_t, int32_t, int32_t)'),
  };
  const regCount = ggml.func('size_t ggml_backend_reg_count(void)') as Fn;
  const loadAll = ggml.func('void ggml_backend_load_all_from_path(const char *)') as Fn;
  const logSet = llama.func('void llama_log_set(specbound_ggml_log_callback *, void *)') as Fn;

  const m = fn.modelDefaults() as Record<string, unknown>;
  const c = fn.ctxDefaults() as Record<string, unknown>;
  // Defaults of llama_model_default_params / llama_context_default_params in the v0.4.0 source.
  const expected: [string, unknown, unknown][] = [
    ['model.n_gpu_layers', m.n_gpu_layers, -1], ['model.main_gpu', m.main_gpu, 0], ['model.vocab_only', m.vocab_only, false], ['model.use_extra_bufts', m.use_extra_bufts, true], ['model.load_mtp', m.load_mtp, false],
    ['ctx.n_ctx', c.n_ctx, 512], ['ctx.n_batch', c.n_batch, 2048], ['ctx.n_ubatch', c.n_ubatch, 512], ['ctx.n_seq_max', c.n_seq_max, 1], ['ctx.n_rs_seq', c.n_rs_seq, 0],
    ['ctx.n_outputs_max', c.n_outputs_max, 0], ['ctx.n_outputs_max_per_seq', c.n_outputs_max_per_seq, 1], ['ctx.n_threads', c.n_threads, 4], ['ctx.flash_attn_type', c.flash_attn_type, -1],
    ['ctx.rope_freq_base', c.rope_freq_base, 0], ['ctx.yarn_ext_factor', c.yarn_ext_factor, -1], ['ctx.defrag_thold', c.defrag_thold, -1], ['ctx.type_k', c.type_k, 1], ['ctx.type_v', c.type_v, 1],
    ['ctx.embeddings', c.embeddings, false], ['ctx.offload_kqv', c.offload_kqv, true], ['ctx.no_perf', c.no_perf, true], ['ctx.op_offload', c.op_offload, true], ['ctx.swa_full', c.swa_full, true],
    ['ctx.kv_unified', c.kv_unified, false], ['ctx.n_samplers', Number(c.n_samplers), 0],
  ];
  const wrong = expected.find(([, got, want]) => got !== want);
  if (wrong !== undefined) return `struct layout check failed: ${wrong[0]} = ${String(wrong[1])}, expected ${String(wrong[2])}`;

  // Quiet: llama.cpp logs every load to stderr; keep only errors for our messages.
  const logger = koffi.register((level: number, text: string) => {
    if (level >= 4) capiLog.push(String(text).trim());
    if (capiLog.length > 20) capiLog.shift();
  }, koffi.pointer('specbound_ggml_log_callback'));
  logSet(logger, null);
  if (Number(regCount()) === 0 || !hasCpuBackend(ggml)) loadAll(bins);
  fn.backendInit();
  return { koffi, bins, fn };
}

function hasCpuBackend(ggml: any): boolean {
  const byName = ggml.func('void * ggml_backend_reg_by_name(const char *)') as Fn;
  return byName('CPU') !== null;
}

/** llama.cpp's last error lines (GGML_LOG_LEVEL_ERROR = 4). */
export const capiLog: string[] = [];

/** A model and context opened through the C API: unified KV cache, LLAMA_MAX_SEQ sequences. */
export class CApiContext {
  readonly vocabSize: number;
  readonly nCtx: number;
  readonly maxSequences = LLAMA_MAX_SEQ;
  private readonly batch: any;
  private readonly seqPtrs: Ptr[];
  readonly batchSize: number;
  private readonly memory: Ptr;

  private constructor(private readonly api: CApi, private readonly model: Ptr, private readonly ctx: Ptr, nCtx: number, batchSize: number) {
    this.vocabSize = api.fn.nTokens(api.fn.getVocab(model)) as number;
    this.nCtx = nCtx;
    this.batchSize = batchSize;
    this.batch = api.fn.batchInit(batchSize, 0, 1);
    this.seqPtrs = api.koffi.decode(this.batch.seq_id, 'void *', batchSize) as Ptr[];
    this.memory = api.fn.getMemory(ctx);
  }

  /** Loads `file` on the CPU; null model/context → an Error with llama.cpp's last error line. */
  static open(api: CApi, file: string, o: { nCtx: number; threads: number; exact: boolean }): CApiContext {
    const mp = api.fn.modelDefaults() as Record<string, unknown>;
    mp.n_gpu_layers = 0;
    const model = api.fn.loadModel(file, mp) as Ptr;
    if (model === null) throw new Error(`llama.cpp cannot load ${file}${capiLog.length > 0 ? `: ${capiLog.at(-1)}` : ''}`);
    const batchSize = 512;
    const cp = api.fn.ctxDefaults() as Record<string, unknown>;
    Object.assign(cp, {
      n_ctx: o.nCtx,
      n_batch: batchSize,
      n_ubatch: batchSize,
      n_seq_max: LLAMA_MAX_SEQ,
      n_outputs_max_per_seq: 0, // every position of a sequence may need its logits
      n_threads: o.threads,
      n_threads_batch: o.threads,
      kv_unified: true, // seq_cp shares cells instead of copying them
      ...(o.exact ? { flash_attn_type: 0, type_k: GGML_TYPE_F32, type_v: GGML_TYPE_F32 } : {}),
    });
    const ctx = api.fn.initCtx(model, cp) as Ptr;
    if (ctx === null) {
      api.fn.freeModel(model);
      throw new Error(`llama.cpp cannot create a context of ${o.nCtx} cells${capiLog.length > 0 ? `: ${capiLog.at(-1)}` : ''}`);
    }
    return new CApiContext(api, model, ctx, o.nCtx, batchSize);
  }

  /**
   * Decodes tokens (each at its position in its sequence); returns the logits of the entries with
   * `output`, in order, as float32 copies.
   */
  decode(entries: readonly { token: number; pos: number; seq: number; output: boolean }[]): Float32Array[] {
    const { koffi, fn } = this.api;
    const out: Float32Array[] = [];
    for (let start = 0; start < entries.length; start += this.batchSize) {
      const part = entries.slice(start, start + this.batchSize);
      const n = part.length;
      koffi.encode(this.batch.token, 'int32_t', part.map((e) => e.token), n);
      koffi.encode(this.batch.pos, 'int32_t', part.map((e) => e.pos), n);
      koffi.encode(this.batch.n_seq_id, 'int32_t', part.map(() => 1), n);
      for (let i = 0; i < n; i++) koffi.encode(this.seqPtrs[i], 'int32_t', part[i]!.seq);
      koffi.encode(this.batch.logits, 'int8_t', part.map((e) => (e.output ? 1 : 0)), n);
      const rc = fn.decode(this.ctx, { ...this.batch, n_tokens: n }) as number;
      if (rc !== 0) throw new Error(`llama_decode returned ${rc}${rc === 1 ? ' (no room in the KV cache: raise #context=)' : ''}${capiLog.length > 0 ? `: ${capiLog.at(-1)}` : ''}`);
      for (let i = 0; i < n; i++) {
        if (!part[i]!.output) continue;
        const ptr = fn.logitsIth(this.ctx, i) as Ptr;
        if (ptr === null) throw new Error(`llama.cpp returned no logits for batch entry ${i}`);
        out.push(new Float32Array(koffi.view(ptr, this.vocabSize * 4) as ArrayBuffer).slice());
      }
    }
    return out;
  }

  /** Cells of `src` at positions [p0, p1) also belong to `dst` (no copy in a unified cache). */
  seqCopy(src: number, dst: number, p0: number, p1: number): void {
    this.api.fn.seqCp(this.memory, src, dst, p0, p1);
  }

  /** Removes `seq` from positions [p0, p1) (p1 = −1: to the end). */
  seqRemove(seq: number, p0: number, p1: number): void {
    this.api.fn.seqRm(this.memory, seq, p0, p1);
  }

  close(): void {
    this.api.fn.batchFree(this.batch);
    this.api.fn.freeCtx(this.ctx);
    this.api.fn.freeModel(this.model);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
