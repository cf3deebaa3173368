/**
 * Runs: the run directories under `--runs`, and one run's figures (the same figure builders as
 * report.html, rendered by Plot in the browser with hover tips), its Table 1 analog, and a plan
 * view when a plan.json sits beside the report.
 */
import * as Plot from '@observablehq/plot';
import { acceptedLengthFigure, compareRunsFigure, entropyHistogramFigure, type ComparedRun, lemma7Figure, lemma7Points, temperatureBoundsFigure, temperatureEntropyFigure } from '../../report/figures.js';
import type { Report, StatsSummary } from '../../results/results-schema.js';
import { adaptiveFigure, adaptiveFindings } from '../../report/adaptive.js';
import { el, fmt } from './dom.js';
import { planView, type PlanJson } from './plan-view.js';
import { runAtP, type RunSummary } from './run-summary.js';

const runUrl = (name: string, file: string) => `/runs/${name === '.' ? '' : `${encodeURIComponent(name)}/`}${file}`;

async function fetchRuns(): Promise<RunSummary[]> {
  const res = await fetch('/api/runs');
  return ((await res.json()) as { runs: RunSummary[] }).runs;
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(100 * v)}%`);

/**
 * The runs list: every run directory made by `report` or `measure`, with its model, prompts, μ,
 * and, at a budget P the user picks, the real oracle E[X*](P), the best drafter and its share of
 * the oracle. Ticking two runs offers an overlay of their curves.
 */
export async function mountRunList(root: HTMLElement): Promise<void> {
  root.replaceChildren(el('p', {}, 'loading runs…'));
  const runs = await fetchRuns();
  if (runs.length === 0) {
    root.replaceChildren(el('p', { id: 'no-runs' }, 'No runs. Start the server with --runs DIR, where DIR holds run directories made by `specbound report` or `specbound measure`.'));
    return;
  }
  const pInput = el('input', { type: 'number', id: 'runs-p', min: '1', step: '1', value: '60' });
  const compare = el('button', { id: 'compare-runs', type: 'button', disabled: '' }, 'overlay the two ticked runs');
  const table = el('table', { class: 'data', id: 'run-list' });
  const ticked: string[] = [];
  const render = () => {
    const asked = Math.max(1, Math.round(Number(pInput.value) || 60));
    table.replaceChildren(
      el('tr', {}, ...['', 'run', 'model (target / drafter)', 'prompts', 'positions', 'μ (nats)', 'P', 'oracle E[X*]', 'best drafter', 'E[X]', 'share of oracle', 'made by', 'modified'].map((h) => el('th', {}, h))),
    );
    for (const r of runs) {
      const at = runAtP(r, asked);
      const box = el('input', { type: 'checkbox', class: 'run-pick', 'data-run': r.name });
      box.checked = ticked.includes(r.name);
      box.addEventListener('change', () => {
        if (box.checked) ticked.push(r.name);
        else ticked.splice(ticked.indexOf(r.name), 1);
        while (ticked.length > 2) ticked.shift();
        render();
      });
      table.append(
        el(
          'tr',
          { 'data-run': r.name },
          el('td', {}, box),
          el('td', {}, el('a', { class: 'run-link', href: `#/runs/${encodeURIComponent(r.name)}` }, r.name)),
          el('td', {}, `${r.target}${r.draft === null ? '' : ` / ${r.draft}`}`),
          el('td', {}, r.prompts),
          el('td', {}, String(r.positions)),
          el('td', {}, fmt(r.mu)),
          el('td', {}, at.P === undefined ? '—' : String(at.P)),
          el('td', { class: 'oracle-at-p' }, fmt(at.oracle, 3)),
          el('td', { class: 'best-drafter' }, at.bestDrafter ?? '—'),
          el('td', {}, fmt(at.bestDrafterValue, 3)),
          el('td', { class: 'share' }, pct(at.share)),
          el('td', {}, r.resultsFile === 'report.json' ? 'report' : 'measure'),
          el('td', {}, r.modified.replace('T', ' ').slice(0, 19)),
        ),
      );
    }
    if (ticked.length === 2) compare.removeAttribute('disabled');
    else compare.setAttribute('disabled', '');
  };
  pInput.addEventListener('change', render);
  compare.addEventListener('click', () => {
    if (ticked.length === 2) location.hash = `#/compare?a=${encodeURIComponent(ticked[0]!)}&b=${encodeURIComponent(ticked[1]!)}`;
  });
  render();
  root.replaceChildren(
    el('h2', {}, 'Runs'),
    el('p', { class: 'controls' }, el('label', { for: 'runs-p' }, 'values at budget P = '), pInput, ' ', compare),
    table,
    el('p', { class: 'note' }, 'P counts the root; values are read at the largest measured budget ≤ P. Share of oracle: the best drafter\u2019s E[X] over the real oracle\u2019s E[X*] at that P.'),
  );
}

