/**
 * Measures T_v(k) on a local model: the wall time of one forward pass that verifies k new tokens
 * (a tree of k children under the root, evaluated in ONE `TreeSession.expand` call, which the
 * llama2.c backend runs as one batched pass under a tree attention mask). The prefix is
 * processed when the session opens and is not timed. Each k is run once to warm up, then
 * `repeats` times; the median is reported (robust to a stray slow run), with min and max.
 */
import { encodeText, type LanguageModel } from '../models/model.js';
import { openTreeSession } from '../models/tree-session.js';
import type { LatencyRow } from './measured-latency.js';
import { median } from '../stats/quantile.js';

export interface ProfileRow extends LatencyRow {
  readonly minMs: number;
  readonly maxMs: number;
  readonly repeats: number;
}

export interface ProfileOptions {
  /** Timed runs per k (after one warm-up run), default 5. */
  readonly repeats?: number;
  /** Token ids before the verified tokens (default: the tokenizer's encoding of a short prompt). */
  readonly prefix?: readonly number[];
  /** Called after each k. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Clock in ms (injectable for tests). */
  readonly now?: () => number;
}

export { median };

async function timeOnePass(model: LanguageModel, prefix: readonly number[], k: number, now: () => number): Promise<number> {
  const session = await openTreeSession(model, prefix);
  try {
    const requests = Array.from({ length: k }, (_, i) => ({ parent: 0, token: (i + 3) % model.vocabSize }));
    const start = now();
    const results = await session.expand(requests);
    const elapsed = now() - start;
    if (results.length !== k) throw new Error(`${model.name}: expand returned ${results.length} nodes for ${k} requests`);
    return elapsed;
  } finally {
    session.close();
  }
}

/** Times one-pass verification of each k in `ks` (ascending). */
export async function profileVerification(model: LanguageModel, ks: readonly number[], options: ProfileOptions = {}): Promise<ProfileRow[]> {
  const repeats = options.repeats ?? 5;
  const now = options.now ?? (() => performance.now());
  const prefix = options.prefix ?? (await encodeText(model.tokenizer, 'Once upon a time, there was a little', { bos: true }));
  const rows: ProfileRow[] = [];
  for (const [index, k] of ks.entries()) {
    await timeOnePass(model, prefix, k, now);
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) times.push(await timeOnePass(model, prefix, k, now));
    rows.push({ k, ms: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), repeats });
    options.onProgress?.(index + 1, ks.length);
  }
  return rows;
}

/**
 * What a user should know before trusting a profile: a larger k measured faster than a smaller
 * one by more than the smaller one's own spread (one pass over more tokens cannot be cheaper:
 * another process took the CPU), and rows whose spread (max − min) exceeds half their median.
 */
export function profileWarnings(rows: readonly ProfileRow[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const a = rows[i]!;
    for (let j = i + 1; j < rows.length; j++) {
      const b = rows[j]!;
      if (b.k > a.k && b.maxMs < a.minMs) {
        out.push(`k = ${b.k} measured faster than k = ${a.k} (${formatMs(b.ms)} against ${formatMs(a.ms)} ms): the timings are noisy; run on a quiet machine or raise --repeats`);
        break;
      }
    }
  }
  for (const r of rows) {
    if (r.maxMs - r.minMs > 0.5 * r.ms) out.push(`k = ${r.k}: runs spread from ${formatMs(r.minMs)} to ${formatMs(r.maxMs)} ms around a median of ${formatMs(r.ms)} ms: noisy; raise --repeats`);
  }
  return out;
}

const formatMs = (v: number) => Number(v.toPrecision(3)).toString();

/** The rows as a `k,ms` CSV that `plan --latency-csv` reads. */
export function latencyCsv(rows: readonly LatencyRow[], comment?: string): string {
  const lines = [...(comment === undefined ? [] : comment.split('\n').map((l) => `# ${l}`)), 'k,ms', ...rows.map((r) => `${r.k},${Number(r.ms.toPrecision(6))}`)];
  return `${lines.join('\n')}\n`;
}
