/**
 * The plan view of the runs page: `specbound plan --json > RUN/plan.json` shown with the same
 * context as the CLI (model, GPU, drafter, batch, the curve and its ceiling, every note) in words,
 * not raw JSON keys (`plan-words.ts`), with the speedup curve, the per-batch table and the engine
 * lines.
 */
import * as Plot from '@observablehq/plot';
import { el, fmt } from './dom.js';
import { planContext, planEngineLines, planNotes, type PlanJson } from './plan-words.js';

export type { PlanJson } from './plan-words.js';

/** The plan view: context in words, the speedup curve, the batch table, engine lines and notes. */
export function planView(plan: PlanJson): HTMLElement {
  const box = el('div', { class: 'figure', id: 'plan-view' }, el('h3', {}, 'Deployment plan'));
  const best = plan.best;
  if (best !== undefined) box.append(el('p', { id: 'plan-best' }, `best P = ${best.P ?? '—'}: speedup ${fmt(best.speedup)}×, ${fmt(best.tokensPerSecond)} tokens/s`));
  const dl = el('dl', { id: 'plan-context' });
  for (const { label, text } of planContext(plan)) dl.append(el('dt', {}, label), el('dd', {}, text));
  box.append(dl);
  if (plan.curve !== undefined && plan.curve.length > 0) {
    const curve = plan.curve;
    const ceiling = curve.filter((d) => d.ceilingSpeedup !== undefined);
    box.append(
      Plot.plot({
        width: 640,
        height: 300,
        x: { type: 'log', label: 'draft budget P (nodes including the root) →', grid: true },
        y: { label: '↑ speedup over plain decoding', grid: true },
        marks: [
          Plot.line(curve, { x: 'P', y: 'speedup', stroke: '#4e79a7', strokeWidth: 2 }),
          ...(ceiling.length === 0 ? [] : [Plot.line(ceiling, { x: 'P', y: 'ceilingSpeedup', stroke: '#1f77b4', strokeDasharray: '6,4' })]),
          ...(best?.P === undefined ? [] : [Plot.dot(curve.filter((d) => d.P === best.P), { x: 'P', y: 'speedup', r: 5, fill: '#e15759' })]),
          Plot.tip(curve, Plot.pointer({ x: 'P', y: 'speedup', title: (d: (typeof curve)[number]) => `P = ${d.P}\nE[X] = ${fmt(d.expectedAccepted)} tokens per pass\nspeedup ${fmt(d.speedup)}×` })),
        ],
      }),
    );
  }
  const rows = plan.batch?.rows;
  if (rows !== undefined && rows.length > 0) {
    const table = el('table', { class: 'data', id: 'plan-batches' }, el('tr', {}, ...['sequences per pass', 'best budget P', 'speedup', 'tokens/s (all sequences)', '$ per million tokens', 'chain length (chain engines)'].map((h) => el('th', {}, h))));
    for (const r of rows) table.append(el('tr', {}, ...[String(r.batch), String(r.P), `${fmt(r.speedup, 3)}×`, fmt(r.batchTokensPerSecond), r.usdPerMillion === undefined ? '—' : `$${fmt(r.usdPerMillion)}`, r.chainK === undefined ? '—' : String(r.chainK)].map((c) => el('td', {}, c))));
    box.append(el('h4', {}, 'By batch size'), table);
  }
  const engines = planEngineLines(plan);
  if (engines.length > 0) {
    box.append(el('h4', {}, 'Engine settings'));
    for (const e of engines) box.append(el('p', { class: 'engine' }, `${e.engine}${e.versions === undefined ? '' : ` — for ${e.versions}`}`), el('pre', { class: 'config' }, e.line));
  }
  const notes = planNotes(plan);
  if (notes.length > 0) box.append(el('h4', {}, 'Notes'), el('ul', { id: 'plan-notes' }, ...notes.map((n) => el('li', {}, n))));
  return box;
}