async function fetchResults(name: string): Promise<Report | undefined> {
  for (const file of ['report.json', 'results.json']) {
    const res = await fetch(runUrl(name, file));
    if (res.ok) return (await res.json()) as Report;
  }
  return undefined;
}

/** Two runs overlaid: their oracle, i.i.d. optimum and drafter curves on one plot, and their statistics side by side. */
export async function mountCompare(root: HTMLElement, query: string): Promise<void> {
  const q = new URLSearchParams(query);
  const names = [q.get('a'), q.get('b')];
  root.replaceChildren(el('p', {}, 'loading runs…'));
  const reports = await Promise.all(names.map((n) => (n === null ? Promise.resolve(undefined) : fetchResults(n))));
  if (reports[0] === undefined || reports[1] === undefined) {
    root.replaceChildren(el('p', { class: 'error', id: 'compare-error' }, `two runs are needed: ${names.map((n) => n ?? '(none)').join(' and ')} (one is missing)`));
    return;
  }
  const [a, b] = [reports[0], reports[1]];
  const runs: [ComparedRun, ComparedRun] = [
    { name: names[0]!, curves: a.curves },
    { name: names[1]!, curves: b.curves },
  ];
  const stats = el('table', { class: 'data', id: 'compare-table' }, el('tr', {}, ...['run', 'target', 'drafter', 'prompts', 'positions', 'μ', 'μ₂'].map((h) => el('th', {}, h))));
  for (const [i, r] of [a, b].entries()) {
    stats.append(el('tr', {}, el('td', {}, names[i]!), el('td', {}, r.config.target), el('td', {}, r.config.draft ?? '—'), el('td', {}, r.config.prompts), el('td', {}, String(r.stats.overall.positions)), el('td', {}, fmt(r.stats.overall.mu.estimate)), el('td', {}, fmt(r.stats.overall.mu2.estimate))));
  }
  root.replaceChildren(
    el('p', {}, el('a', { href: '#/runs' }, '← all runs')),
    el('h2', { id: 'compare-title' }, `${names[0]!} and ${names[1]!}`),
    stats,
    figure('E[X] against budget P, both runs', 'fig-compare', compareRunsFigure(runs, { width: Math.max(480, Math.min(1100, root.clientWidth - 20)) })),
    el('p', { class: 'note' }, 'Thick with a band: the real oracle (95% interval); dotted: the i.i.d. optimum; dashed: drafters. Colour: run.'),
  );
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
  const report = await fetchResults(name);
  if (report === undefined) {
    root.replaceChildren(el('p', { class: 'error', id: 'run-error' }, `run "${name}" not found (no report.json or results.json)`));
    return;
  }
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
  parts.push(figure('E[X] against budget P (Figure 2 analog)', 'fig-accepted', withCurveTips(acceptedLengthFigure(report.curves), report)));
  const points = lemma7Points(report, 60);
  if (points.length > 0) parts.push(figure('Drafters against Lemma 7 at P = 60 (Figure 1 analog)', 'fig-lemma7', { ...(lemma7Figure(points, 60) as Plot.PlotOptions), marks: [...((lemma7Figure(points, 60) as Plot.PlotOptions).marks ?? []), Plot.tip(points, Plot.pointer({ x: 'estimate', y: 'measured', title: (d: (typeof points)[number]) => `${d.drafter} on ${d.task}\nestimate ${fmt(d.estimate)}\nmeasured ${fmt(d.measured)}` }))] }));
  if (report.entropyHistogram !== undefined) parts.push(figure('Per-position entropy', 'fig-entropy', entropyHistogramFigure(report.entropyHistogram, { mu: report.stats.overall.mu.estimate })));
  if (report.temperatureSweep !== undefined && report.temperatureSweep.length > 0) {
    parts.push(figure('Entropy against temperature', 'fig-temp-entropy', temperatureEntropyFigure(report.temperatureSweep)));
    parts.push(figure('Bounds against temperature', 'fig-temp-bounds', temperatureBoundsFigure(report.temperatureSweep)));
  }
  if (report.adaptive !== undefined || report.greedy !== undefined) {
    const box = el('div', { class: 'figure', id: 'adaptive-view' }, el('h3', {}, 'Adaptive budgets'));
    for (const sentence of adaptiveFindings(report)) box.append(el('p', { class: 'adaptive-finding' }, sentence));
    parts.push(box);
  }
  if (report.adaptive !== undefined) parts.push(figure('Throughput against mean budget: fixed P, adaptive oracle, adaptive drafters', 'fig-adaptive', adaptiveFigure(report.adaptive)));
  const planRes = await fetch(runUrl(name, 'plan.json'));
  if (planRes.ok) parts.push(planView((await planRes.json()) as PlanJson));
  root.replaceChildren(...parts);
}
