import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { boundsFor, computeTraceStats } from '../../src/results/trace-stats.js';
import { createTraceWriter } from '../../src/trace/index.js';
import type { DenseDistribution } from '../../src/distribution/index.js';
import { lemma7Estimate, limitEstimate, reportedBound } from '../../src/theory/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-trace-stats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dense = (probs: number[]): DenseDistribution => ({ kind: 'dense', logProbs: Float64Array.from(probs.map(Math.log)) });

async function writeTrace(name: string, positions: { seq: number; dist: DenseDistribution; task?: string }[]): Promise<string> {
  const file = path.join(dir, name);
  const w = await createTraceWriter(file, { model: 'm', tokenizer: 't', vocabSize: 2, temperature: 1, promptSet: 'p' });
  for (const [i, p] of positions.entries()) await w.write({ seq: p.seq, pos: i, dist: p.dist, task: p.task });
  await w.close();
  return file;
}

describe('computeTraceStats(files, budgets, options)', () => {
  it('--temperature 0.5 squares and renormalises before estimating (hand: (0.8, 0.2) → (16/17, 1/17))', async () => {
    const file = await writeTrace('t.jsonl', [0, 1, 2].map((seq) => ({ seq, dist: dense([0.8, 0.2]) })));
    const s = await computeTraceStats([file], [8], { temperature: 0.5 });
    const a = 16 / 17;
    expect(s.mu.estimate).toBeCloseTo(-(a * Math.log(a) + (1 - a) * Math.log(1 - a)), 12);
    expect(s.positions).toBe(3);
  });

  it('keeps sequences of different files apart: the same seq in two files is two sequences', async () => {
    const a = await writeTrace('a.jsonl', [{ seq: 0, dist: dense([0.5, 0.5]) }]);
    const b = await writeTrace('b.jsonl', [{ seq: 0, dist: dense([0.5, 0.5]) }]);
    const s = await computeTraceStats([a, b], [2]);
    expect(s.sequences).toBe(2);
    expect(s.traces.map((t) => path.basename(t.file))).toEqual(['a.jsonl', 'b.jsonl']);
  });
});

describe('boundsFor(summary, budgets)', () => {
  it('applies reportedBound, limitEstimate and lemma7Estimate of theory/ to the estimates', () => {
    const e = (x: number) => ({ estimate: x, ci95: [x, x] as [number, number], interval: [x, x] as [number, number] });
    const summary = { positions: 1, sequences: 1, mu: e(0.683), mu2: e(2.96), muCE: e(0.9), pi0: e(0.05), tailMass: 0 };
    const [row] = boundsFor(summary, [60]);
    expect(row!.reported).toBe(reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value);
    expect(row!.limit).toEqual({ low: limitEstimate(0.683, 60), high: limitEstimate(0.683, 60) });
    expect(row!.lemma7).toEqual({ low: lemma7Estimate({ muCE: 0.9, pi0: 0.05 }, 60), high: lemma7Estimate({ muCE: 0.9, pi0: 0.05 }, 60) });
    // Estimates are clamped to [1, P]: ln 2/0.683 = 1.015 is kept, ln 2/0.9 = 0.77 becomes 1.
    const [at2] = boundsFor(summary, [2]);
    expect(at2!.lemma7).toEqual({ low: 1, high: 1 });
    expect(boundsFor({ ...summary, mu: e(0) }, [60])).toEqual([]);
  });
});
