import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { CHAIN, FIXTURE_BUDGETS, writeFixtureRun } from '../plan/report-fixture.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/plan');
const VLLM = path.join(FIXTURES, 'vllm-metrics.prom');
const SGLANG = path.join(FIXTURES, 'sglang-server-info.json');
const VERIFIER_CSV = path.join(FIXTURES, 'verifier-latency.csv');

interface PlanJson {
  best: { P: number; speedup: number; tokensPerSecond: number; kinds: Record<string, string> };
  curve: { P: number; expectedAccepted: number; speedup: number; kind: string; ceiling?: number; theorem1?: number }[];
  configs: { vllm: Record<string, unknown>; sglang: string; eagle: Record<string, number>; llamacpp: string };
  input: { curve: { name: string } };
  deployment?: { summary: string; fractionOfSpeedOfLight?: number; budget?: number };
  notes: string[];
}

let runDir = '';
let tmp = '';
beforeAll(async () => {
  runDir = await writeFixtureRun();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specbound-plan-cli-'));
});

describe('specbound plan --preset', () => {
  it('prints the JSON contract: best, curve and the four engine configs', async () => {
    const r = await runCli(['plan', '--preset', 'llama3.1-8b', '--gpu', 'h100-sxm', '--drafter', 'eagle', '--P-max', '256', '--usd-per-gpu-hour', '2.5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlanJson;
    expect(Object.keys(j.best)).toEqual(expect.arrayContaining(['P', 'speedup', 'tokensPerSecond']));
    expect(j.curve).toHaveLength(256);
    expect(Object.keys(j.curve[0]!)).toEqual(expect.arrayContaining(['P', 'expectedAccepted', 'speedup']));
    expect(j.best.speedup).toBe(Math.max(...j.curve.map((p) => p.speedup)));
    expect(typeof j.configs.vllm).toBe('object');
    expect(typeof j.configs.sglang).toBe('string');
    expect(j.configs.eagle.total_token).toBe(j.best.P);
    expect(typeof j.configs.llamacpp).toBe('string');
    expect(j.best.kinds.speedup).toBe('estimate');
  });
  it('prints a table with kinds and settings, and writes the SVG', async () => {
    const svg = path.join(tmp, 'preset.svg');
    const r = await runCli(['plan', '--preset', 'qwen3-8b', '--drafter', 'draft-model', '--svg', svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/best budget: P = \d+ -> speedup [\d.]+x \[estimate\]/);
    expect(r.stdout).toContain('[bound]');
    expect(r.stdout).toContain('--speculative-algorithm STANDALONE');
    expect(r.stdout).toContain('Qwen3 8B');
    expect((await readFile(svg, 'utf8')).startsWith('<svg')).toBe(true);
  });
});

describe('specbound plan --run', () => {
  it('plans on the run\'s measured chain curve with measured latencies, matching a brute force', async () => {
    const draftCsv = path.join(tmp, 'draft.csv');
    await writeFile(draftCsv, 'k,ms\n1,1.5\n64,3\n');
    const r = await runCli(['plan', '--run', runDir, '--drafter', 'chain', '--latency-csv', VERIFIER_CSV, '--drafter-latency-csv', draftCsv, '--json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as PlanJson;
    expect(j.input.curve.name).toBe('chain');
    expect(j.curve.map((p) => p.P)).toEqual(FIXTURE_BUDGETS);
    expect(j.best.kinds.speedup).toBe('measured');
    // Brute force by hand from the fixtures: T_v from verifier-latency.csv (1→10, 8→10.2,
    // 32→11, 64→16, linear between), T_d = (P − 1)·1.5 ms; speedup = E[X]·10 / (T_v + T_d).
    const Tv = (P: number) => ({ 1: 10, 2: 10 + 0.2 / 7, 4: 10 + 0.6 / 7, 8: 10.2, 16: 10.2 + (0.8 * 8) / 24, 32: 11, 64: 16 })[P]!;
    const speedups = FIXTURE_BUDGETS.map((P, i) => (CHAIN[i]! * 10) / (Tv(P) + 1.5 * (P - 1)));
    const best = speedups.indexOf(Math.max(...speedups));
    expect(j.best.P).toBe(FIXTURE_BUDGETS[best]);
    expect(j.best.speedup).toBeCloseTo(speedups[best]!, 10);
  });
  it('compares a vLLM deployment with the run\'s oracle at its budget', async () => {
    const r = await runCli(['plan', '--run', runDir, '--metrics', VLLM]);
    expect(r.code).toBe(0);
    // Fixture: mean acceptance length 2.6 at P = 4; the run's oracle E[X*](4) = 2.9.
    expect(r.stdout).toContain('this deployment reaches 90% of the speed-of-light at its budget P = 4: 2.6 tokens per pass measured vs 2.9 from the measured oracle');
    expect(r.stdout).toContain('per-position acceptance: 0.693, 0.507, 0.4 [measured');
  });
  it('says when the best P lies beyond the measured verifier latency table', async () => {
    // A table that stops at k = 2: planning up to P = 64 extrapolates T_v, which must be said (it was silent).
    const csv = path.join(tmp, 'short-latency.csv');
    await writeFile(csv, 'k,ms\n1,2.0\n2,2.1\n');
    const r = await runCli(['plan', '--preset', 'llama3.1-8b', '--latency-csv', csv, '--P-max', '64', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlanJson;
    expect(j.best.P).toBeGreaterThan(2);
    expect(j.notes.some((n) => n.includes(`best P = ${j.best.P} lies beyond the verifier latency table (k up to 2)`))).toBe(true);
    // Inside the table there is nothing to say.
    const inside = await runCli(['plan', '--preset', 'llama3.1-8b', '--latency-csv', csv, '--P-max', '2', '--json']);
    expect((JSON.parse(inside.stdout) as PlanJson).notes.some((n) => n.includes('beyond the verifier latency table'))).toBe(false);
  });

  it('names a missing run directory in one line, exit 2', async () => {
    const r = await runCli(['plan', '--run', path.join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\/report\.json: no such file/);
  });
});

describe('specbound plan --metrics', () => {
  it('plans from a vLLM metrics file alone, against the trivial bound', async () => {
    const r = await runCli(['plan', '--metrics', VLLM, '--drafter', 'chain', '--json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as PlanJson;
    expect(j.input.curve.name).toBe('deployment');
    expect(j.curve.slice(0, 4).map((p) => p.kind)).toEqual(['measured', 'measured', 'measured', 'measured']);
    expect(j.curve[3]!.expectedAccepted).toBeCloseTo(2.6, 12);
    expect(j.deployment!.fractionOfSpeedOfLight).toBeCloseTo(2.6 / 4, 12);
    expect(j.deployment!.summary).toMatch(/trivial bound/);
  });
  it('fetches a live /metrics endpoint over http (a loopback server serving the fixture)', async () => {
    const text = await readFile(VLLM, 'utf8');
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const ok = await runCli(['plan', '--metrics', `http://127.0.0.1:${port}/metrics`, '--preset', 'llama3.1-8b', '--json']);
      expect(ok.stderr).toBe('');
      expect((JSON.parse(ok.stdout) as PlanJson).deployment!.budget).toBe(4);
      const missing = await runCli(['plan', '--metrics', `http://127.0.0.1:${port}/nope`, '--preset', 'llama3.1-8b']);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe(`specbound: http://127.0.0.1:${port}/nope: HTTP 404 Not Found`);
      expect(requests).toBe(2);
    } finally {
      server.close();
    }
  });
  it('reads SGLang server info and places it against the simulated i.i.d. optimum at its budget, and Theorem 1 where valid', async () => {
    const r = await runCli(['plan', '--metrics', SGLANG, '--preset', 'llama3.1-8b', '--json']);
    const j = JSON.parse(r.stdout) as PlanJson & { deployment: { atBudget: Record<string, { value: number; kind: string }> } };
    // avg 3.2 at P = 8. The i.i.d. optimum of the calibrated Llama-3.1-8B law at P = 8 is about 4.9
    // (README: simulate --preset llama3.1-8b --trees 20000 gives 4.923 ± 0.015); 2000 trees here.
    expect(j.deployment.budget).toBe(8);
    const iid = j.deployment.atBudget['iid']!;
    expect(iid.kind).toBe('estimate');
    expect(iid.value).toBeGreaterThan(4.923 - 0.25);
    expect(iid.value).toBeLessThan(4.923 + 0.25);
    expect(j.deployment.fractionOfSpeedOfLight).toBeCloseTo(3.2 / iid.value, 12);
    // Theorem 1 applies at P = 8 (1 + mu2/mu^2 = 7.35): 7.974 (Table 1 mean row), listed as a bound beside it.
    expect(j.deployment.atBudget['theorem1']!.value).toBeCloseTo(7.974, 3);
  });
});

describe('specbound plan: bad input', () => {
  it('rejects nonsense hardware and model numbers with one line and exit 2', async () => {
    const cases = [
      [['--memory-bandwidth', '0'], 'specbound: invalid --memory-bandwidth: "0" (must be > 0: memory bandwidth in GB/s)'],
      [['--params', '-8e9'], 'specbound: invalid --params: "-8e9" (must be > 0: a parameter count)'],
      [['--gpu', 'tpu9'], 'specbound: invalid gpu (from --gpu): "tpu9" (unknown GPU; expected one of h100-sxm'],
      [['--efficiency', '3'], 'specbound: invalid efficiency (from --efficiency): 3 (must lie in (0, 1]'],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => runCli(['plan', '--preset', 'llama3.1-8b', ...args])));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    });
  });
  it('asks for a source when none is given', async () => {
    const r = await runCli(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give --run RUN_DIR, --preset NAME, --mu X --mu2 Y, or --metrics FILE_OR_URL');
  });
});

describe('specbound plan --preset: the drafter model under the simulated i.i.d. ceiling', () => {
  it('plans on a drafter calibrated to published acceptance, never above the i.i.d. optimum', async () => {
    const r = await runCli(['plan', '--preset', 'llama3.1-8b', '--gpu', 'h100-sxm', '--drafter', 'eagle', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlanJson & { input: { ceiling: { name: string }; drafter: { model: string } }; chain: { k: number } };
    expect(j.input.curve.name).toBe('drafter');
    expect(j.input.ceiling.name).toBe('iid');
    expect(j.input.drafter.model).toMatch(/vLLM CI baseline .*alpha = 0\.7183/);
    const at = (P: number) => j.curve.find((p) => p.P === P)!;
    // P = 2: the old ln P/mu clamp said 1.015; the i.i.d. optimum is 1.856 (simulate, 1000 trees: 1.856 ± 0.010),
    // and the drafter's top token is accepted with alpha = 0.7183: 1.7183.
    expect(at(2).expectedAccepted).toBeCloseTo(1.7183, 4);
    expect(at(2).ceiling!).toBeGreaterThan(1.856 - 0.05);
    expect(at(2).ceiling!).toBeLessThan(1.856 + 0.05);
    // P = 4 as a tree: at least the chain's 2.6049 (vLLM CI), at most the ceiling.
    expect(at(4).expectedAccepted).toBeGreaterThanOrEqual(2.6049 - 1e-9);
    for (const p of j.curve) expect(p.expectedAccepted).toBeLessThanOrEqual(p.ceiling! + 1e-12);
    // Theorem 1 is listed only from P = 1 + mu2/mu^2 = 7.35 on.
    expect(at(7).theorem1).toBeUndefined();
    expect(at(8).theorem1).toBeCloseTo(7.974, 3);
    // vLLM main runs chains: its line carries the best chain length, not the tree's depth.
    expect(j.configs.vllm['num_speculative_tokens']).toBe(j.chain.k);
  });
});

describe('specbound plan --batch', () => {
  it('prints best P, speedup and cost per batch size and names the break-even batch', async () => {
    const r = await runCli(['plan', '--preset', 'llama3.1-8b', '--gpu', 'h100-sxm', '--drafter', 'eagle', '--usd-per-gpu-hour', '2.5', '--context', '128', '--batch', '1,8,32,128,512']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('batch  best P'));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 7).map((l) => l.trim().split(/\s+/));
    expect(rows.map((c) => Number(c[0]))).toEqual([1, 8, 32, 128, 512]);
    const Ps = rows.map((c) => Number(c[1]));
    for (let i = 1; i < Ps.length; i++) expect(Ps[i]).toBeLessThanOrEqual(Ps[i - 1]!);
    expect(Ps[4]).toBe(1);
    expect(r.stdout).toMatch(/break-even batch: (\d+) \(from \1 concurrent sequences on, P = 1: serve without speculation\)/);
    // The per-batch chain lengths in vLLM's syntax, and TensorRT-LLM's max_concurrency below the chain break-even.
    expect(r.stdout).toMatch(/"num_speculative_tokens_per_batch_size":\[\[1,/);
    expect(r.stdout).toMatch(/max_concurrency: \d+/);
  });
  it('refuses a batch size of 0 with one line', async () => {
    const r = await runCli(['plan', '--preset', 'llama3.1-8b', '--batch', '1,0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--batch/);
  });
});

describe("specbound plan --metrics with vLLM's CI baseline (Llama-3.1-8B + EAGLE-3, MT-Bench, T = 0, k = 3)", () => {
  it('reads mean acceptance length 2.60 and calibrates the drafter model to the deployment', async () => {
    const ci = path.join(FIXTURES, 'vllm-ci-llama3-8b-eagle3.prom');
    const r = await runCli(['plan', '--metrics', ci, '--preset', 'llama3.1-8b', '--gpu', 'h100-sxm', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as PlanJson & {
      input: { drafter: { model: string } };
      deployment: { meanAcceptanceLength: { value: number }; atBudget: Record<string, { value: number; kind: string }>; speedOfLight: { label: string }; fractionOfSpeedOfLight: number };
    };
    // vLLM: 1 + accepted/drafts = 1 + 16049/10000 = 2.6049 -> the published 2.60.
    expect(j.deployment.meanAcceptanceLength.value).toBeCloseTo(2.6049, 12);
    expect(j.deployment.budget).toBe(4);
    expect(j.input.drafter.model).toMatch(/drafter calibrated to vllm .*per-position acceptance 0\.730, 0\.521, 0\.35[45] -> alpha = 0\.7183/);
    // At P = 4 (below 1 + mu2/mu^2 = 7.35) Theorem 1 says nothing: the reference is the simulated
    // i.i.d. optimum, 3.18 for this law (simulate, 1000 trees: 3.179 ± 0.030).
    expect(j.deployment.atBudget['theorem1']).toBeUndefined();
    const iid = j.deployment.atBudget['iid']!;
    expect(Math.abs(iid.value - 3.179)).toBeLessThan(0.12);
    expect(j.deployment.fractionOfSpeedOfLight).toBeCloseTo(2.6049 / iid.value, 12);
    expect(j.deployment.speedOfLight.label).toBe('simulated i.i.d. optimum E[X*](4) of the calibrated law');
  });
});
