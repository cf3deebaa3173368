/**
 * The part of node-llama-cpp's public API the `gguf:` backend uses, and its lazy import.
 *
 * node-llama-cpp is an optional peer dependency pinned at exactly 3.21.1 (its full install pulls
 * ~730 MB of CUDA/Vulkan/ARM binaries; newer releases' other-platform binaries are missing from
 * the registry mirror). It is imported only when a `gguf:` model is loaded, by a name TypeScript
 * does not resolve, so specbound type-checks and runs without it. The types below are transcribed
 * from node-llama-cpp@3.21.1's own declarations (dist/bindings/getLlama.d.ts,
 * dist/evaluator/LlamaModel/LlamaModel.d.ts, dist/evaluator/LlamaContext/LlamaContext.d.ts and
 * types.d.ts); only what we call is listed.
 */
import { SpecboundError } from '../../core/errors.js';

export const NODE_LLAMA_CPP_VERSION = '3.21.1';

/** The install command for this machine (CPU build; the README lists CUDA and Metal). */
export function installCommand(): string {
  return `npm i -E node-llama-cpp@${NODE_LLAMA_CPP_VERSION} @node-llama-cpp/${prebuiltPackage()}@${NODE_LLAMA_CPP_VERSION} --omit=optional`;
}

/** node-llama-cpp's prebuilt-binary package for this machine (its package.json optionalDependencies). */
function prebuiltPackage(): string {
  if (process.platform === 'darwin') return process.arch === 'arm64' ? 'mac-arm64-metal' : 'mac-x64';
  if (process.platform === 'win32') return `win-${process.arch}`;
  return `${process.platform}-${process.arch}`;
}

export type Token = number;

export interface ControlledEvaluateOutput {
  readonly next: { readonly probabilities?: Map<Token, number> };
}

export type ControlledEvaluateInputItem = Token | [Token, { generateNext?: { probabilities?: boolean; options?: { temperature?: number } } }];

export interface LlamaContextSequence {
  readonly contextTokens: Token[];
  readonly nextTokenIndex: number;
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  controlledEvaluate(input: ControlledEvaluateInputItem[]): Promise<(ControlledEvaluateOutput | undefined)[]>;
  dispose(): void;
}

export interface LlamaContext {
  readonly contextSize: number;
  getSequence(): LlamaContextSequence;
  dispose(): Promise<void>;
}

export interface LlamaContextOptions {
  contextSize: number;
  sequences: number;
  batchSize?: number;
  threads: number;
  flashAttention: boolean;
  swaFullCache?: boolean;
  experimentalKvCacheKeyType?: 'F32' | 'F16';
  experimentalKvCacheValueType?: 'F32' | 'F16';
}

export interface LlamaModelTokens {
  readonly bos: Token | null;
  readonly eos: Token | null;
  readonly shouldPrependBosToken: boolean;
}

export interface LlamaModel {
  readonly tokens: LlamaModelTokens;
  readonly trainContextSize: number;
  readonly fileInfo: { readonly metadata: Record<string, unknown> };
  tokenize(text: string, specialTokens?: boolean): Token[];
  detokenize(tokens: readonly Token[], specialTokens?: boolean, lastTokens?: readonly Token[]): string;
  createContext(options: LlamaContextOptions): Promise<LlamaContext>;
  dispose(): Promise<void>;
}

export interface Llama {
  loadModel(options: { modelPath: string; gpuLayers?: number; vocabOnly?: boolean }): Promise<LlamaModel>;
  dispose(): Promise<void>;
}

interface NodeLlamaCppModule {
  getLlama(options: { gpu: false | 'auto'; build: 'never'; logLevel: string; logger: (level: string, message: string) => void }): Promise<Llama>;
}

/** The most recent error lines llama.cpp logged (added to our error messages). */
export const llamaLog: string[] = [];

const llamas = new Map<string, Promise<Llama>>();

/**
 * node-llama-cpp's `Llama` (the native binding), loaded once per GPU setting. A missing package
 * or a missing prebuilt binary is one line with the install command, exit 2.
 */
export async function getLlama(gpu: boolean): Promise<Llama> {
  const key = gpu ? 'gpu' : 'cpu';
  let pending = llamas.get(key);
  if (pending === undefined) {
    pending = loadLlama(gpu);
    llamas.set(key, pending);
    pending.catch(() => llamas.delete(key));
  }
  return pending;
}

async function loadLlama(gpu: boolean): Promise<Llama> {
  // SPECBOUND_NODE_LLAMA_CPP names another package: the tests use it to see the missing-package line.
  const name = process.env.SPECBOUND_NODE_LLAMA_CPP ?? 'node-llama-cpp';
  let mod: NodeLlamaCppModule;
  try {
    mod = (await import(name)) as NodeLlamaCppModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new SpecboundError(`gguf: models need the optional package node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, which is not installed; install it with: ${installCommand()}`);
    }
    throw err;
  }
  try {
    // build: 'never' so a missing prebuilt binary fails at once instead of compiling llama.cpp.
    return await mod.getLlama({
      gpu: gpu ? 'auto' : false,
      build: 'never',
      logLevel: 'warn',
      logger: (level, message) => {
        if (level !== 'error' && level !== 'fatal' && level !== 'warn') return;
        llamaLog.push(message.trim());
        if (llamaLog.length > 20) llamaLog.shift();
      },
    });
  } catch (err) {
    throw new SpecboundError(
      `gguf: node-llama-cpp found no usable prebuilt llama.cpp binary for ${process.platform}-${process.arch}${gpu ? ' with GPU' : ''} (${firstLine(err)}); install it with: ${installCommand()}`,
    );
  }
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}
