/**
 * Runs: the run directories under `--runs`, and one run's figures (the same figure builders as
 * report.html, rendered by Plot in the browser with hover tips), its Table 1 analog, and a plan
 * view when a plan.json sits beside the report.
 */
import * as Plot from '@observablehq/plot';
import { acceptedLengthFigure, entropyHistogramFigure, lemma7Figure, lemma7Points, temperatureBoundsFigure, temperatureEntropyFigure } from '../../report/figures.js';
import type { Report, StatsSummary } from '../../results/results-schema.js';
import { adaptiveFigure, adaptiveFindings } from '../../report/adaptive.js';
import { el, fmt } from './dom.js';
import { planView, type PlanJson } from './plan-view.js';

interface RunSummary {
  name: string;
  target: string;
  draft: string | null;
  prompts: string;
  mu: number;
  modified: string;
  files: string[];
}

const runUrl = (name: string, file: string) => `/runs/${name === '.' ? '' : `${encodeURIComponent(name)}/`}${file}`;

export async function mountRunList(root: HTMLElement): Promise<void> {
  root.replaceChildren(el('p', {}, 'loading runs…'));
  const res = await fetch('/api/runs');
  const { runs } = (await res.json()) as { runs: RunSummary[] };
  if (runs.length === 0) {
    root.replaceChildren(el('p', { id: 'no-runs' }, 'No runs. Start the server with --runs DIR, where DIR holds run directories made by `specbound report` or `specbound measure`.'));
    return;
  }
  const table = el('table', { class: 'data', id: 'run-list' }, el('tr', {}, ...['run', 'target', 'drafter', 'prompts', 'μ', 'modified'].map((h) => el('th', {}, h))));
  for (const r of runs) {
    table.append(
      el(
        'tr',
        {},
        el('td', {}, el('a', { class: 'run-link', href: `#/runs/${encodeURIComponent(r.name)}` }, r.name)),
        el('td', {}, r.target),
        el('td', {}, r.draft ?? '—'),
        el('td', {}, r.prompts),
        el('td', {}, fmt(r.mu)),
        el('td', {}, r.modified.replace('T', ' ').slice(0, 19)),
      ),
    );
  }
  root.replaceChildren(el('h2', {}, 'Runs'), table);
}

/** Adds a hover tip to an E[X]-vs-P figure: every plotted point of every series. */
function withCurveTips(options: Plot.PlotOptions, report: Report): Plot.PlotOptions {
  const points: { P: number; mean: number; series: string }[] = [];
  const add = (name: string, curve: { P: number; mean: number }[] | undefined) => curve?.forEach((c) => points.push({ P: c.P, mean: c.mean, series: name }));
  add('oracle (real model)', report.curves.oracle);
  add('i.i.d. simulation', report.curves.iid);
  add('Theorem 1', report.curves.theorem1);
  add('ln P / μ', report.curves.limit);
  for (const [name, curve] of Object.entries(report.curves.drafters)) add(name, curve);
  // Only points inside the plotted y range (a bound above it is cut at the edge and labelled), and
  // the nearest one anywhere in the frame, so a hover always says something.
  const domain = (options.y as { domain?: [number, number] } | undefined)?.domain;
  const shown = domain === undefined ? points : points.filter((p) => p.mean >= domain[0] && p.mean <= domain[1]);
  const tip = Plot.tip(shown, Plot.pointer({ x: 'P', y: 'mean', maxRadius: Infinity, title: (d: (typeof points)[number]) => `${d.series}\nP = ${d.P}\nE[X] = ${fmt(d.mean)}` }));
  return { ...options, marks: [...(options.marks ?? []), tip] };
}

function figure(title: string, id: string, options: Plot.PlotOptions): HTMLElement {
  return el('div', { class: 'figure', id }, el('h3', {}, title), Plot.plot(options) as unknown as Node);
}

