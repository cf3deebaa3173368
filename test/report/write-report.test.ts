import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/results/results-schema.js';
import { curvesTable, formatEstimate, headline, statsTable } from '../../src/report/tables.js';
import { writeReport } from '../../src/report/write-report.js';
import { renderMarkdown } from '../../src/report/markdown.js';

// A small hand-made report (values written beside each curve, not measured).
const est = (x: number, half = 0.1) => ({ estimate: x, ci95: [x - half, x + half] as [number, number], interval: [x, x] as [number, number] });
const stats = { positions: 100, sequences: 4, mu: est(0.7), mu2: est(2.1), muCE: est(1.2), pi0: est(0.01, 0.005), tailMass: 0 };
const budgets = [1, 2, 4, 8, 16, 32, 60, 64];
const curve = (f: (P: number) => number) => budgets.map((P) => ({ P, mean: f(P), se: 0.05 }));
const report: Report = {
  version: 1,
  generator: 'test',
  config: { target: 'builtin', draft: 'builtin-draft', prompts: 'builtin', samples: 1, maxNewTokens: 16, temperature: 1, PMax: 64, seed: 1 },
  stats: { overall: stats, tasks: { code: stats, story: { ...stats, sequences: 1 } } },
  curves: {
    oracle: curve((P) => 1 + Math.log2(P)),
    iid: curve((P) => 1 + 0.9 * Math.log2(P)),
    theorem1: budgets.map((P) => ({ P, mean: Math.min(P, 2 + 2 * Math.log2(P)) })),
    limit: budgets.map((P) => ({ P, mean: Math.log(P) / 0.7 })),
    lemma7: budgets.map((P) => ({ P, mean: Math.log(P) / 1.2 })),
    drafters: { 'q-greedy': curve((P) => 1 + 0.6 * Math.log2(P)) },
  },
  tasks: {
    code: { stats, curves: { lemma7: budgets.map((P) => ({ P, mean: Math.log(P) / 1.2 })), drafters: { 'q-greedy': curve((P) => 1 + 0.6 * Math.log2(P)) } } },
  },
  entropyHistogram: { edges: [0, 0.1, 0.2], counts: [60, 40] },
  temperatureSweep: [0.5, 1, 1.5].map((T) => ({ temperature: T, mu: 0.7 * T, mu2: 2.1 * T, theorem1: 10 / T, limit: Math.log(64) / (0.7 * T), P: 64, iid: 6 / T })),
};

describe('writeReport', () => {
  it('writeReport(report, dir) writes report.json equal to the input, report.md with existing figure files, and a self-contained report.html', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
    const written = writeReport(report, dir);
    expect(ReportSchema.parse(JSON.parse(readFileSync(written.json, 'utf8')))).toEqual(report);
    const md = readFileSync(written.markdown, 'utf8');
    const links = [...md.matchAll(/\]\((figures\/[^)]+)\)/g)].map((m) => m[1]!);
    expect(links).toContain('figures/accepted-length.svg');
    expect(links.length).toBe(5); // Figure 2 analog, Figure 1 analog, histogram, two sweep figures
    for (const link of links) expect(existsSync(path.join(dir, link)), link).toBe(true);
    const html = readFileSync(written.html, 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('Table 1 analog');
  });

  it('writeReport rejects a report that does not match the schema, writing nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
    expect(() => writeReport({ ...report, curves: { ...report.curves, oracle: [{ P: 0, mean: 1 }] } }, dir)).toThrow();
    expect(existsSync(path.join(dir, 'report.json'))).toBe(false);
  });
});

describe('report tables', () => {
  it('headline(report) reads every curve at P = 60 and picks the best drafter', () => {
    const h = headline(report);
    expect(h.P).toBe(60);
    expect(h.oracle).toBeCloseTo(1 + Math.log2(60), 12);
    expect(h.bestDrafter).toEqual({ name: 'q-greedy', value: 1 + 0.6 * Math.log2(60) });
  });

  it('curvesTable(report) has one row per budget and ± 1.96 standard errors', () => {
    const t = curvesTable(report);
    expect(t.headers).toEqual(['P', 'oracle E[X*]', 'i.i.d. optimum', 'q-greedy', 'Theorem 1', 'ln P/μ', 'Lemma 7']);
    expect(t.rows.length).toBe(budgets.length);
    expect(t.rows[3]![1]).toBe('4 ± 0.098'); // P = 8: 1 + log2 8 = 4; 1.96 × 0.05 = 0.098
  });

  it('statsTable(report) shows one-sequence tasks without a CI and the top-k interval when it is not a point', () => {
    const t = statsTable(report);
    expect(t.rows.map((r) => r[0])).toEqual(['code', 'story', 'all']);
    expect(t.rows[1]![3]).toBe('0.7 [one sequence: no CI]');
    expect(formatEstimate({ estimate: 0.5, ci95: [0.4, 0.7], interval: [0.5, 0.6] })).toBe('0.5 (top-k: 0.5–0.6) [0.4, 0.7]');
  });

  it('renderMarkdown(report) states the findings with the headline numbers', () => {
    const md = renderMarkdown(report, { acceptedLength: 'a.svg' });
    expect(md).toContain(`E[X*] = ${Number((1 + Math.log2(60)).toPrecision(3))} tokens per pass`);
    expect(md).toContain('q-greedy');
  });
});
