import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLatencyCsv } from '../../src/plan/measured-latency.js';
import { runCli, SHARED } from '../helpers/cli.js';

const MODEL = `llama2c:${path.join(SHARED, 'models/stories260K/stories260K.bin')}`;

describe('specbound profile', () => {
  it('times the real stories260K model and writes a k,ms table plan can read', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'specbound-profile-')), 'table.csv');
    const r = await runCli(['profile', '--model', MODEL, '--k', '1,2,8', '--repeats', '3', '-o', out, '--json']);
    expect(r.code).toBe(0);
    // On a busy machine (CI has 2 cores shared with other test files) the timings may be noisy;
    // profile then says so in warning lines (profileWarnings, unit-tested in test/plan/profile.test.ts).
    // Anything else on stderr is a failure.
    const other = r.stderr.split('\n').filter((l) => l !== '' && !/^specbound profile: warning: .*noisy/.test(l));
    expect(other).toEqual([]);
    const j = JSON.parse(r.stdout) as { rows: { k: number; ms: number }[] };
    expect(j.rows.map((row) => row.k)).toEqual([1, 2, 8]);
    const rows = parseLatencyCsv(await readFile(out, 'utf8'), out);
    expect(rows.map((row) => row.k)).toEqual([1, 2, 8]);
    const plan = await runCli(['plan', '--preset', 'llama3.1-8b', '--latency-csv', out, '--drafter', 'ngram', '--P-max', '16', '--json']);
    expect(plan.code).toBe(0);
  });
  it('names a missing checkpoint in one line, exit 2', async () => {
    const r = await runCli(['profile', '--model', 'llama2c:/nonexistent/model.bin']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/model.bin');
  });
});