function statsRow(task: string, s: StatsSummary): HTMLTableRowElement {
  const ci = (e: { ci95: [number, number] }) => `[${fmt(e.ci95[0], 3)}, ${fmt(e.ci95[1], 3)}]`;
  return el(
    'tr',
    {},
    el('td', {}, task),
    el('td', {}, String(s.positions)),
    el('td', {}, fmt(s.mu.estimate)),
    el('td', {}, ci(s.mu)),
    el('td', {}, fmt(s.mu2.estimate)),
    el('td', {}, ci(s.mu2)),
    el('td', {}, s.muCE === undefined ? '—' : fmt(s.muCE.estimate)),
    el('td', {}, s.pi0 === undefined ? '—' : fmt(s.pi0.estimate)),
  );
}

export async function mountRun(root: HTMLElement, name: string): Promise<void> {
  root.replaceChildren(el('p', {}, `loading ${name}…`));
  const res = await fetch(runUrl(name, 'report.json'));
  if (!res.ok) {
    root.replaceChildren(el('p', { class: 'error', id: 'run-error' }, `run "${name}" not found (${res.status})`));
    return;
  }
  const report = (await res.json()) as Report;
  const c = report.config;
  const parts: HTMLElement[] = [
    el('p', {}, el('a', { href: '#/runs' }, '← all runs')),
    el('h2', { id: 'run-title' }, `Run ${name}`),
    el('p', {}, `target ${c.target}${c.draft === undefined ? '' : `, drafter ${c.draft}`}, prompts ${c.prompts}, ${c.samples} samples × ${c.maxNewTokens} tokens at T = ${c.temperature}, seed ${c.seed}`),
  ];
  const stats = el('table', { class: 'data', id: 'stats-table' }, el('tr', {}, ...['task', 'positions', 'μ', 'μ 95% CI', 'μ₂', 'μ₂ 95% CI', 'μ_CE', 'π₀'].map((h) => el('th', {}, h))));
  stats.append(statsRow('overall', report.stats.overall));
  for (const [task, s] of Object.entries(report.stats.tasks)) stats.append(statsRow(task, s));
  parts.push(el('h3', {}, 'Entropy statistics (Table 1 analog)'), stats);
  parts.push(figure('E[X] against budget P (Figure 2 analog)', 'fig-accepted', withCurveTips(acceptedLengthFigure(report.curves) as Plot.PlotOptions, report)));
  const points = lemma7Points(report, 60);
  if (points.length > 0) parts.push(figure('Drafters against Lemma 7 at P = 60 (Figure 1 analog)', 'fig-lemma7', { ...(lemma7Figure(points, 60) as Plot.PlotOptions), marks: [...((lemma7Figure(points, 60) as Plot.PlotOptions).marks ?? []), Plot.tip(points, Plot.pointer({ x: 'estimate', y: 'measured', title: (d: (typeof points)[number]) => `${d.drafter} on ${d.task}\nestimate ${fmt(d.estimate)}\nmeasured ${fmt(d.measured)}` }))] }));
  if (report.entropyHistogram !== undefined) parts.push(figure('Per-position entropy', 'fig-entropy', entropyHistogramFigure(report.entropyHistogram, { mu: report.stats.overall.mu.estimate }) as Plot.PlotOptions));
  if (report.temperatureSweep !== undefined && report.temperatureSweep.length > 0) {
    parts.push(figure('Entropy against temperature', 'fig-temp-entropy', temperatureEntropyFigure(report.temperatureSweep) as Plot.PlotOptions));
    parts.push(figure('Bounds against temperature', 'fig-temp-bounds', temperatureBoundsFigure(report.temperatureSweep) as Plot.PlotOptions));
  }
  if (report.adaptive !== undefined || report.greedy !== undefined) {
    const box = el('div', { class: 'figure', id: 'adaptive-view' }, el('h3', {}, 'Adaptive budgets'));
    for (const sentence of adaptiveFindings(report)) box.append(el('p', { class: 'adaptive-finding' }, sentence));
    parts.push(box);
  }
  if (report.adaptive !== undefined) parts.push(figure('Throughput against mean budget: fixed P, adaptive oracle, adaptive drafters', 'fig-adaptive', adaptiveFigure(report.adaptive) as Plot.PlotOptions));
  const planRes = await fetch(runUrl(name, 'plan.json'));
  if (planRes.ok) parts.push(planView((await planRes.json()) as PlanJson));
  root.replaceChildren(...parts);
}
