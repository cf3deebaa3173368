import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SpecboundError } from '../../src/core/errors.js';
import { MEASURE_DEFAULTS, type MeasureConfig } from '../../src/measure/config.js';
import { measureAndBuildResults as runMeasurement } from '../../src/results/run-results.js';
import type { Prompt } from '../../src/measure/prompts/prompt.js';
import { ReportSchema } from '../../src/results/results-schema.js';
import { StatsAccumulator } from '../../src/stats/stats-accumulator.js';
import { openTrace } from '../../src/trace/trace-reader.js';
import { simulateIid } from '../../src/sim/simulate-iid.js';
import { fakeModel } from '../measure/fake-model.js';

const prompts: Prompt[] = [
  { id: 'a1', task: 'alpha', text: 'hello', source: 'test' },
  { id: 'a2', task: 'alpha', text: 'world', source: 'test' },
  { id: 'b1', task: 'beta', text: 'abc', source: 'test' },
  { id: 'b2', task: 'beta', text: 'xyz', source: 'test' },
];

function config(over: Partial<MeasureConfig> = {}): MeasureConfig {
  return { version: 1, ...MEASURE_DEFAULTS, target: 'fake', draft: 'fake-draft', prompts: 'test', samples: 2, maxNewTokens: 24, PMax: 32, keepTop: 32, treeEvery: 4, iidTrees: 400, ...over };
}

const models = () => ({ verifier: fakeModel(), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) });

describe('runMeasurement', () => {
  it('runMeasurement(config) writes a results.json valid against ReportSchema with every curve', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const out = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    const report = ReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')));
    expect(out.report).toEqual(report);
    expect(out.unitsTotal).toBe(8); // 4 prompts × 2 samples
    expect(report.stats.overall.sequences).toBe(8);
    expect(report.stats.overall.positions).toBe(8 * 24); // the fake model never ends early (EOS logit −30)
    expect(Object.keys(report.stats.tasks).sort()).toEqual(['alpha', 'beta']);
    for (const name of ['oracle', 'iid', 'theorem1', 'limit', 'lemma7'] as const) expect(report.curves[name]?.map((p) => p.P)).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 24, 32]);
    expect(Object.keys(report.curves.drafters).sort()).toEqual(['chain', 'eagle', 'medusa', 'q-greedy', 'sequoia']);
    expect(report.tasks?.['alpha']?.curves?.oracle?.length).toBe(10);
    expect(report.entropyHistogram?.counts.reduce((a, b) => a + b, 0)).toBe(8 * 24);
    expect(report.temperatureSweep?.length).toBe(13);
  });

  it('runMeasurement writes a trace that the trace reader accepts, with the recorded tokens and μ of the report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const { report } = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    const trace = await openTrace(path.join(dir, 'trace.jsonl.gz'));
    expect(trace.header.vocabSize).toBe(12);
    expect(trace.header.draftModel).toBe('fake-draft');
    const acc = new StatsAccumulator();
    let n = 0;
    for await (const p of trace.positions()) {
      acc.add({ sequence: p.seq, task: p.task }, p.dist);
      expect(p.draft).toBeDefined();
      n++;
    }
    expect(n).toBe(8 * 24);
    // Dense V = 12 distributions are stored complete, so μ from the trace is the report's μ.
    expect(acc.summary().mu.estimate).toBeCloseTo(report!.stats.overall.mu.estimate, 12);
  });

  it('runMeasurement: the real oracle is at least every drafter at every budget (Lemma 1), P = 1 gives exactly 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const { report } = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    const oracle = report!.curves.oracle;
    for (const [name, curve] of Object.entries(report!.curves.drafters)) {
      curve.forEach((point, i) => {
        // Same positions, and at each position the oracle tree maximises Σ P(v): the means obey it exactly.
        expect(point.mean, `${name} at P = ${point.P}`).toBeLessThanOrEqual(oracle[i]!.mean + 1e-12);
      });
      expect(curve[0]!.mean).toBe(1);
    }
    expect(oracle[0]!.mean).toBe(1);
  });

  it('runMeasurement: the i.i.d. optimum stays under Theorem 1 and the ancestral estimate agrees with the exact oracle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const { report } = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    const { iid, theorem1, oracle, oracleAncestral } = report!.curves;
    iid.forEach((point, i) => expect(point.mean - 3 * (point.se ?? 0)).toBeLessThanOrEqual(theorem1[i]!.mean));
    oracleAncestral!.forEach((point, i) => {
      const se = Math.hypot(point.se ?? 0, oracle[i]!.se ?? 0);
      expect(Math.abs(point.mean - oracle[i]!.mean)).toBeLessThanOrEqual(4 * se + 1e-12);
    });
  });

  it('runMeasurement stopped after 3 units and continued gives the same results as an uninterrupted run', async () => {
    const whole = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const { report: expected } = await runMeasurement({ config: config(), outDir: whole, models: models(), prompts });
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const first = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 3 });
    expect(first.report).toBeUndefined();
    expect(existsSync(path.join(dir, 'results.json'))).toBe(false);
    // A kill in the middle of an append leaves a partial line: it must be ignored and cut off.
    appendFileSync(path.join(dir, 'units.jsonl'), '{"kind":"unit","unit":5,"tok');
    // A kill between a unit's trace positions and its record leaves positions no record names: cut off too.
    appendFileSync(path.join(dir, 'trace.jsonl.gz'), gzipSync('{"seq":3,"pos":0}\n'));
    const calls = { count: 0 };
    const second = await runMeasurement({ config: config(), outDir: dir, models: { verifier: fakeModel({ calls }), drafter: fakeModel({ trigram: 0 }) }, prompts });
    expect(second.unitsResumed).toBe(3);
    expect(second.unitsMeasured).toBe(5 + 8); // the rest of the first pass, then the 8 static-tree units
    expect(second.report).toEqual(expected);
    expect(readFileSync(path.join(dir, 'results.json'), 'utf8')).toBe(readFileSync(path.join(whole, 'results.json'), 'utf8'));
    expect(readFileSync(path.join(dir, 'trace.jsonl.gz'))).toEqual(readFileSync(path.join(whole, 'trace.jsonl.gz')));
    // Rerunning a finished run measures nothing more.
    const third = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    expect(third.unitsMeasured).toBe(0);
    expect(third.report).toEqual(expected);
  });

  it('runMeasurement in a run directory made with another configuration fails with a one-line error naming the difference', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 1 });
    await expect(runMeasurement({ config: config({ samples: 3 }), outDir: dir, models: models(), prompts })).rejects.toThrow(SpecboundError);
    await expect(runMeasurement({ config: config({ samples: 3 }), outDir: dir, models: models(), prompts })).rejects.toThrow(/samples 2 there, 3 here/);
  });

  it('runMeasurement keeps prompts, generation and every tree inside a model\'s context length', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const long: Prompt[] = [{ id: 'long', task: 'alpha', text: 'x'.repeat(100), source: 'test' }];
    const small = () => ({ verifier: fakeModel({ contextLength: 40 }), drafter: fakeModel({ trigram: 0, contextLength: 40 }) });
    const { report } = await runMeasurement({ config: config({ maxPromptTokens: 30, maxNewTokens: 24, PMax: 8 }), outDir: dir, models: small(), prompts: long });
    // Prompt cut to 30 tokens (BOS + last 29), so at most 40 − 30 − 1 = 9 new tokens fit; trees of
    // P-max = 8 nodes (7 deep) fit at t = 0 (9 left) but not at t = 4 (5 left).
    expect(report!.stats.overall.positions).toBe(2 * 9);
    expect(report!.curves.oracle.length).toBeGreaterThan(0);
    expect(report!.curves.drafters['sequoia']?.length).toBeGreaterThan(0);
  });

  it('runMeasurement with another seed samples other continuations', async () => {
    const a = await runMeasurement({ config: config(), outDir: mkdtempSync(path.join(tmpdir(), 'measure-')), models: models(), prompts });
    const b = await runMeasurement({ config: config({ seed: 2 }), outDir: mkdtempSync(path.join(tmpdir(), 'measure-')), models: models(), prompts });
    expect(a.report!.stats.overall.mu.estimate).not.toBe(b.report!.stats.overall.mu.estimate);
  });
});

