/**
 * Re-running in the same directory: a run that failed before its first unit leaves nothing that
 * binds the directory (the corrected command just runs), a finished run with another
 * configuration is refused with a way out (--fresh), and --fresh starts over.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SMALL = ['--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '12', '--P-max', '8', '--iid-trees', '50'];

describe('re-running into the same --out', () => {
  it('a mistyped model fails without locking the directory; the corrected command runs', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'rerun-')), 'x');
    const bad = await runCli(['report', '--target', 'llama2c:/nope.bin', ...SMALL, '--out', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'config.json'))).toBe(false);
    const good = await runCli(['report', '--target', 'builtin', '--draft', 'builtin-draft', ...SMALL, '--out', dir]);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({ target: 'builtin', draft: 'builtin-draft' });
  }, 120_000);

  it('another configuration over a finished run is refused with --fresh offered; --fresh starts over', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'rerun-')), 'y');
    expect((await runCli(['measure', '--target', 'builtin', ...SMALL, '--out', dir])).code).toBe(0);
    const other = await runCli(['measure', '--target', 'builtin', ...SMALL, '--max-new-tokens', '10', '--out', dir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a measurement with another configuration \(maxNewTokens 12 there, 10 here\).*add --fresh to discard it and start over/);
    const fresh = await runCli(['measure', '--target', 'builtin', ...SMALL, '--max-new-tokens', '10', '--out', dir, '--fresh', '--json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((JSON.parse(fresh.stdout) as { config: { maxNewTokens: unknown } }).config.maxNewTokens).toBe(10);
    // The log holds only the new run's units: one prompt per task × one sample.
    const units = readFileSync(path.join(dir, 'units.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; unit: number });
    const firstPass = units.filter((u) => u.kind !== 'static');
    expect(new Set(firstPass.map((u) => u.unit)).size).toBe(firstPass.length);
  }, 120_000);
});
