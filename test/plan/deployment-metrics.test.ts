import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExternalServiceError, InputFileError } from '../../src/core/errors.js';
import { compareDeployment, curveValueAt } from '../../src/plan/deployment-comparison.js';
import { deploymentMetricsFromText, sglangDeploymentMetrics, vllmDeploymentMetrics } from '../../src/plan/deployment-metrics.js';
import { parsePrometheusText } from '../../src/plan/prometheus-text.js';
import { readTextSource } from '../../src/plan/read-text-source.js';
import { reportedBound } from '../../src/theory/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { FIXTURE_STATS, fixtureReport } from './report-fixture.js';

const VLLM = path.join(REPO_ROOT, 'test/fixtures/plan/vllm-metrics.prom');
const SGLANG = path.join(REPO_ROOT, 'test/fixtures/plan/sglang-server-info.json');

describe('parsePrometheusText(text, source)', () => {
  it('reads names with colons, labels, escapes, special values and timestamps', () => {
    const samples = parsePrometheusText(
      [
        '# HELP x help',
        '# TYPE vllm:a_total counter',
        'vllm:a_total{engine="0",model_name="m"} 22.0',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        'something_weird{problem="division by zero"} +Inf -3982045',
        'trailing_comma{a="1",} NaN',
        'plain 12.47',
      ].join('\n'),
      'sample',
    );
    expect(samples.map((s) => s.name)).toEqual(['vllm:a_total', 'msdos_file_access_time_seconds', 'something_weird', 'trailing_comma', 'plain']);
    expect(samples[0]).toEqual({ name: 'vllm:a_total', labels: { engine: '0', model_name: 'm' }, value: 22, line: 3 });
    expect(samples[1]!.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(samples[2]!.value).toBe(Number.POSITIVE_INFINITY);
    expect(samples[3]!.value).toBeNaN();
    expect(samples[4]!.value).toBe(12.47);
  });
  it('rejects malformed lines with source:line', () => {
    expect(() => parsePrometheusText('ok 1\nbad line here\n', 'm.prom')).toThrow(InputFileError);
    expect(() => parsePrometheusText('ok 1\nbad line here\n', 'm.prom')).toThrow(/^m\.prom:2: value "line" is not a number/);
    expect(() => parsePrometheusText('x{a="1"} abc', 'm.prom')).toThrow('m.prom:1: value "abc" is not a number');
    expect(() => parsePrometheusText('x{a=1} 2', 'm.prom')).toThrow('m.prom:1: label a value is not quoted');
    expect(() => parsePrometheusText('x{a="1} 2', 'm.prom')).toThrow('m.prom:1: unterminated value of label a');
    expect(() => parsePrometheusText('{a="1"} 2', 'm.prom')).toThrow('m.prom:1: no metric name');
  });
});

describe('vllmDeploymentMetrics(text, source)', () => {
  it('sums engines and computes vLLM\'s mean acceptance length and per-position rates', () => {
    const m = vllmDeploymentMetrics(readFileSync(VLLM, 'utf8'), VLLM);
    // Fixture: drafts 1000 + 500 = 1500, accepted 1660 + 740 = 2400 → 1 + 2400/1500 = 2.6.
    expect(m.meanAcceptanceLength).toBeCloseTo(2.6, 12);
    expect(m.drafts).toBe(1500);
    expect(m.draftTokens).toBe(4500);
    // Per position: (710+330)/1500, (530+230)/1500, (420+180)/1500.
    expect(m.perPositionAcceptance).toEqual([1040 / 1500, 760 / 1500, 600 / 1500]);
    expect(m.conditionalAcceptance[1]).toBeCloseTo(760 / 1040, 12);
    expect(m.conditionalAcceptance[2]).toBeCloseTo(600 / 760, 12);
    // num_speculative_tokens = 3 (positions 0..2) → P = 4.
    expect(m.budget).toBe(4);
    // Identity: 1 + Σ r_i is the mean acceptance length (every accepted token is counted at its position).
    expect(1 + m.perPositionAcceptance.reduce((a, b) => a + b, 0)).toBeCloseTo(m.meanAcceptanceLength, 12);
  });
  it('says plainly when speculation is off or has not run', () => {
    expect(() => vllmDeploymentMetrics('vllm:num_requests_running 1\n', 'm')).toThrow(/is speculative decoding enabled/);
    expect(() => vllmDeploymentMetrics('vllm:spec_decode_num_drafts_total 0\nvllm:spec_decode_num_accepted_tokens_total 0\n', 'm')).toThrow(/no speculative step has run yet/);
  });
});

describe('sglangDeploymentMetrics(info, source)', () => {
  it('averages internal_states[].avg_spec_accept_length and reads the budget', () => {
    const m = sglangDeploymentMetrics(JSON.parse(readFileSync(SGLANG, 'utf8')), SGLANG);
    expect(m.meanAcceptanceLength).toBeCloseTo(3.2, 12); // (3.1 + 3.3) / 2
    expect(m.budget).toBe(8); // speculative_num_draft_tokens
    expect(m.settings).toMatchObject({ speculative_algorithm: 'EAGLE3', speculative_num_steps: 3, speculative_eagle_topk: 4 });
  });
  it('is picked by content in deploymentMetricsFromText', () => {
    expect(deploymentMetricsFromText(readFileSync(SGLANG, 'utf8'), SGLANG).engine).toBe('sglang');
    expect(deploymentMetricsFromText(readFileSync(VLLM, 'utf8'), VLLM).engine).toBe('vllm');
    expect(() => deploymentMetricsFromText('{"x": 1}', 's.json')).toThrow(/no internal_states/);
    expect(() => deploymentMetricsFromText('{oops', 's.json')).toThrow(/s\.json: not valid JSON/);
  });
});

describe('readTextSource(location, {fetchImpl})', () => {
  it('fetches http(s) URLs with the injected fetch and reports failures as service errors', async () => {
    let calls = 0;
    const ok = (() => {
      calls++;
      return Promise.resolve(new Response('vllm:x 1\n', { status: 200 }));
    }) as typeof fetch;
    expect(await readTextSource('http://127.0.0.1:9/metrics', { fetchImpl: ok })).toBe('vllm:x 1\n');
    expect(calls).toBe(1);
    const notFound = (() => Promise.resolve(new Response('no', { status: 404, statusText: 'Not Found' }))) as typeof fetch;
    await expect(readTextSource('http://127.0.0.1:9/metrics', { fetchImpl: notFound })).rejects.toThrow(ExternalServiceError);
    await expect(readTextSource('http://127.0.0.1:9/metrics', { fetchImpl: notFound })).rejects.toThrow('http://127.0.0.1:9/metrics: HTTP 404 Not Found');
    const refused = (() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }))) as typeof fetch;
    await expect(readTextSource('http://127.0.0.1:9/metrics', { fetchImpl: refused })).rejects.toThrow('could not connect (connect ECONNREFUSED 127.0.0.1:9)');
  });
  it('names a missing file', async () => {
    await expect(readTextSource('/nonexistent/metrics.prom')).rejects.toThrow('/nonexistent/metrics.prom: no such file');
  });
});

