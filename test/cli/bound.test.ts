import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('specbound bound', () => {
  it('--preset llama3.1-8b --P 8,16,32,60,64 --json prints the documented fields with Theorem 1 values', async () => {
    const r = await runCli(['bound', '--preset', 'llama3.1-8b', '--P', '8,16,32,60,64', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { input: Record<string, unknown>; rows: Record<string, unknown>[] };
    expect(out.input).toMatchObject({ mu: 0.683, mu2: 2.96, preset: 'llama3.1-8b' });
    expect(out.rows.map((row) => row['P'])).toEqual([8, 16, 32, 60, 64]);
    const at60 = out.rows[3]!;
    // Issue example: {"P": 60, "theorem1": 23.3, "theorem1Applies": true, "reported": 23.3, "limit": 5.99}.
    expect(at60['theorem1']).toBeCloseTo(23.33, 2);
    expect(at60['theorem1Applies']).toBe(true);
    expect(at60['reported']).toBeCloseTo(23.33, 2);
    expect(at60['limit']).toBeCloseTo(5.995, 3);
  });
  it('marks the trivial bound below 1 + mu2/mu^2 (7.345 for Llama-3.1-8B) in the table', async () => {
    const r = await runCli(['bound', '--preset', 'llama3.1-8b', '--P', '4,8']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*4\s+4\*/m);
    expect(r.stdout).toMatch(/^\s*8\s+7\.974\s/m);
    expect(r.stdout).toContain('7.345');
  });
  it('adds Lemma 7 columns with --mu-ce and --pi0, and answers --target', async () => {
    const r = await runCli(['bound', '--mu', '1', '--mu2', '2', '--mu-ce', '0.5', '--pi0', '0.01', '--P', '21', '--target', '6', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: { lemma7: number }[]; target: { smallestP: Record<string, number> } };
    expect(out.rows[0]!.lemma7).toBeCloseTo(Math.log(21) / 0.5, 10);
    // a = 3, b = 0: P = 3·e^{(6−3)/3} = 8.15 → 9; ln P/1 ≥ 6 → e^6 = 403.4 → 404; Lemma 7: e^3 = 20.09 → 21.
    expect(out.target.smallestP).toEqual({ theorem1: 9, limit: 404, lemma7: 21 });
  });
  it.each([
    [['bound', '--mu', 'x', '--mu2', '1'], 'invalid --mu: "x"'],
    [['bound', '--mu', '0.5', '--mu2', '0.1'], 'invalid mu2'],
    [['bound', '--mu', '0.5'], 'invalid --mu2: "(missing)" (give both --mu and --mu2'],
    [['bound', '--preset', 'nope'], 'invalid preset'],
    [['bound', '--preset', 'qwen3-8b', '--P', '0'], 'invalid --P: "0"'],
    [['bound', '--preset', 'qwen3-8b', '--P', '2..1024:x0'], 'invalid --P'],
    [['bound', '--mu', '1', '--mu2', '2', '--pi0', '1.5', '--mu-ce', '1'], 'invalid pi0'],
    [['bound', '--bogus'], "unknown option '--bogus'"],
    [['bound', '--pi', '0.1'], 'Did you mean --pi0?'],
    [['boundd'], "unknown command 'boundd'"],
  ])('%j fails with one line and exit code 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
  it('--target above the largest budget is unreachable at any entropy (E[X] <= P), null in JSON', async () => {
    const r = await runCli(['bound', '--preset', 'llama3.1-8b', '--P', '8', '--target', '1000000', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { target: { largestMu: Record<string, unknown> } };
    expect(out.target.largestMu).toEqual({ atP: 8, limit: null, theorem1: null });
  });
  it('exits 0 without a stack trace when the reader closes the pipe early (| head)', async () => {
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('../helpers/cli.js');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `node --import tsx src/cli/main.ts bound --preset llama3.1-8b --P 2..90000 | head -1 > /dev/null; exit \${PIPESTATUS[0]}`], { cwd: REPO_ROOT });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).not.toContain('    at ');
    expect(result.code).toBe(0);
  });
  it('--help explains the symbols in words', async () => {
    const r = await runCli(['bound', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('INCLUDING the root');
    expect(r.stdout).toContain('INCLUDING the bonus token');
    expect(r.stdout).toContain('second log-moment');
  });
});

describe('specbound presets', () => {
  it('lists the 24 Table 1 rows with the citation; --json parses', async () => {
    const r = await runCli(['presets', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { citation: string; presets: { name: string }[] };
    expect(out.presets).toHaveLength(24);
    expect(out.citation).toContain('Table 1');
    expect(out.presets.map((p) => p.name)).toContain('qwen3-8b/humaneval');
  });
});
