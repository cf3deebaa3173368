import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LanguageModel, TreeExpansion } from '../../src/models/model.js';
import { loadModel } from '../../src/models/registry.js';
import { measuredLatency, parseLatencyCsv } from '../../src/plan/measured-latency.js';
import { latencyCsv, median, profileVerification } from '../../src/plan/profile.js';
import { SHARED } from '../helpers/cli.js';

/** A model whose tree session records each expand call; the injected clock advances 2 ms per token. */
function fakeModel(calls: TreeExpansion[][], clock: { t: number }): LanguageModel {
  const dist = { kind: 'dense' as const, logProbs: new Float64Array([Math.log(0.5), Math.log(0.5)]) };
  return {
    name: 'fake',
    vocabSize: 2,
    tokenizer: { encode: () => [0], decode: () => '', tokenText: () => '', bos: 0, eos: undefined },
    contextLength: undefined,
    remote: false,
    concurrency: 1,
    nextTokenDistributions: (prefixes) => Promise.resolve(prefixes.map(() => dist)),
    openTree: () =>
      Promise.resolve({
        root: dist,
        expand: (requests) => {
          calls.push([...requests]);
          clock.t += 2 * requests.length;
          return Promise.resolve(requests.map((_, i) => ({ node: i + 1, distribution: dist })));
        },
        close: () => {},
      }),
  };
}

describe('profileVerification(model, ks)', () => {
  it('times ONE expand call of k nodes per run, after a warm-up, and reports the median', async () => {
    const calls: TreeExpansion[][] = [];
    const clock = { t: 0 };
    const rows = await profileVerification(fakeModel(calls, clock), [1, 4], { repeats: 3, now: () => clock.t });
    // 1 warm-up + 3 timed runs per k; each run is a single call of k nodes under the root.
    expect(calls.map((c) => c.length)).toEqual([1, 1, 1, 1, 4, 4, 4, 4]);
    expect(calls[4]!.every((r) => r.parent === 0)).toBe(true);
    expect(rows).toEqual([
      { k: 1, ms: 2, minMs: 2, maxMs: 2, repeats: 3 },
      { k: 4, ms: 8, minMs: 8, maxMs: 8, repeats: 3 },
    ]);
  });
  it('writes a CSV that parseLatencyCsv reads back', () => {
    const text = latencyCsv([{ k: 1, ms: 2.5 }, { k: 8, ms: 3.25 }], 'note');
    expect(text).toBe('# note\nk,ms\n1,2.5\n8,3.25\n');
    expect(measuredLatency(parseLatencyCsv(text, 'p.csv'), 'p').milliseconds(8)).toBe(3.25);
  });
  it('runs on the real stories260K llama2.c model', async () => {
    const model = await loadModel(`llama2c:${path.join(SHARED, 'models/stories260K/stories260K.bin')}`);
    const rows = await profileVerification(model, [1, 4], { repeats: 1 });
    expect(rows.map((r) => r.k)).toEqual([1, 4]);
    for (const r of rows) expect(r.ms).toBeGreaterThan(0);
  });
});

describe('median(values)', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('profileWarnings', () => {
  const row = (k: number, ms: number, minMs = ms, maxMs = ms) => ({ k, ms, minMs, maxMs, repeats: 5 });
  it('flags a larger k measured faster than a smaller one beyond its spread, and wide spreads', async () => {
    const { profileWarnings } = await import('../../src/plan/profile.js');
    // The example: k = 16 slower than k = 64, with no overlap of their ranges.
    const w = profileWarnings([row(1, 1), row(16, 3, 2.9, 3.1), row(64, 2, 1.9, 2.1)]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^k = 64 measured faster than k = 16 \(2 against 3 ms\)/);
    // Overlapping ranges are noise within the measurement, not flagged; a spread over half the median is.
    expect(profileWarnings([row(16, 3, 2, 4.1), row(64, 2.5, 2.4, 2.6)])).toEqual(['k = 16: runs spread from 2 to 4.1 ms around a median of 3 ms: noisy; raise --repeats']);
    expect(profileWarnings([row(1, 1), row(8, 1.2), row(64, 3)])).toEqual([]);
  });
});
