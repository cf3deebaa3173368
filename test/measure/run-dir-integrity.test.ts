/**
 * Run directories under concurrency and damage (issue 19 items 3 and 4): one writer at a time
 * (the directory lock), a duplicated unit record counted once, a record outside the run's range
 * refused with units.jsonl:line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASURE_DEFAULTS, type MeasureConfig } from '../../src/measure/config.js';
import type { Prompt } from '../../src/measure/prompts/prompt.js';
import { LOCK_FILE, lockRunDir, RunDirectoryLockedError } from '../../src/measure/run-lock.js';
import { measureAndBuildResults } from '../../src/results/run-results.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { fakeModel } from './fake-model.js';

const prompts: Prompt[] = [
  { id: 'a1', task: 'alpha', text: 'hello', source: 'test' },
  { id: 'a2', task: 'alpha', text: 'world', source: 'test' },
  { id: 'b1', task: 'beta', text: 'abc', source: 'test' },
  { id: 'b2', task: 'beta', text: 'xyz', source: 'test' },
];
const config = (): MeasureConfig => ({ version: 1, ...MEASURE_DEFAULTS, target: 'fake', draft: 'fake-draft', prompts: 'test', samples: 2, maxNewTokens: 16, PMax: 16, keepTop: 32, treeEvery: 4, iidTrees: 200 });
const models = () => ({ verifier: fakeModel(), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) });
const tmp = () => mkdtempSync(path.join(tmpdir(), 'run-dir-'));

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('the unit log counts each unit once (issue 19 item 3)', () => {
  it('a log where every record appears twice (two runs appended) gives the results of the clean log', async () => {
    const clean = tmp();
    const { report: expected } = await measureAndBuildResults({ config: config(), outDir: clean, models: models(), prompts });
    const twice = tmp();
    writeFileSync(path.join(twice, 'config.json'), readFileSync(path.join(clean, 'config.json')));
    // The distributions live in the trace (measure/run-trace.ts): part of the run directory like the log.
    writeFileSync(path.join(twice, 'trace.jsonl.gz'), readFileSync(path.join(clean, 'trace.jsonl.gz')));
    const lines = readFileSync(path.join(clean, 'units.jsonl'), 'utf8').trim().split('\n');
    // Two interleaved runs: each record written by both, in a different order.
    const doubled = [...lines.slice(0, 8), ...lines.slice(0, 8).reverse(), ...lines.slice(8), ...lines.slice(8)];
    writeFileSync(path.join(twice, 'units.jsonl'), `${doubled.join('\n')}\n`);
    const calls = { count: 0 };
    const again = await measureAndBuildResults({ config: config(), outDir: twice, models: { verifier: fakeModel({ calls }), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) }, prompts });
    expect(again.unitsMeasured).toBe(0);
    expect(calls.count).toBe(0);
    // 4 prompts × 2 samples × 16 positions, not twice that (issue 19's 1,730 instead of 865).
    expect(again.report!.stats.overall.positions).toBe(8 * 16);
    expect(again.report!.stats).toEqual(expected!.stats);
    expect(again.report!.curves).toEqual(expected!.curves);
  });
});

describe('unit records outside the run are damage, named by file:line (issue 19 item 4)', () => {
  it.each([
    ['a unit index past the last unit', { unit: 99 }, /units\.jsonl:3: unit 99 is outside this run's 8 units \(4 prompts × 2 samples\); the run directory is damaged/],
    ['a prompt index past the last prompt', { unit: 1, prompt: 7 }, /units\.jsonl:3: prompt 7 is outside this run's 4 prompts; the run directory is damaged/],
    ['a sample index past the last sample', { unit: 1, sample: 5 }, /units\.jsonl:3: sample 5 is outside this run's 2 samples; the run directory is damaged/],
    ['a unit that does not match its prompt and sample', { unit: 6, prompt: 0, sample: 1 }, /units\.jsonl:3: unit 6 does not match prompt 0 × 2 samples \+ sample 1; the run directory is damaged/],
  ])('%s', async (_what, change, message) => {
    const dir = tmp();
    await measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 2 });
    const log = path.join(dir, 'units.jsonl');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    writeFileSync(log, `${lines.join('\n')}\n${JSON.stringify({ ...(JSON.parse(lines[0]!) as object), ...change })}\n`);
    await expect(measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(message);
  });

  it('a record of the wrong shape is damage too', async () => {
    const dir = tmp();
    await measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 1 });
    const log = path.join(dir, 'units.jsonl');
    writeFileSync(log, `${readFileSync(log, 'utf8')}{"kind":"unit","version":2,"unit":1}\n`);
    await expect(measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(/units\.jsonl:2: not a valid measurement record \(.*\); the run directory is damaged/);
  });
});

describe('the run directory lock (issue 19 item 3)', () => {
  it('refuses a second holder while the first holds it, naming the holder; free again after release', () => {
    const dir = tmp();
    const release = lockRunDir(dir);
    const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockRunDir(dir)).toThrow(RunDirectoryLockedError);
    expect(() => lockRunDir(dir)).toThrow(new RegExp(`in use by another specbound run: pid ${process.pid} on `));
    release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockRunDir(dir)();
  });

  it('takes over a lock left by a process that is gone, and the run then completes and removes it', async () => {
    const dir = tmp();
    const pid = await deadPid();
    writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'specbound measure (killed)' })}\n`);
    const { report } = await measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts });
    expect(report!.stats.overall.positions).toBe(8 * 16);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(path.join(dir, `${LOCK_FILE}.break`))).toBe(false);
  });

  it('removes the temporary files of writers that were killed, not those of live ones', async () => {
    const dir = tmp();
    const dead = await deadPid();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'figures'));
    const left = [`results.json.tmp-${dead}`, `report.json.tmp-${dead}`, `.trace.jsonl.gz.tmp-${dead}-k3x9a1`, path.join('figures', `lemma7.svg.tmp-${dead}`)];
    const live = `notes.md.tmp-${process.pid}`;
    for (const f of [...left, live]) writeFileSync(path.join(dir, f), 'partial');
    await measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts, stopAfterUnits: 1 });
    for (const f of left) expect(existsSync(path.join(dir, f)), f).toBe(false);
    expect(existsSync(path.join(dir, live))).toBe(true);
  });

  it('a lock of a live process stops a run with the holder named', async () => {
    const dir = tmp();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid: holder.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'specbound report' })}\n`);
      await expect(measureAndBuildResults({ config: config(), outDir: dir, models: models(), prompts })).rejects.toThrow(
        new RegExp(`is in use by another specbound run: pid ${holder.pid} on .*started 2026-01-01T00:00:00.000Z \\(specbound report\\)`),
      );
      expect(existsSync(path.join(dir, 'units.jsonl'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('two `specbound measure` runs into one directory: the second exits 2 naming the first, and every unit is logged once', async () => {
    const dir = tmp();
    const args = ['measure', '--target', 'builtin', '--draft', 'builtin-draft', '--prompts', 'builtin', '--prompts-per-task', '2', '--samples', '2', '--max-new-tokens', '32', '--P-max', '32', '--iid-trees', '200', '--out', dir];
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, SPECBOUND_PROGRESS: '0' } });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const done = new Promise<{ code: number | null; stderr: string }>((r) => child.on('close', (code) => r({ code, stderr })));
      return { child, done };
    };
    const first = start();
    // Start the second once the first holds the lock (it holds it for the whole measurement).
    const lockFile = path.join(dir, LOCK_FILE);
    for (let i = 0; i < 600 && !existsSync(lockFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(lockFile)).toBe(true);
    // Freeze the first while it holds the lock (SIGSTOP), so the second surely starts during its run.
    first.child.kill('SIGSTOP');
    const second = await start().done;
    first.child.kill('SIGCONT');
    const firstDone = await first.done;
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`^specbound: .* is in use by another specbound run: pid ${first.child.pid} on `));
    expect(firstDone.code).toBe(0);
    const units = readFileSync(path.join(dir, 'units.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; unit: number });
    const keys = units.map((u) => `${u.kind} ${u.unit}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(existsSync(lockFile)).toBe(false);
  }, 240_000);
});
