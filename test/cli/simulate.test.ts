import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { bruteForceOptimum } from '../sim/brute-force.js';

interface SimulateJson {
  law: { kind: string };
  mu: number;
  mu2: number;
  muCE?: number;
  pi0?: number;
  theorem1ValidFrom: number;
  rows: { P: number; mean: number; se: number; theorem1: number; theorem1Applies: boolean; limit: number; lemma7?: number }[];
}

const header = JSON.stringify({ format: 'specbound-trace', version: 1, model: 'test', tokenizer: 'unknown', vocabSize: 2, temperature: 1, promptSet: 'unknown' });

describe('specbound simulate', () => {
  it('--law zipf:S:V --json prints the exact deterministic optimum with Theorem 1 and ln P/mu beside it', async () => {
    const r = await runCli(['simulate', '--law', 'zipf:1:5', '--P-max', '40', '--trees', '2', '--workers', '1', '--P', '1,2,8,40', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SimulateJson;
    expect(out.law.kind).toBe('zipf');
    // Zipf(1) over 5 tokens, brute-forced independently (test/sim/brute-force.ts).
    const probs = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5].map((w) => w / (137 / 60));
    const reference = bruteForceOptimum(probs, 7, 40);
    expect(out.rows.map((row) => row.P)).toEqual([1, 2, 8, 40]);
    for (const row of out.rows) {
      expect(row.mean).toBeCloseTo(reference.cumulative[row.P - 1]!, 12);
      expect(row.se).toBe(0);
      expect(row.limit).toBeCloseTo(Math.log(row.P) / out.mu, 12);
      // Theorem 1 (docs/conventions.md): a = (mu + mu2)/mu^2, b = 1 - 1/mu; valid from P = 1 + mu2/mu^2.
      const a = (out.mu + out.mu2) / out.mu ** 2;
      const b = 1 - 1 / out.mu;
      const applies = row.P >= 1 + out.mu2 / out.mu ** 2;
      expect(row.theorem1Applies).toBe(applies);
      expect(row.theorem1).toBeCloseTo(applies ? Math.min(row.P, a * Math.log((row.P - b) / a) + a + b) : row.P, 12);
      expect(row.mean).toBeLessThanOrEqual(row.theorem1);
    }
  });

  it('--preset prints identical output with --workers 1 and 2 (same seed)', async () => {
    const args = ['simulate', '--preset', 'llama3.1-8b', '--P-max', '64', '--trees', '300', '--seed', '5', '--json'];
    const one = await runCli([...args, '--workers', '1']);
    const two = await runCli([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const out = JSON.parse(one.stdout) as SimulateJson;
    expect(out.mu).toBeCloseTo(0.683, 10); // Table 1, Llama 3.1 8B mean row
    expect(out.mu2).toBeCloseTo(2.96, 10);
  }, 120_000);

  it('prints a table marking budgets where only the trivial bound holds', async () => {
    const r = await runCli(['simulate', '--mu', '0.683', '--mu2', '2.96', '--P-max', '16', '--trees', '100', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/E\[X\*\] sim/);
    expect(r.stdout).toMatch(/^ *4 .* 4\* /m); // 4 < 1 + 2.96/0.683^2 ≈ 7.35: trivial bound
    expect(r.stdout).toMatch(/Theorem 1 says nothing/);
  });

  it('--trace simulates the recorded distributions as an empirical bank', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'specbound-sim-'));
    const file = path.join(dir, 'trace.jsonl');
    writeFileSync(file, `${header}\n${JSON.stringify({ seq: 0, pos: 0, dist: { logprobs: [Math.log(0.25), Math.log(0.75)] } })}\n`);
    const r = await runCli(['simulate', '--trace', file, '--P-max', '6', '--trees', '3', '--workers', '1', '--P', '1..6', '--json']);
    expect(r.code).toBe(0);
    // One two-point distribution (0.75, 0.25): nodes 1, .75, .5625, .421875, .31640625, .25 (hand derivation).
    expect((JSON.parse(r.stdout) as SimulateJson).rows.map((row) => row.mean)).toEqual([1, 1.75, 2.3125, 2.734375, 3.05078125, 3.30078125]);
  });

  it('--trace-drafter builds the q-greedy tree and reports Lemma 7', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'specbound-sim-'));
    const file = path.join(dir, 'trace.jsonl');
    // Verifier (0.75, 0.25), drafter prefers the wrong token: q = (0.2, 0.8).
    const line = { seq: 0, pos: 0, dist: { logprobs: [Math.log(0.75), Math.log(0.25)] }, draft: { logprobs: [Math.log(0.2), Math.log(0.8)] } };
    writeFileSync(file, `${header}\n${JSON.stringify(line)}\n`);
    const r = await runCli(['simulate', '--trace', file, '--trace-drafter', '--P-max', '3', '--trees', '2', '--workers', '1', '--P', '1..3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SimulateJson;
    // q-greedy: node Q = .8 (p = .25) first, then Q = .64 (p = .0625): E[X] = 1, 1.25, 1.3125 (hand derivation).
    expect(out.rows.map((row) => row.mean)).toEqual([1, 1.25, 1.3125]);
    // μ_CE = −(0.75 ln 0.2 + 0.25 ln 0.8); π₀ = 0.
    expect(out.muCE).toBeCloseTo(-(0.75 * Math.log(0.2) + 0.25 * Math.log(0.8)), 12);
    expect(out.pi0).toBe(0);
    expect(out.rows[2]!.lemma7).toBeCloseTo(Math.log(3) / out.muCE!, 12);
  });

  it('--drafter-noise simulates a noisy drafter on a preset: below the oracle, with Lemma 7 beside it', async () => {
    const common = ['simulate', '--preset', 'llama3.1-8b', '--P-max', '64', '--trees', '400', '--workers', '1', '--P', '64', '--json'];
    const oracle = JSON.parse((await runCli(common)).stdout) as SimulateJson;
    const r = await runCli([...common, '--drafter-noise', '1.5', '--drafter-temperature', '1.5']);
    expect(r.code).toBe(0);
    const drafted = JSON.parse(r.stdout) as SimulateJson;
    expect(drafted.law.kind).toBe('noisy-drafter');
    expect(drafted.muCE!).toBeGreaterThan(drafted.mu); // cross-entropy ≥ entropy
    const o = oracle.rows[0]!;
    const d = drafted.rows[0]!;
    expect(d.mean).toBeLessThan(o.mean - 2 * Math.hypot(o.se, d.se));
    expect(d.lemma7).toBeCloseTo(drafted.pi0! > 0 ? Math.min(1 / drafted.pi0!, Math.log(64) / drafted.muCE!) : Math.log(64) / drafted.muCE!, 12);
  }, 120_000);

  it('--depth-profile prints the mean nodes per depth of the P-max tree', async () => {
    // Zipf(1, 2): children 2/3, 1/3; the 4 largest nodes 1, 2/3, 4/9, 1/3 sit at depths 0, 1, 2, 1.
    const r = await runCli(['simulate', '--law', 'zipf:1:2', '--P-max', '4', '--trees', '1', '--depth-profile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/depth\s+nodes\n-+\s+-+\n\s*0\s+1\n\s*1\s+2\n\s*2\s+1/);
  });

  it.each([
    [['--law', 'zipf:x:5'], /invalid --law: "zipf:x:5" \(exponent S "x" is not a number/],
    [['--law', 'poisson:1'], /unknown law "poisson"/],
    [['--preset', 'llama3.1-8b', '--trees', '0'], /invalid --trees: "0"/],
    [['--preset', 'llama3.1-8b', '--P-max', '64', '--P', '100'], /invalid --P: 100 \(exceeds --P-max 64\)/],
    [[], /give exactly one of --preset, --law, --trace/],
    [['--law', 'zipf:1:5', '--preset', 'llama3.1-8b'], /give exactly one/],
    [['--mu', '2', '--mu2', '4.5'], /invalid mu2 \(from --mu\/--mu2\): 4.5/],
    [['--trace', '/nonexistent/trace.jsonl'], /trace\.jsonl/],
  ])('rejects %j with one line and exit code 2', async (args, message) => {
    const r = await runCli(['simulate', ...args, '--trees', args.includes('--trees') ? '' : '10'].filter((a) => a !== ''));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
