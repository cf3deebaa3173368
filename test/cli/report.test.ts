import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/results/results-schema.js';
import { REPO_ROOT, runCli, SHARED } from '../helpers/cli.js';

/** Lemma 1 (oracle ≥ every drafter at the same positions) and Theorem 1 (i.i.d. optimum ≤ bound, within 3 SE). */
function expectPaperProperties(report: Report): void {
  report.curves.oracle.forEach((o, i) => {
    for (const [name, curve] of Object.entries(report.curves.drafters)) expect(curve[i]!.mean, `${name} at P = ${o.P}`).toBeLessThanOrEqual(o.mean + 1e-12);
    const iid = report.curves.iid[i]!;
    expect(iid.P).toBe(o.P);
    expect(iid.mean - 3 * (iid.se ?? 0), `i.i.d. at P = ${o.P}`).toBeLessThanOrEqual(report.curves.theorem1[i]!.mean);
  });
}

/** Runs the CLI with another working directory (test/helpers/cli.ts resolves tsx from the cwd, so load it by path). */
function runCliIn(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd,
      env: { ...process.env, SPECBOUND_PROGRESS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * `specbound stats RUN/trace.jsonl.gz` gives exactly the report's μ, μ₂, μ_CE and π₀ (and, with the
 * same bootstrap seed, the same intervals): the trace holds the very distributions the run measured
 * (complete p and q for these small vocabularies) and both go through stats/positionStatistics.
 */
async function expectTraceStatsOf(dir: string, report: Report): Promise<void> {
  const r = await runCli(['stats', path.join(dir, 'trace.jsonl.gz'), '--json', '--seed', String(report.config.seed)]);
  expect(r.code).toBe(0);
  const stats = JSON.parse(r.stdout) as Record<string, { estimate: number; ci95: [number, number] } | number>;
  const overall = report.stats.overall;
  expect(stats['positions']).toBe(overall.positions);
  for (const key of ['mu', 'mu2', 'muCE', 'pi0'] as const) {
    expect(overall[key], key).toBeDefined();
    expect(stats[key], key).toEqual({ estimate: overall[key]!.estimate, ci95: overall[key]!.ci95, interval: overall[key]!.interval });
  }
}

function readReport(dir: string): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
}

describe('specbound report (real CLI)', () => {
  it('report with no arguments measures the built-in pair into ./specbound-report with every curve and figure', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'report-default-'));
    const r = await runCliIn(cwd, ['report']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = path.join(cwd, 'specbound-report');
    expect(r.stdout).toContain('wrote specbound-report/report.html');
    const report = readReport(dir);
    expect(report.config).toMatchObject({ target: 'builtin', draft: 'builtin-draft', prompts: 'builtin' });
    expect(Object.keys(report.stats.tasks).sort()).toEqual(['code', 'conversation', 'math', 'qa', 'story', 'summarisation']);
    expect(Object.keys(report.curves.drafters).sort()).toEqual(['chain', 'eagle', 'medusa', 'q-greedy', 'sequoia']);
    for (const key of ['oracle', 'oracleAncestral', 'iid', 'theorem1', 'limit', 'lemma7'] as const) expect(report.curves[key]?.length, key).toBeGreaterThan(5);
    expectPaperProperties(report);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    // E[X] vs P, per-task oracle, speedup vs P, Lemma 7, histogram, two temperature-sweep figures, adaptive budgets.
    expect(html.match(/<svg /g)?.length).toBe(8);
    for (const f of ['report.md', 'trace.jsonl.gz', 'figures/accepted-length.svg', 'figures/lemma7.svg', 'figures/adaptive.svg']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    // The adaptive oracle is never below the best fixed budget (a fixed P is one of its policies).
    const a = report.adaptive!.overall;
    expect(a.adaptive.throughput.estimate).toBeGreaterThanOrEqual(a.fixed.throughput.estimate);
    for (const d of Object.values(a.drafters)) expect(d.best.throughput).toBeLessThanOrEqual(a.adaptive.throughput.estimate);
    await expectTraceStatsOf(dir, report);
  }, 300_000);

  it('report on the real stories260K with its layer-skip drafter goes through the same path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-stories-'));
    const model = path.join(SHARED, 'models', 'stories260K', 'stories260K.bin');
    const story = path.join(dir, 'prompts.txt');
    (await import('node:fs')).writeFileSync(story, 'Once upon a time, there was a little girl named Lily.\nTom and his dog went to the park. They\n');
    const r = await runCli(
      ['report', '--target', `llama2c:${model}`, '--draft', `llama2c-skip:${model}#layers=0,1,2`, '--prompts', story, '--samples', '2', '--max-new-tokens', '24', '--P-max', '16', '--tree-every', '6', '--out', dir],
      { timeoutMs: 300_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = readReport(dir);
    expect(report.stats.overall.sequences).toBe(4);
    expect(report.stats.overall.tailMass).toBe(0); // 512-token vocabulary: distributions recorded complete
    expectPaperProperties(report);
    const bytes = readFileSync(path.join(dir, 'report.json'), 'utf8');
    const results = statSync(path.join(dir, 'results.json')).mtimeMs;
    // Rerunning on the finished run directory measures nothing and rewrites the same report.
    const again = await runCli(['report', dir]);
    expect(again.code).toBe(0);
    expect(readReport(dir)).toEqual(report);
    // The results are read back (results.json untouched), so report.json is byte-identical.
    expect(readFileSync(path.join(dir, 'report.json'), 'utf8')).toBe(bytes);
    expect(statSync(path.join(dir, 'results.json')).mtimeMs).toBe(results);
    await expectTraceStatsOf(dir, report);
    // The paper's constant T: the largest P always wins, so adaptivity gains exactly nothing.
    const out = path.join(dir, 'constant');
    const constant = await runCli(['report', dir, '--latency', 'constant', '--out', out]);
    expect(constant.code).toBe(0);
    const c = readReport(out).adaptive!;
    expect(c.latency.label).toBe('constant');
    expect(c.overall.fixed.P).toBe(16);
    expect(c.overall.gain.estimate).toBe(1);
    expect(constant.stdout).toContain('adaptivity could gain at most 0%');
    // A bad --latency is one line, exit 2, before anything is measured or written.
    const bad = await runCli(['report', dir, '--latency', 'quadratic', '--out', path.join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^specbound: invalid latency \(from --latency\): "quadratic"/);
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  }, 300_000);

  it('report on a directory that holds no measurement exits 2 with one line', async () => {
    const r = await runCli(['report', path.join(tmpdir(), 'no-such-run-dir-specbound')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^specbound: invalid RUN_DIR: ".*no-such-run-dir-specbound" \(does not exist/);
  });
});
