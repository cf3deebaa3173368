import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/results/results-schema.js';
import { runCli } from '../helpers/cli.js';
import { startServeModel, type ServedModel } from '../helpers/serve-model.js';

let served: ServedModel | undefined;

async function startServer(): Promise<string> {
  served = await startServeModel('builtin');
  return served.url;
}

afterAll(() => {
  served?.stop();
});

describe('specbound report against an OpenAI-compatible server', () => {
  it('report --target openai:URL#model=builtin measures through the server (top-k logprobs) and reports every curve', async () => {
    const url = await startServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'report-openai-'));
    const r = await runCli(['report', '--target', `openai:${url}#model=builtin`, '--prompts', 'builtin', '--prompts-per-task', '1', '--max-new-tokens', '8', '--P-max', '8', '--out', dir], {
      timeoutMs: 240_000,
    });
    // The one line on stderr is the cost of the remote run, announced before measuring (issue 17).
    expect(r.stderr).toMatch(/^specbound: this run sends at most [\d,]+ completions requests carrying at most [\d,]+ prompt tokens .*\n$/);
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
    expect(report.stats.overall.sequences).toBe(12); // 6 built-in tasks × 1 prompt × 2 samples (the report default)
    // Servers return top-k logprobs: μ is an interval over the unknown tail, with its tail mass.
    const [lo, hi] = report.stats.overall.mu.interval;
    expect(report.stats.overall.tailMass).toBeGreaterThan(0);
    expect(hi).toBeGreaterThan(lo);
    expect(report.curves.oracle.length).toBe(6); // P = 1, 2, 3, 4, 6, 8
    report.curves.iid.forEach((p, i) => expect(p.mean - 3 * (p.se ?? 0)).toBeLessThanOrEqual(report.curves.theorem1[i]!.mean));
  }, 300_000);
});
