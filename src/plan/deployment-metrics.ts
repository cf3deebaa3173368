/**
 * What a live deployment reports about its speculation, read from
 * - vLLM's Prometheus `/metrics` (vllm/v1/spec_decode/metrics.py, class SpecDecodingProm): the
 *   counters `vllm:spec_decode_num_drafts`, `…_num_draft_tokens`, `…_num_accepted_tokens` and
 *   `…_num_accepted_tokens_per_pos{position="i"}`, exposed with the `_total` suffix and summed
 *   here over every label set (one per engine with data parallelism). vLLM's own definitions:
 *   mean acceptance length = 1 + accepted / drafts (the bonus token included), and
 *   per-position acceptance rate = accepted_per_pos[i] / drafts, the fraction of drafts whose
 *   first i + 1 tokens were all accepted;
 * - SGLang's server info JSON (`GET /server_info`, formerly `/get_server_info`): the server
 *   arguments at the top level (`speculative_algorithm`, `speculative_num_steps`,
 *   `speculative_eagle_topk`, `speculative_num_draft_tokens`) and `internal_states[i]
 *   .avg_spec_accept_length` per data-parallel rank, which SGLang computes as accepted tokens
 *   per verify pass including the bonus token (scheduler.py `get_internal_state`).
 */
import { InputFileError, InvalidValueError } from '../core/errors.js';
import { parsePrometheusText, type PrometheusSample } from './prometheus-text.js';

export interface DeploymentMetrics {
  readonly engine: 'vllm' | 'sglang';
  readonly source: string;
  /** Budget P = drafted tokens per pass + 1 (vLLM: num_speculative_tokens + 1; SGLang: speculative_num_draft_tokens). */
  readonly budget: number | undefined;
  /** Measured mean tokens per verifier pass, bonus token included. */
  readonly meanAcceptanceLength: number;
  /** vLLM only: r_i = accepted_per_pos[i] / drafts (unconditional, non-increasing in i). */
  readonly perPositionAcceptance: readonly number[];
  /** vLLM only: r_i / r_{i−1}, the chance position i is accepted given position i − 1 was. */
  readonly conditionalAcceptance: readonly number[];
  readonly drafts?: number;
  readonly draftTokens?: number;
  readonly acceptedTokens?: number;
  /** SGLang's speculative settings, when present. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Things the reader should know (several models summed, missing counters). */
  readonly notes: readonly string[];
}

const PREFIX = 'vllm:spec_decode_';

function sumSamples(samples: readonly PrometheusSample[], name: string): { total: number; count: number } {
  let total = 0;
  let count = 0;
  for (const s of samples) {
    if (s.name === name) {
      total += s.value;
      count++;
    }
  }
  return { total, count };
}

