import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/results/results-schema.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

// A small measurement of the built-in pair: 12 prompts × 2 samples = 24 continuations (+24 static-tree units).
const SMALL = ['--target', 'builtin', '--draft', 'builtin-draft', '--prompts', 'builtin', '--prompts-per-task', '2', '--samples', '2', '--max-new-tokens', '24', '--P-max', '16', '--tree-every', '4', '--iid-trees', '300'];

function lines(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length;
}

/** Starts `specbound measure …` and SIGKILLs it as soon as the unit log holds at least one complete line. */
function measureAndKill(args: readonly string[], unitsFile: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; linesAtKill: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'measure', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SPECBOUND_PROGRESS: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let linesAtKill = 0;
    const timer = setInterval(() => {
      const n = lines(unitsFile);
      if (n >= 1 && linesAtKill === 0) {
        linesAtKill = n;
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ signal, code, linesAtKill });
    });
  });
}

describe('specbound measure (real CLI, built-in pair)', () => {
  it('measure killed with SIGKILL mid-run and run again ends with the numbers of an uninterrupted run', async () => {
    const whole = mkdtempSync(path.join(tmpdir(), 'measure-whole-'));
    const r = await runCli(['measure', ...SMALL, '--out', whole], { timeoutMs: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const dir = mkdtempSync(path.join(tmpdir(), 'measure-killed-'));
    const killed = await measureAndKill([...SMALL, '--out', dir], path.join(dir, 'units.jsonl'));
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.linesAtKill).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(dir, 'results.json'))).toBe(false);
    const completeBefore = lines(path.join(dir, 'units.jsonl'));
    expect(completeBefore).toBeLessThan(48); // it was stopped before the end (24 first-pass + 24 static units)

    const resumed = await runCli(['measure', ...SMALL, '--out', dir], { timeoutMs: 240_000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/continued a run: \d+ of 24 continuations were already measured/);
    expect(readFileSync(path.join(dir, 'results.json'), 'utf8')).toBe(readFileSync(path.join(whole, 'results.json'), 'utf8'));
    expect(lines(path.join(dir, 'units.jsonl'))).toBe(48);
    // Nothing half-written is left behind.
    expect(statSync(dir).isDirectory()).toBe(true);
    const leftovers = (await import('node:fs')).readdirSync(dir).filter((f) => f.includes('.tmp'));
    expect(leftovers).toEqual([]);

    // The report of that run respects Lemma 1 and Theorem 1 on the real built-in model.
    const report = ReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')));
    expect(Object.keys(report.curves.drafters).sort()).toEqual(['chain', 'eagle', 'medusa', 'q-greedy', 'sequoia']);
    report.curves.oracle.forEach((o, i) => {
      for (const [name, curve] of Object.entries(report.curves.drafters)) expect(curve[i]!.mean, `${name} at P = ${o.P}`).toBeLessThanOrEqual(o.mean + 1e-12);
      const iid = report.curves.iid[i]!;
      expect(iid.mean - 3 * (iid.se ?? 0), `i.i.d. at P = ${o.P}`).toBeLessThanOrEqual(report.curves.theorem1[i]!.mean);
    });
  }, 300_000);

  it('measure into a run directory made with another configuration exits 2 with one line naming the difference', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-conf-'));
    const tiny = ['--target', 'builtin', '--prompts', 'builtin', '--prompts-per-task', '1', '--max-new-tokens', '4', '--P-max', '4', '--iid-trees', '10', '--out', dir];
    expect((await runCli(['measure', ...tiny])).code).toBe(0);
    const r = await runCli(['measure', ...tiny, '--seed', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^specbound: run directory .* another configuration \(seed 1 there, 7 here\)/);
  }, 300_000);

  it('measure with a bad flag or prompt file exits 2 with one line naming the value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'measure-bad-'));
    const noTarget = await runCli(['measure', '--prompts', 'builtin', '--out', dir]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/^specbound: invalid --target/);
    // T = 0 is greedy verification (issue 16); below 0 there is no temperature.
    const badT = await runCli(['measure', '--target', 'builtin', '--prompts', 'builtin', '--temperature=-0.5', '--out', dir]);
    expect(badT.code).toBe(2);
    expect(badT.stderr).toMatch(/invalid --temperature.*"-0.5"/);
    const badFile = path.join(dir, 'bad.jsonl');
    (await import('node:fs')).writeFileSync(badFile, '{"text":"ok"}\n{"text": nope}\n');
    const badPrompts = await runCli(['measure', '--target', 'builtin', '--prompts', badFile, '--out', path.join(dir, 'run')]);
    expect(badPrompts.code).toBe(2);
    expect(badPrompts.stderr.trim()).toMatch(new RegExp(`^specbound: ${badFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: not valid JSON`));
  });
});
