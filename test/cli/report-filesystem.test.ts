/**
 * `specbound report` against the user's file system (issue 19 items 6 and 7): a complete run on a
 * read-only mount renders into --out; a full disk (a small tmpfs), a read-only place (a read-only
 * bind mount) and a forbidden one (another user: as root, chmod alone denies nothing) give one
 * line naming the path and the cause, exit 2, and leave no temporary file; a resumed run after a
 * full disk completes with the same report.
 *
 * The mounts need root (CAP_SYS_ADMIN); elsewhere these tests are skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, REPO_ROOT } from '../helpers/cli.js';

/** What a run's results are computed from (the distributions are stored once, in the trace). */
const INPUTS = ['config.json', 'units.jsonl', 'trace.jsonl.gz'];
const SMALL = ['--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '12', '--P-max', '8', '--iid-trees', '100'];
const root = mkdtempSync(path.join(tmpdir(), 'report-fs-'));
const mounts: string[] = [];

function mount(args: string[], at: string): void {
  mkdirSync(at, { recursive: true });
  execFileSync('mount', [...args, at], { stdio: 'ignore' });
  mounts.push(at);
}
function tmpfs(at: string, bytes: number): void {
  mount(['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs'], at);
}
function readOnlyView(of: string, at: string): void {
  mount(['--bind', of], at);
  execFileSync('mount', ['-o', 'remount,bind,ro', at], { stdio: 'ignore' });
}
const canMount = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  try {
    tmpfs(path.join(root, 'probe'), 4096);
    return true;
  } catch {
    return false;
  }
})();

/** Every file below `dir` whose name marks a temporary file of a writer. */
function temporaryFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (/\.tmp/.test(e.name)) out.push(path.join(e.parentPath, e.name));
  return out;
}
const oneLine = (stderr: string): string[] => stderr.trim().split('\n');
const sizeOf = (file: string): number => statSync(file).size;

let base: string;
beforeAll(async () => {
  base = path.join(root, 'base');
  if (process.getuid?.() !== 0) return; // every test below needs root
  const r = await runCli(['report', ...SMALL, '--out', base], { timeoutMs: 180_000 });
  expect(r.code, r.stderr).toBe(0);
}, 200_000);
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!canMount)('report and a read-only run directory (issue 19 item 6)', () => {
  it('renders a complete run on a read-only mount into --out, byte-identical, with or without its cached results', async () => {
    const ro = path.join(root, 'ro');
    readOnlyView(base, ro);
    const out = path.join(root, 'out-ro');
    const r = await runCli(['report', ro, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'report.json'), 'utf8')).toBe(readFileSync(path.join(base, 'report.json'), 'utf8'));

    // Only the run's inputs (no results.json): the results are computed in memory, nothing is written there.
    const bare = path.join(root, 'bare');
    mkdirSync(bare);
    for (const f of INPUTS) copyFileSync(path.join(base, f), path.join(bare, f));
    const roBare = path.join(root, 'ro-bare');
    readOnlyView(bare, roBare);
    const out2 = path.join(root, 'out-ro-bare');
    const r2 = await runCli(['report', roBare, '--out', out2]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(path.join(out2, 'report.json'), 'utf8')).toBe(readFileSync(path.join(base, 'report.json'), 'utf8'));
    expect(readdirSync(bare).sort()).toEqual([...INPUTS].sort());
  }, 120_000);

  it('writing into a read-only place is one line naming it, exit 2 (EROFS)', async () => {
    const ro = path.join(root, 'ro2');
    readOnlyView(base, ro);
    const inPlace = await runCli(['report', ro]);
    expect(inPlace.code).toBe(2);
    expect(oneLine(inPlace.stderr)).toHaveLength(1);
    expect(inPlace.stderr).toMatch(new RegExp(`^specbound: cannot write ${ro}/figures/[a-z0-9-]+\\.svg: read-only file system \\(EROFS\\)\\n$`));
    const below = await runCli(['report', ro, '--out', path.join(ro, 'elsewhere')]);
    expect(below.code).toBe(2);
    // Node's recursive mkdir says ENOENT here; the real cause is named.
    expect(oneLine(below.stderr)).toEqual([`specbound: cannot create ${path.join(ro, 'elsewhere', 'figures')}: read-only file system (EROFS)`]);
  }, 120_000);
});