/** Reads vLLM `/metrics` text. */
export function vllmDeploymentMetrics(text: string, source: string): DeploymentMetrics {
  const samples = parsePrometheusText(text, source);
  const notes: string[] = [];
  const drafts = sumSamples(samples, `${PREFIX}num_drafts_total`);
  const accepted = sumSamples(samples, `${PREFIX}num_accepted_tokens_total`);
  const draftTokens = sumSamples(samples, `${PREFIX}num_draft_tokens_total`);
  if (drafts.count === 0 || accepted.count === 0) {
    throw new InputFileError(source, undefined, `no ${PREFIX}num_drafts_total / num_accepted_tokens_total counters: is speculative decoding enabled on this vLLM server?`);
  }
  if (!(drafts.total > 0)) throw new InputFileError(source, undefined, 'vllm:spec_decode_num_drafts_total is 0: no speculative step has run yet; send some requests first');
  const models = new Set(samples.filter((s) => s.name.startsWith(PREFIX)).map((s) => s.labels['model_name']).filter((m) => m !== undefined));
  if (models.size > 1) notes.push(`counters of ${models.size} models summed: ${[...models].join(', ')}`);
  const byPosition = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${PREFIX}num_accepted_tokens_per_pos_total`) continue;
    const pos = s.labels['position'];
    if (pos === undefined || !/^\d+$/.test(pos)) throw new InputFileError(source, s.line, `per-position counter without a whole-number "position" label`);
    byPosition.set(Number(pos), (byPosition.get(Number(pos)) ?? 0) + s.value);
  }
  const k = byPosition.size === 0 ? 0 : Math.max(...byPosition.keys()) + 1;
  const perPosition: number[] = [];
  for (let i = 0; i < k; i++) perPosition.push((byPosition.get(i) ?? 0) / drafts.total);
  const conditional = perPosition.map((r, i) => (i === 0 ? r : perPosition[i - 1]! > 0 ? r / perPosition[i - 1]! : 0));
  let budget: number | undefined = k > 0 ? k + 1 : undefined;
  if (budget === undefined && draftTokens.count > 0) {
    budget = Math.round(draftTokens.total / drafts.total) + 1;
    notes.push('no per-position counters; budget taken as draft tokens per draft + 1');
  }
  return {
    engine: 'vllm',
    source,
    budget,
    meanAcceptanceLength: 1 + accepted.total / drafts.total,
    perPositionAcceptance: perPosition,
    conditionalAcceptance: conditional,
    drafts: drafts.total,
    ...(draftTokens.count > 0 ? { draftTokens: draftTokens.total } : {}),
    acceptedTokens: accepted.total,
    notes,
  };
}

/** Reads SGLang server info JSON (already parsed). */
export function sglangDeploymentMetrics(info: unknown, source: string): DeploymentMetrics {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new InputFileError(source, undefined, 'SGLang server info must be a JSON object');
  const o = info as Record<string, unknown>;
  const notes: string[] = [];
  const lengths: number[] = [];
  const states = o['internal_states'];
  if (Array.isArray(states)) {
    for (const s of states) {
      const v = typeof s === 'object' && s !== null ? (s as Record<string, unknown>)['avg_spec_accept_length'] : undefined;
      if (typeof v === 'number' && Number.isFinite(v)) lengths.push(v);
    }
  }
  if (lengths.length === 0 && typeof o['avg_spec_accept_length'] === 'number') lengths.push(o['avg_spec_accept_length']);
  if (lengths.length === 0) {
    throw new InputFileError(source, undefined, 'no internal_states[].avg_spec_accept_length: is speculative decoding enabled, and has the server decoded anything yet?');
  }
  if (lengths.length > 1) notes.push(`mean of ${lengths.length} data-parallel ranks`);
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  if (!(mean >= 1)) throw new InvalidValueError('avg_spec_accept_length', mean, 'must be >= 1 (it counts the bonus token)', source);
  const settings: Record<string, unknown> = {};
  for (const key of ['speculative_algorithm', 'speculative_num_steps', 'speculative_eagle_topk', 'speculative_num_draft_tokens', 'speculative_draft_model_path', 'model_path']) {
    if (o[key] !== undefined && o[key] !== null) settings[key] = o[key];
  }
  const draftTokens = o['speculative_num_draft_tokens'];
  const budget = typeof draftTokens === 'number' && Number.isInteger(draftTokens) && draftTokens >= 1 ? draftTokens : undefined;
  if (budget === undefined) notes.push('speculative_num_draft_tokens missing: budget unknown');
  return { engine: 'sglang', source, budget, meanAcceptanceLength: mean, perPositionAcceptance: [], conditionalAcceptance: [], settings, notes };
}

/** Detects the format: a JSON object is SGLang server info, anything else vLLM metrics text. */
export function deploymentMetricsFromText(text: string, source: string): DeploymentMetrics {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new InputFileError(source, undefined, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    return sglangDeploymentMetrics(parsed, source);
  }
  return vllmDeploymentMetrics(text, source);
}
