/**
 * Ctrl-C during `specbound measure`, typed into a real terminal: `script` (util-linux, part of
 * every Debian system) runs the CLI on a pseudo-terminal, so the progress bar draws with its
 * escape codes and the ^C byte becomes SIGINT through the terminal's line discipline, as for a
 * user. The interrupted run must restore the terminal, say how many units are saved, exit 130,
 * and its rerun must end with exactly the numbers of an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const FLAGS = ['--target', 'builtin', '--draft', 'builtin-draft', '--prompts', 'builtin', '--prompts-per-task', '2', '--samples', '2', '--max-new-tokens', '40', '--P-max', '48', '--tree-every', '2', '--iid-trees', '200'];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specbound-sigint-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const unitLines = (dir: string) => {
  const file = path.join(dir, 'units.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length : 0;
};

/** Runs `measure` on a pseudo-terminal and types ^C once `units` units are in the log. */
function interruptOnTerminal(out: string, units: number): Promise<{ code: number | null; screen: string }> {
  const main = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');
  const quoted = [process.execPath, '--import', 'tsx', main, 'measure', ...FLAGS, '--out', out].map((a) => `'${a}'`).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete env['SPECBOUND_PROGRESS'];
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (b: Buffer) => (screen += b.toString()));
    const poll = setInterval(() => {
      if (unitLines(out) >= units) {
        clearInterval(poll);
        child.stdin.write('\x03');
      }
    }, 10);
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, screen });
    });
  });
}

describe('Ctrl-C during measure', () => {
  it('restores the terminal, says what is saved, exits 130; the rerun ends with the uninterrupted numbers', async () => {
    const interruptedDir = path.join(tmp, 'interrupted');
    const { code, screen } = await interruptOnTerminal(interruptedDir, 2);
    expect(code).toBe(130);
    // The bar hid the cursor (ESC[?25l) and turned line wrap off (ESC[?7l); both are undone after its last drawing.
    expect(screen).toContain('\x1b[?25l');
    const lastHide = screen.lastIndexOf('\x1b[?25l');
    expect(screen.indexOf('\x1b[?25h', lastHide)).toBeGreaterThan(lastHide);
    expect(screen.indexOf('\x1b[?7h', lastHide)).toBeGreaterThan(lastHide);
    const message = /interrupted \(SIGINT\): (\d+) of (\d+) units saved in (.+?); run the same command to continue/.exec(screen);
    expect(message, screen.slice(-300)).not.toBeNull();
    const [saved, total] = [Number(message![1]), Number(message![2])];
    expect(saved).toBeGreaterThanOrEqual(2);
    expect(saved).toBeLessThan(total);
    expect(unitLines(interruptedDir)).toBeGreaterThanOrEqual(saved);
    expect(existsSync(path.join(interruptedDir, 'results.json'))).toBe(false);

    const resumed = await runCli(['measure', ...FLAGS, '--out', interruptedDir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const straight = await runCli(['measure', ...FLAGS, '--out', path.join(tmp, 'straight'), '--json']);
    expect(straight.code, straight.stderr).toBe(0);
    // Same seed, same units: the resumed run's results are the uninterrupted run's, to the last digit.
    expect(resumed.stdout).toBe(straight.stdout);
  }, 240_000);
});