describe.skipIf(!canMount)('report on a full disk (issue 19 item 7)', () => {
  it('a disk that fills while the units are logged: one line, exit 2, no half line; resumed with space, the same report', async () => {
    const disk = path.join(root, 'full-units');
    // Room for the configuration and about half of the unit log.
    tmpfs(disk, Math.ceil((sizeOf(path.join(base, 'units.jsonl')) * 0.5 + 8192) / 4096) * 4096);
    const run = path.join(disk, 'run');
    const r = await runCli(['report', ...SMALL, '--out', run]);
    expect(r.code).toBe(2);
    // Each unit appends its trace member, then its log line: either may be the write that fails.
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^specbound: cannot write ${run}/(units\\.jsonl|trace\\.jsonl\\.gz): no space left on device \\(ENOSPC\\)\\n$`));
    expect(readFileSync(path.join(run, 'units.jsonl'), 'utf8').endsWith('\n')).toBe(true);
    expect(temporaryFiles(disk)).toEqual([]);
    execFileSync('mount', ['-o', 'remount,size=64m', disk]);
    const resumed = await runCli(['report', ...SMALL, '--out', run]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(temporaryFiles(disk)).toEqual([]);
    expect(readFileSync(path.join(run, 'report.json'), 'utf8')).toBe(readFileSync(path.join(base, 'report.json'), 'utf8'));
  }, 180_000);

  it('a disk that fills while the results and report are written: one line, exit 2, no temporary file left, then completes', async () => {
    const disk = path.join(root, 'full-results');
    // The run's inputs fit, its results and report do not.
    tmpfs(disk, Math.ceil((INPUTS.reduce((n, f) => n + sizeOf(path.join(base, f)), 0) + 8192) / 4096) * 4096);
    for (const f of INPUTS) copyFileSync(path.join(base, f), path.join(disk, f));
    const r = await runCli(['report', disk]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^specbound: cannot write ${disk}/\\S+: no space left on device \\(ENOSPC\\)\\n$`));
    expect(temporaryFiles(disk)).toEqual([]);

    const small = path.join(root, 'full-out');
    tmpfs(small, 32 * 1024);
    const out = await runCli(['report', base, '--out', path.join(small, 'report')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^specbound: cannot write ${small}/report/\\S+: no space left on device \\(ENOSPC\\)\\n$`));
    expect(temporaryFiles(small)).toEqual([]);

    execFileSync('mount', ['-o', 'remount,size=64m', disk]);
    const again = await runCli(['report', disk]);
    expect(again.code, again.stderr).toBe(0);
    expect(temporaryFiles(disk)).toEqual([]);
    expect(readFileSync(path.join(disk, 'report.json'), 'utf8')).toBe(readFileSync(path.join(base, 'report.json'), 'utf8'));
  }, 180_000);
});

describe.skipIf(process.getuid?.() !== 0)('report into a place another user may not write (issue 19 item 7)', () => {
  it('as uid 65534 into a root-owned folder: one line naming it, exit 2 (EACCES)', () => {
    chmodSync(root, 0o755); // mkdtemp made it 0700: the other user must read the run
    const locked = path.join(root, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const target = path.join(locked, 'run');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'report', base, '--out', target], {
      cwd: REPO_ROOT,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: tmpdir(), SPECBOUND_PROGRESS: '0' },
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toEqual([`specbound: cannot create ${path.join(target, 'figures')}: permission denied (EACCES)`]);
    // And a run measured into it (the unit log's folder) names the run directory.
    const measured = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'report', ...SMALL, '--out', target], {
      cwd: REPO_ROOT,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: tmpdir(), SPECBOUND_PROGRESS: '0' },
      timeout: 120_000,
    });
    expect(measured.status).toBe(2);
    expect(oneLine(measured.stderr)).toEqual([`specbound: cannot create ${target}: permission denied (EACCES)`]);
  }, 130_000);
});