describe('unit log records (measure/records.ts)', () => {
  it('a record of another format version or shape is refused naming units.jsonl:line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 2 });
    const log = path.join(dir, 'units.jsonl');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    const { version: _version, ...old } = first;
    writeFileSync(log, `${lines[0]}\n${JSON.stringify(old)}\n`);
    await expect(runMeasurement({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(/units\.jsonl:2: .*format version 1, this specbound reads version 2/);
    writeFileSync(log, `${lines[0]}\n${JSON.stringify({ ...first, tokens: 'abc' })}\n`);
    await expect(runMeasurement({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(/units\.jsonl:2: not a valid measurement record \(tokens: /);
  });
});

describe('results cache (results/run-results.ts)', () => {
  it('a finished run is read back: no simulation, the same results, results.json untouched; another digest recomputes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    const calls = { n: 0 };
    const simulate: typeof simulateIid = (o) => {
      calls.n++;
      return simulateIid(o);
    };
    const first = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, simulate });
    // One simulation for the i.i.d. curve and one per row of the 13-temperature sweep.
    expect(calls.n).toBe(1 + first.report!.temperatureSweep!.length);
    const file = path.join(dir, 'results.json');
    const bytes = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    const again = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, simulate });
    expect(calls.n).toBe(1 + first.report!.temperatureSweep!.length);
    expect(again.unitsMeasured).toBe(0);
    expect(again.report).toEqual(first.report);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(`${JSON.stringify(again.report, null, 1)}\n`).toBe(bytes);
    // results.json of other inputs (here: a digest that does not match) is recomputed, to the same numbers.
    writeFileSync(file, bytes.replace(/"digest": "[0-9a-f]+"/, '"digest": "0"'));
    const recomputed = await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, simulate });
    expect(calls.n).toBe(2 * (1 + first.report!.temperatureSweep!.length));
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    expect(recomputed.report).toEqual(first.report);
  });
});

describe('distributions stored once (measure/run-trace.ts)', () => {
  it('the unit log holds no distribution; the trace holds p and q complete, one gzip member per unit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    await runMeasurement({ config: config(), outDir: dir, models: models(), prompts });
    const log = readFileSync(path.join(dir, 'units.jsonl'), 'utf8');
    expect(log).not.toMatch(/"distributions"|"logprobs"|"dense"/);
    const trace = await openTrace(path.join(dir, 'trace.jsonl.gz'));
    let n = 0;
    for await (const p of trace.positions()) {
      // V = 12 ≤ denseUpTo: both kept complete.
      expect(p.dist.kind).toBe('dense');
      expect(p.draft?.kind).toBe('dense');
      n++;
    }
    expect(n).toBe(8 * 24);
  });

  it('a trace shorter than the unit log says is one line naming the file (the run directory is damaged)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
    await runMeasurement({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 2 });
    writeFileSync(path.join(dir, 'trace.jsonl.gz'), gzipSync('x'));
    await expect(runMeasurement({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(/trace\.jsonl\.gz: holds \d+ bytes but units\.jsonl says its units end at byte \d+/);
  });
});
