import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { reportedBound } from '../../src/theory/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-cli-stats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = (vocabSize: number) => ({ format: 'specbound-trace', version: 1, model: 'm', tokenizer: 't', vocabSize, temperature: 1, promptSet: 'p' });

async function trace(name: string, lines: readonly unknown[], gzip = false): Promise<string> {
  const file = path.join(dir, name);
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  await writeFile(file, gzip ? gzipSync(text) : text);
  return file;
}

interface StatsJson {
  positions: number;
  sequences: number;
  mu: { estimate: number; ci95: [number, number]; interval: [number, number] };
  mu2: { estimate: number; ci95: [number, number]; interval: [number, number] };
  muCE?: { estimate: number; interval: [number, number] };
  pi0?: { estimate: number; interval: [number, number] };
  tailMass: number;
  bounds: { P: number; reported: number; theorem1Applies: boolean; limit: { low: number; high: number }; lemma7?: { low: number; high: number } }[];
  tasks?: Record<string, { positions: number; mu: { estimate: number } }>;
}

describe('specbound stats', () => {
  it('--json on full uniform-over-4 distributions: mu = ln 4, mu2 = ln² 4, point interval, bounds from theory/', async () => {
    const uniform = { logprobs: [-Math.log(4), -Math.log(4), -Math.log(4), -Math.log(4)] };
    const lines = [header(4)];
    for (let s = 0; s < 3; s++) for (let t = 0; t < 4; t++) lines.push({ seq: s, pos: t, token: 0, dist: uniform } as never);
    const file = await trace('uniform.jsonl.gz', lines, true);
    const r = await runCli(['stats', file, '--P', '4,8,64', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as StatsJson;
    expect(out.positions).toBe(12);
    expect(out.sequences).toBe(3);
    expect(out.mu.estimate).toBeCloseTo(Math.log(4), 12);
    expect(out.mu2.estimate).toBeCloseTo(Math.log(4) ** 2, 12);
    expect(out.mu.interval).toEqual([out.mu.estimate, out.mu.estimate]);
    expect(out.tailMass).toBe(0);
    expect(out.tasks).toBeUndefined();
    expect(out.bounds.map((b) => b.P)).toEqual([4, 8, 64]);
    const stats = { mu: Math.log(4), mu2: Math.log(4) ** 2 };
    // 1 + μ₂/μ² = 2 ≤ 4, so Theorem 1 applies at every P here
    expect(out.bounds[2]!.reported).toBeCloseTo(reportedBound(stats, 64).value, 10);
    expect(out.bounds[2]!.theorem1Applies).toBe(true);
    expect(out.bounds[2]!.limit.low).toBeCloseTo(Math.log(64) / Math.log(4), 12);
    expect(out.bounds[2]!.limit.high).toBe(out.bounds[2]!.limit.low);
  });

  it('top-k input reports the interval and tail mass; tasks and drafter give per-task rows and mu_CE/pi0', async () => {
    const lines: unknown[] = [header(10)];
    for (let s = 0; s < 4; s++) {
      lines.push({ seq: s, pos: 0, task: s < 2 ? 'math' : 'qa', dist: { ids: [0, 1], logprobs: [Math.log(0.5), Math.log(0.3)] }, draft: { ids: [0, 1], logprobs: [Math.log(0.6), Math.log(0.4)], tail: 0 } });
    }
    const r = await runCli(['stats', await trace('topk.jsonl', lines), '--P', '8', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as StatsJson;
    const h = (t: number) => -t * Math.log(t);
    // tail 0.2 ≤ 0.3: concentrated = one token of 0.2; spread = 8 tokens of 0.025 (V − k = 8)
    expect(out.mu.interval[0]).toBeCloseTo(h(0.5) + h(0.3) + h(0.2), 12);
    expect(out.mu.interval[1]).toBeCloseTo(h(0.5) + h(0.3) + 8 * h(0.025), 12);
    expect(out.tailMass).toBeCloseTo(0.2, 12);
    // q lists all its mass on tokens 0 and 1 (tail 0), so q = 0 on ids 2..9, exactly where p's
    // unlisted 0.2 lies: π₀ = 0.2 whatever the tail's shape, and μ_CE is over p's listed tokens only,
    // −(0.5 ln 0.6 + 0.3 ln 0.4)/0.8 = 0.66286 (both points). (Before issue 13, π₀ printed 0.)
    const muCE = -(0.5 * Math.log(0.6) + 0.3 * Math.log(0.4)) / 0.8;
    expect(out.muCE?.estimate).toBeCloseTo(muCE, 12);
    expect(out.muCE?.interval[1]).toBeCloseTo(muCE, 12);
    expect(out.pi0?.estimate).toBeCloseTo(0.2, 12);
    expect(out.pi0?.interval).toEqual([out.pi0!.estimate, out.pi0!.estimate]);
    // Lemma 7 = min(1/0.2, ln 8/0.66286 = 3.137)
    expect(out.bounds[0]!.lemma7!.low).toBeCloseTo(Math.log(8) / muCE, 10);
    expect(Object.keys(out.tasks ?? {})).toEqual(['math', 'qa']);
    expect(out.tasks?.['math']?.positions).toBe(2);
  });

  it('prints a table with CI, interval and bounds', async () => {
    const lines: unknown[] = [header(10)];
    for (let s = 0; s < 3; s++) lines.push({ seq: s, pos: 0, dist: { ids: [0, 1], logprobs: [Math.log(0.5), Math.log(0.3 + 0.01 * s)] } });
    const r = await runCli(['stats', await trace('table.jsonl', lines), '--P', '2,64']);
    expect(r.code).toBe(0);
    // top-k: low end, high end, and a CI carrying tail + sampling error
    expect(r.stdout).toMatch(/mu \(nats\)\s+[\d.]+\s+[\d.]+\s+\[[\d.]+, [\d.]+\]/);
    expect(r.stdout).toContain('95% CI (tail + sampling)');
    expect(r.stdout).toContain('3 positions in 3 sequences');
    expect(r.stdout).toMatch(/^\s*64\s+[\d.]+\s+[\d.]+\.\.[\d.]+$/m);
    expect(r.stdout).toContain('a = (mu_low + mu2_high)/mu_low^2');
  });

  it('bad input: one line naming file:line, exit code 2', async () => {
    const bad = await trace('bad.jsonl', [header(10), { seq: 0, pos: 0, dist: { ids: [0, 1], logprobs: [Math.log(0.9), Math.log(0.6)] } }]);
    const r = await runCli(['stats', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^specbound: .*bad\.jsonl:2: dist: probabilities sum to 1\.50000, off 1 by 0\.500 \(tolerance 0\.001; --renormalize accepts and rescales\)\n$/);
    const ok = await runCli(['stats', bad, '--renormalize', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/^specbound: warning: .*renormalised 1 distribution /);
    const empty = await trace('empty.jsonl', []);
    const e = await runCli(['stats', empty.replace(/\.jsonl$/, '.jsonl')]);
    expect(e.code).toBe(2);
    expect(e.stderr.trim().split('\n').length).toBe(1);
    const headerOnly = await runCli(['stats', await trace('header.jsonl', [header(10)])]);
    expect(headerOnly.code).toBe(2);
    expect(headerOnly.stderr).toMatch(/no positions/);
    const missing = await runCli(['stats', path.join(dir, 'missing.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.jsonl: cannot read/);
  });

  it('transforms on top-k data: exact when the listed tokens decide them, else one line naming the flag and file:line', async () => {
    const lines: unknown[] = [header(10)];
    for (let s = 0; s < 2; s++) lines.push({ seq: s, pos: 0, dist: { ids: [0, 1], logprobs: [Math.log(0.5), Math.log(0.3)] } });
    const file = await trace('transform.jsonl', lines);
    for (const [flags, message] of [
      [['--temperature', '0.8'], /invalid --temperature \(from .*transform\.jsonl:2\): 0\.8 \(depends on the unknown tail of a top-2 distribution/],
      [['--top-k', '3'], /invalid --top-k \(from .*transform\.jsonl:2\): 3 \(keeps tokens beyond the 2 listed/],
      [['--top-p', '0.9'], /invalid --top-p \(from .*transform\.jsonl:2\): 0\.9 \(reaches into the unknown tail: the listed tokens hold only 0\.8000/],
    ] as const) {
      const r = await runCli(['stats', file, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBe(1);
    }
    // --top-k 2 with --temperature 0.5 is exact: (0.25, 0.09)/0.34 → H = h(25/34) + h(9/34).
    const ok = await runCli(['stats', file, '--top-k', '2', '--temperature', '0.5', '--json']);
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout) as StatsJson;
    const h = (t: number) => -t * Math.log(t);
    expect(out.mu.interval[0]).toBeCloseTo(h(25 / 34) + h(9 / 34), 12);
    expect(out.mu.interval[1]).toBe(out.mu.interval[0]);
    // --top-p 0.6: the first listed token (0.5) does not reach 0.6, both do (0.8) → (5/8, 3/8).
    const p = JSON.parse((await runCli(['stats', file, '--top-p', '0.6', '--json'])).stdout) as StatsJson;
    expect(p.mu.estimate).toBeCloseTo(h(5 / 8) + h(3 / 8), 12);
  });

  it('--help explains every option', async () => {
    const r = await runCli(['stats', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--P', '--json', '--seed', '--resamples', '--renormalize', '--tolerance', '--temperature', '--top-k', '--top-p', '--histogram']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('SEQUENCES');
  });
});