describe('compareDeployment(metrics, {report, stats})', () => {
  const metrics = vllmDeploymentMetrics(readFileSync(VLLM, 'utf8'), VLLM);
  it('places the deployment against the run\'s oracle at its budget', () => {
    const c = compareDeployment(metrics, { report: fixtureReport(), stats: FIXTURE_STATS });
    // Fixture oracle E[X*](4) = 2.9; measured 2.6 → 2.6/2.9 = 89.7%.
    expect(c.speedOfLight).toMatchObject({ value: 2.9, kind: 'measured' });
    expect(c.fractionOfSpeedOfLight).toBeCloseTo(2.6 / 2.9, 12);
    expect(c.summary).toMatch(/^this deployment reaches 90% of the speed-of-light at its budget P = 4/);
    // P = 4 < 1 + μ₂/μ² = 7.35: Theorem 1 says nothing there (its reported value is the trivial P), so it is not listed.
    expect(reportedBound(FIXTURE_STATS, 4).theoremApplies).toBe(false);
    expect(c.atBudget.theorem1).toBeUndefined();
    expect(c.notes.join(' ')).toMatch(/Theorem 1 applies only from P = 1 \+ mu2\/mu\^2 = 7\.35; at P = 4 the only bound is the trivial E\[X\] <= P/);
    expect(c.atBudget.iid).toMatchObject({ value: 2.7, kind: 'measured' });
  });
  it('falls back to the simulated i.i.d. optimum, to Theorem 1 only where it applies, then to the trivial bound', () => {
    const iid = { name: 'iid', description: 'test', points: [{ P: 4, expectedAccepted: 3.2, kind: 'estimate' as const }] };
    const withIid = compareDeployment(metrics, { stats: FIXTURE_STATS, iid });
    expect(withIid.speedOfLight).toMatchObject({ value: 3.2, kind: 'estimate' });
    expect(withIid.summary).toMatch(/from the simulated i\.i\.d\. optimum$/);
    // Without the simulation: P = 4 < 7.35, Theorem 1 does not apply, so the trivial bound P = 4 is the reference.
    const withStats = compareDeployment(metrics, { stats: FIXTURE_STATS });
    expect(withStats.speedOfLight).toMatchObject({ value: 4, kind: 'bound', label: 'trivial bound E[X] <= P' });
    expect(withStats.summary).toMatch(/trivial bound/);
    // Above the validity point Theorem 1 is the reference: the same counters read as a P = 9 deployment.
    const at9 = compareDeployment({ ...metrics, budget: 9 }, { stats: FIXTURE_STATS });
    expect(at9.speedOfLight).toMatchObject({ value: reportedBound(FIXTURE_STATS, 9).value, kind: 'bound', label: 'Theorem 1 bound at P = 9' });
    expect(at9.summary).toMatch(/Theorem 1 bound/);
    const bare = compareDeployment(metrics, {});
    expect(bare.fractionOfSpeedOfLight).toBeCloseTo(2.6 / 4, 12);
    expect(bare.summary).toMatch(/trivial bound/);
  });
});

describe('curveValueAt(points, P)', () => {
  it('interpolates in ln P between measured budgets', () => {
    // Between (4, 2.9) and (8, 3.9) at P = 6: t = ln(6/4)/ln 2 = 0.58496; 2.9 + t.
    const v = curveValueAt(fixtureReport().curves.oracle, 6)!;
    expect(v.interpolated).toBe(true);
    expect(v.value).toBeCloseTo(2.9 + Math.log(1.5) / Math.LN2, 12);
    expect(curveValueAt(fixtureReport().curves.oracle, 100)).toBeUndefined();
  });
});
