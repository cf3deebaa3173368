/**
 * Options of the OpenAI-compatible client, from the model spelling
 * `openai:URL[,URL…]#model=NAME[&logprobs=K][&concurrency=N][&retries=N][&timeout=SECONDS][&backoff=MS][&vocab=V][&batch=B]`.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { ModelSpec } from '../spec.js';

export interface OpenAIClientOptions {
  /** Base URLs of the API (`http://host:8000/v1`), one per replica; requests go round-robin. */
  readonly endpoints: readonly string[];
  /** Served model name (`/v1/models` id). */
  readonly model: string;
  /** Top-k logprobs asked per position (vLLM allows up to `--max-logprobs`, default 20). */
  readonly logprobs: number;
  /** Requests in flight at once, over all endpoints. */
  readonly concurrency: number;
  /** Retries after the first attempt on 408/409/429/5xx, dropped connections and timeouts. */
  readonly maxRetries: number;
  /** Per-attempt timeout in milliseconds (headers and body). */
  readonly timeoutMs: number;
  /** First backoff delay; doubles each retry up to `backoffCapMs`, minus up to 25% jitter. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** Vocabulary size, when the server cannot tell (real vLLM); specbound's own server reports it. */
  readonly vocabSize?: number;
  /** API key sent as `Authorization: Bearer`; defaults to $SPECBOUND_OPENAI_API_KEY or "EMPTY". */
  readonly apiKey?: string;
  /**
   * Prompts per completions request in `nextTokenDistributions` (a list of token-id prompts, as
   * vLLM and serve-model accept; choices come back by `index`). 1 (the default) sends one request
   * per prefix; more divides the per-request cost of client and server by up to B.
   */
  readonly promptsPerRequest?: number;
  /** The spelling shown as the model's name. */
  readonly name?: string;
}

export const DEFAULT_CLIENT_OPTIONS = {
  logprobs: 20,
  concurrency: 16,
  maxRetries: 4,
  timeoutMs: 60_000,
  backoffBaseMs: 500,
  backoffCapMs: 8_000,
} as const;

const KNOWN_PARAMS = ['model', 'logprobs', 'concurrency', 'retries', 'timeout', 'backoff', 'vocab', 'batch'];

export function clientOptionsFromSpec(spec: ModelSpec): OpenAIClientOptions {
  const source = 'model spelling';
  for (const key of spec.params.keys()) {
    if (!KNOWN_PARAMS.includes(key)) throw new InvalidValueError('model', spec.text, `unknown parameter "${key}"; expected ${KNOWN_PARAMS.join(', ')}`, source);
  }
  const endpoints = spec.location.split(',').map((u) => u.trim());
  for (const url of endpoints) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidValueError('model', spec.text, `"${url}" is not a URL; expected e.g. openai:http://localhost:8000/v1#model=NAME`, source);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidValueError('model', spec.text, `"${url}" is not http(s)`, source);
  }
  const model = spec.params.get('model');
  if (model === undefined || model === '') throw new InvalidValueError('model', spec.text, 'missing #model=NAME (the served model name, as /v1/models lists it)', source);
  const int = (key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = spec.params.get(key);
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!/^\d+$/.test(text) || v < min || v > max) throw new InvalidValueError(key, text, `must be an integer in [${min}, ${max}]`, spec.text);
    return v;
  };
  const timeoutText = spec.params.get('timeout');
  let timeoutMs: number = DEFAULT_CLIENT_OPTIONS.timeoutMs;
  if (timeoutText !== undefined) {
    const s = Number(timeoutText);
    if (!(s > 0) || !Number.isFinite(s)) throw new InvalidValueError('timeout', timeoutText, 'must be a positive number of seconds', spec.text);
    timeoutMs = s * 1000;
  }
  const backoffBaseMs = int('backoff', DEFAULT_CLIENT_OPTIONS.backoffBaseMs, 0, 600_000);
  const vocab = spec.params.get('vocab');
  return {
    endpoints: endpoints.map((u) => u.replace(/\/+$/, '')),
    model,
    logprobs: int('logprobs', DEFAULT_CLIENT_OPTIONS.logprobs, 1, 1_000_000),
    concurrency: int('concurrency', DEFAULT_CLIENT_OPTIONS.concurrency, 1, 4096),
    maxRetries: int('retries', DEFAULT_CLIENT_OPTIONS.maxRetries, 0, 100),
    timeoutMs,
    backoffBaseMs,
    backoffCapMs: Math.max(backoffBaseMs, DEFAULT_CLIENT_OPTIONS.backoffCapMs),
    ...(vocab === undefined ? {} : { vocabSize: int('vocab', 0, 1) }),
    ...(spec.params.get('batch') === undefined ? {} : { promptsPerRequest: int('batch', 1, 1, 4096) }),
    name: spec.text,
  };
}
