/**
 * The run directory's lock covers the whole job (issue 19, gap left by the first fix): measuring,
 * then results.json, then the report's files and output. A second run into the directory exits 2
 * naming the holder at any of these stages, while a finished run is still rendered into another
 * --out without its lock (it is only read), and that --out is itself locked while written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASURE_DEFAULTS, type MeasureConfig } from '../../src/measure/config.js';
import type { Prompt } from '../../src/measure/prompts/prompt.js';
import { LOCK_FILE, lockRunDir, RunDirectoryLockedError } from '../../src/measure/run-lock.js';
import { measureAndBuildResults } from '../../src/results/run-results.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { fakeModel } from '../measure/fake-model.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'run-lock-stages-'));
const SMALL = ['--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '12', '--P-max', '8', '--iid-trees', '100'];

/** Whether another taker of `dir`'s lock is refused (the lock is held), by whom. */
function lockHeldBy(dir: string): number | undefined {
  try {
    lockRunDir(dir)();
    return undefined;
  } catch (err) {
    if (!(err instanceof RunDirectoryLockedError)) throw err;
    return (JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid;
  }
}

/** Whether process `pid` is stopped (state T in /proc/PID/stat, Linux). */
function stopped(pid: number): boolean {
  try {
    return /^\d+ \(.*\) T /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the lock is held from measuring to the end of the report (issue 19)', () => {
  it('measureAndBuildResults holds it while the results are computed and written, and through finish', async () => {
    const prompts: Prompt[] = [
      { id: 'a1', task: 'alpha', text: 'hello', source: 'test' },
      { id: 'b1', task: 'beta', text: 'abc', source: 'test' },
    ];
    const config: MeasureConfig = { version: 1, ...MEASURE_DEFAULTS, target: 'fake', draft: 'fake-draft', prompts: 'test', samples: 2, maxNewTokens: 8, PMax: 8, keepTop: 32, treeEvery: 4, iidTrees: 100 };
    const dir = tmp();
    // Lock state seen at each progress call of the results stage (after every unit is measured).
    const seenInResults: (number | undefined)[] = [];
    let seenInFinish: number | undefined | 'not called' = 'not called';
    // A second taker in this process stands for another run: a holder of our own pid is refused
    // like any live holder (run-lock.ts `alive`), so this checks the lock is there and held.
    const { report } = await measureAndBuildResults(
      {
        config,
        outDir: dir,
        models: { verifier: fakeModel(), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) },
        prompts,
        onProgress: (p) => {
          if (p.phase !== 'measuring' && p.phase !== 'static trees') seenInResults.push(lockHeldBy(dir));
        },
      },
      async (results) => {
        expect(results.report).toBeDefined();
        // results.json is written by now, and the lock is still ours.
        expect(existsSync(path.join(dir, 'results.json'))).toBe(true);
        seenInFinish = lockHeldBy(dir);
        await Promise.resolve();
      },
    );
    expect(report).toBeDefined();
    expect(seenInResults.length).toBeGreaterThan(0);
    expect(seenInResults.every((pid) => pid === process.pid)).toBe(true);
    expect(seenInFinish).toBe(process.pid);
    // Released at the end.
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  // The first run stops itself (SIGSTOP, test/helpers/stop-after-writing.ts) right after writing
  // results.json (the results stage) or report.json (amid the report's files), and the test acts then.
  it.each([
    ['results.json', 'the results stage'],
    ['report.json', 'the report-writing stage'],
  ])('stopped right after writing %s (%s): a second report and a measure exit 2 naming it; a render of the finished run into another --out works', async (file) => {
    const dir = path.join(tmp(), 'run');
    const first = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', path.join(REPO_ROOT, 'test', 'helpers', 'stop-after-writing.ts'), path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'report', ...SMALL, '--out', dir],
      { cwd: REPO_ROOT, env: { ...process.env, SPECBOUND_PROGRESS: '0', STOP_AFTER_WRITING: file }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let firstErr = '';
    first.stderr.on('data', (b: Buffer) => (firstErr += b.toString()));
    first.stdout.resume();
    const firstExit = new Promise<number | null>((r) => first.on('close', (code) => r(code)));
    try {
      for (let i = 0; i < 2400 && !stopped(first.pid!); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stopped(first.pid!), firstErr).toBe(true);
      expect(existsSync(path.join(dir, file))).toBe(true);
      // Stopped amid its job: the report's last file is not written yet.
      expect(existsSync(path.join(dir, 'report.html'))).toBe(false);
      const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
      expect(owner).toMatchObject({ pid: first.pid, host: hostname() });

      // Re-rendering the same directory meanwhile: refused, naming the holder, nothing written.
      const second = await runCli(['report', dir]);
      expect(second.code).toBe(2);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toMatch(new RegExp(`^specbound: .*run is in use by another specbound run: pid ${first.pid} on `));
      expect(existsSync(path.join(dir, 'report.html'))).toBe(false);
      const measure = await runCli(['measure', '--target', 'builtin', '--draft', 'builtin-draft', ...SMALL, '--out', dir]);
      expect(measure.code).toBe(2);
      expect(measure.stderr).toMatch(new RegExp(`in use by another specbound run: pid ${first.pid} on `));

      // A finished run (results.json current) rendered elsewhere is only read: it needs no RUN_DIR lock.
      const elsewhere = path.join(tmp(), 'copy');
      const render = await runCli(['report', dir, '--out', elsewhere]);
      expect(render.code, render.stderr).toBe(0);
      expect(existsSync(path.join(elsewhere, 'report.html'))).toBe(true);
      expect(existsSync(path.join(elsewhere, LOCK_FILE))).toBe(false);
      expect((JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid).toBe(first.pid);

      first.kill('SIGCONT');
      expect(await firstExit, firstErr).toBe(0);
      expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
      // Both renders of the one finished run agree byte for byte.
      expect(readFileSync(path.join(elsewhere, 'report.json'), 'utf8')).toBe(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    } finally {
      first.kill('SIGKILL');
    }
  }, 240_000);

  it('the --out of a render is locked while written: a render into a directory another run holds exits 2 naming it', async () => {
    const run = path.join(tmp(), 'run');
    const made = await runCli(['report', ...SMALL, '--out', run], { timeoutMs: 180_000 });
    expect(made.code, made.stderr).toBe(0);
    const out = tmp();
    const release = lockRunDir(out);
    try {
      const r = await runCli(['report', run, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^specbound: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another specbound run: pid ${process.pid} on `));
      expect(existsSync(path.join(out, 'report.json'))).toBe(false);
    } finally {
      release();
    }
    const again = await runCli(['report', run, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'report.json'), 'utf8')).toBe(readFileSync(path.join(run, 'report.json'), 'utf8'));
  }, 240_000);
});
