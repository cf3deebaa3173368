/**
 * Explorer: sliders for μ, μ₂, μ_CE and the budget range; Table 1 presets; the live plot of
 * Theorem 1, ln P/μ, ln P/μ_CE and the simulated i.i.d. optimum (in a web worker); the state lives
 * in the URL so a view can be shared.
 */
import * as Plot from '@observablehq/plot';
import { getPreset, listPresets, theorem1ValidFrom } from '../../theory/index.js';
import { el, fmt } from './dom.js';
import { readoutAt, SERIES, SERIES_COLOURS, theorySeries, type SeriesPoint } from './explorer-series.js';
import { parseState, serializeState, type ExplorerState } from './url-state.js';
import type { SimJob, SimReply } from './sim.worker.js';

const SIM_TREES = 2000;
const SIM_SEED = 1;

interface SimResult {
  readonly key: string;
  readonly mean: number[];
  readonly se: number[];
  readonly trees: number;
}

export function mountExplorer(root: HTMLElement, query: string): () => void {
  let state = parseState(query);
  let sim: SimResult | null = null;
  let simMessage = '';
  let jobId = 0;
  let worker: Worker | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const slider = (id: string, min: number, max: number, step: number) => el('input', { type: 'range', id: `${id}-slider`, min: String(min), max: String(max), step: String(step) });
  const box = (id: string, step: string) => el('input', { type: 'number', id: `${id}-input`, step });
  const muSlider = slider('mu', 0.01, 3, 0.001);
  const muBox = box('mu', 'any');
  const mu2Slider = slider('mu2', 0.0001, 20, 0.001);
  const mu2Box = box('mu2', 'any');
  const ceOn = el('input', { type: 'checkbox', id: 'muce-enabled' });
  const ceSlider = slider('muce', 0.01, 5, 0.001);
  const ceBox = box('muce', 'any');
  const pMinBox = el('input', { type: 'number', id: 'pmin-input', min: '1', step: '1' });
  const pMaxBox = el('input', { type: 'number', id: 'pmax-input', min: '2', step: '1' });
  const readPBox = el('input', { type: 'number', id: 'readp-input', min: '1', step: '1' });
  const simOn = el('input', { type: 'checkbox', id: 'sim-enabled' });
  const presetSelect = el('select', { id: 'preset-select' }, el('option', { value: '' }, 'custom'));
  for (const p of listPresets()) presetSelect.append(el('option', { value: p.name }, `${p.name} (μ ${p.mu}, μ₂ ${p.mu2})`));
  const note = el('div', { class: 'note', id: 'explorer-note' });
  const plotHost = el('div', { class: 'figure', id: 'explorer-plot' });
  const readout = el('table', { class: 'readout', id: 'readout' });
  const share = el('a', { id: 'share-link', href: '#' }, 'link to this view');

  const controls = el(
    'div',
    { class: 'controls' },
    el('fieldset', {}, el('legend', {}, 'Preset (paper, Table 1)'), presetSelect),
    el(
      'fieldset',
      {},
      el('legend', {}, 'Verifier'),
      el('label', { for: 'mu-slider' }, 'μ: expected next-token entropy (nats)'),
      el('div', { class: 'row' }, muSlider, muBox),
      el('label', { for: 'mu2-slider' }, 'μ₂: expected second log-moment E[Σ p ln² p] (≥ μ²)'),
      el('div', { class: 'row' }, mu2Slider, mu2Box),
    ),
    el(
      'fieldset',
      {},
      el('legend', {}, 'Drafter'),
      el('label', {}, ceOn, ' show ln P / μ_CE (drafter that only knows q, Lemma 7)'),
      el('div', { class: 'row' }, ceSlider, ceBox),
    ),
    el(
      'fieldset',
      {},
      el('legend', {}, 'Budget P (tree nodes incl. root)'),
      el('label', {}, 'from ', pMinBox, ' to ', pMaxBox),
      el('label', {}, 'read values at P = ', readPBox),
      el('label', {}, simOn, ` simulate the i.i.d. optimum (${SIM_TREES} trees, calibrated law)`),
    ),
    note,
    share,
  );
  root.replaceChildren(el('div', { class: 'explorer' }, controls, el('div', {}, plotHost, readout)));

  const syncInputs = () => {
    muSlider.value = String(state.mu);
    muBox.value = String(state.mu);
    mu2Slider.min = String(Math.max(0.0001, state.mu * state.mu));
    mu2Slider.value = String(state.mu2);
    mu2Box.value = String(state.mu2);
    ceOn.checked = state.muCE !== null;
    ceSlider.disabled = state.muCE === null;
    ceBox.disabled = state.muCE === null;
    ceSlider.value = String(state.muCE ?? 1);
    ceBox.value = state.muCE === null ? '' : String(state.muCE);
    pMinBox.value = String(state.pMin);
    pMaxBox.value = String(state.pMax);
    readPBox.value = String(state.readP);
    simOn.checked = state.simulate;
    presetSelect.value = state.preset ?? '';
  };

  const simKey = (s: ExplorerState) => `${s.mu}|${s.mu2}|${s.pMax}`;

  const requestSimulation = () => {
    if (!state.simulate) return;
    if (sim !== null && sim.key === simKey(state)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      worker ??= new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
      const id = ++jobId;
      const key = simKey(state);
      simMessage = 'simulating…';
      render();
      worker.onmessage = (e: MessageEvent<SimReply>) => {
        const reply = e.data;
        if (reply.id !== jobId) return;
        if (reply.kind === 'error') {
          sim = null;
          simMessage = `simulation unavailable: ${reply.message}`;
        } else {
          sim = { key, mean: reply.mean, se: reply.se, trees: reply.trees };
          simMessage = '';
        }
        render();
      };
      const job: SimJob = { id, mu: state.mu, mu2: state.mu2, pMax: Math.min(state.pMax, 4096), trees: SIM_TREES, seed: SIM_SEED };
      worker.postMessage(job);
    }, 200);
  };

  const update = (next: Partial<ExplorerState>, fromPreset = false) => {
    state = { ...state, ...next, ...(fromPreset ? {} : { preset: next.preset ?? null }) };
    if (state.mu2 < state.mu * state.mu) {
      state.mu2 = state.mu * state.mu;
      note.textContent = 'μ₂ raised to μ²: by Jensen no model has μ₂ < μ².';
    } else note.textContent = '';
    if (state.pMax <= state.pMin) state.pMax = state.pMin + 1;
    state.readP = Math.min(Math.max(state.readP, 1), 1_000_000);
    syncInputs();
    history.replaceState(null, '', `#/explorer?${serializeState(state)}`);
    render();
    requestSimulation();
  };

  const numberFrom = (input: HTMLInputElement): number | null => {
    const v = Number(input.value);
    return input.value.trim() !== '' && Number.isFinite(v) ? v : null;
  };
  const positive = (input: HTMLInputElement, apply: (v: number) => void) => () => {
    const v = numberFrom(input);
    if (v !== null && v > 0) apply(v);
  };
  muSlider.addEventListener('input', positive(muSlider, (mu) => update({ mu })));
  muBox.addEventListener('change', positive(muBox, (mu) => update({ mu })));
  mu2Slider.addEventListener('input', positive(mu2Slider, (mu2) => update({ mu2 })));
  mu2Box.addEventListener('change', positive(mu2Box, (mu2) => update({ mu2 })));
  ceOn.addEventListener('change', () => update({ muCE: ceOn.checked ? (numberFrom(ceSlider) ?? 1) : null, preset: state.preset ?? undefined } as Partial<ExplorerState>, true));
  ceSlider.addEventListener('input', positive(ceSlider, (muCE) => update({ muCE }, true)));
  ceBox.addEventListener('change', positive(ceBox, (muCE) => update({ muCE }, true)));
  const integer = (input: HTMLInputElement, key: 'pMin' | 'pMax' | 'readP') => () => {
    const v = numberFrom(input);
    if (v !== null && v >= 1) update({ [key]: Math.round(v) }, true);
  };
  pMinBox.addEventListener('change', integer(pMinBox, 'pMin'));
  pMaxBox.addEventListener('change', integer(pMaxBox, 'pMax'));
  readPBox.addEventListener('change', integer(readPBox, 'readP'));
  simOn.addEventListener('change', () => update({ simulate: simOn.checked }, true));
  presetSelect.addEventListener('change', () => {
    if (presetSelect.value === '') return update({ preset: null }, true);
    const p = getPreset(presetSelect.value);
    sim = null;
    update({ mu: p.mu, mu2: p.mu2, preset: p.name }, true);
  });
  share.addEventListener('click', (e) => {
    e.preventDefault();
    void navigator.clipboard?.writeText(location.href).catch(() => undefined);
    share.textContent = 'link copied (it is also the address bar)';
  });

  function render() {
    const points: SeriesPoint[] = theorySeries(state);
    const simPoints: (SeriesPoint & { se: number })[] = [];
    if (state.simulate && sim !== null && sim.key === simKey(state)) {
      for (const P of new Set(points.map((p) => p.P))) {
        if (P - 1 < sim.mean.length) simPoints.push({ P, value: sim.mean[P - 1]!, se: sim.se[P - 1]!, series: SERIES.iid });
      }
    }
    const all = [...points, ...simPoints];
    // Only the series actually drawn appear in the legend (ln P/μ_CE only with a drafter).
    const drawn = Object.values(SERIES).filter((name) => all.some((p) => p.series === name));
    // The plot is as wide as its column (re-rendered on resize), so its text keeps its size instead
    // of being scaled down with a fixed-width SVG.
    const width = Math.max(320, Math.floor(plotHost.clientWidth - 18));
    const chart = Plot.plot({
      width,
      height: Math.round(Math.min(440, Math.max(300, width * 0.55))),
      marginLeft: 52,
      style: { fontSize: '12px' },
      x: { type: 'log', label: 'budget P (tree nodes incl. root) →', grid: true },
      y: { label: '↑ E[X] tokens per verifier pass', grid: true, zero: true },
      color: { legend: true, domain: drawn, range: drawn.map((name) => SERIES_COLOURS[name]) },
      marks: [
        // The simulated optimum's 95% band (mean ± 1.96 standard errors of the mean over the trees).
        Plot.areaY(simPoints, { x: 'P', y1: (d: { value: number; se: number }) => d.value - 1.96 * d.se, y2: (d: { value: number; se: number }) => d.value + 1.96 * d.se, fill: SERIES_COLOURS[SERIES.iid], fillOpacity: 0.2 }),
        Plot.line(all, { x: 'P', y: 'value', stroke: 'series', strokeWidth: 2 }),
        Plot.ruleX([state.readP], { stroke: '#999', strokeDasharray: '4,4' }),
        Plot.tip(all, Plot.pointer({ x: 'P', y: 'value', stroke: 'series', title: (d: SeriesPoint) => `${d.series}\nP = ${d.P}\nE[X] = ${fmt(d.value)}` })),
      ],
    });
    chart.setAttribute('data-readp', String(state.readP));
    plotHost.replaceChildren(el('h3', {}, 'Tokens per verifier pass against budget'), chart, el('div', { class: 'note', id: 'sim-status' }, simMessage));
    const r = readoutAt(state, state.readP);
    const simAt = sim !== null && sim.key === simKey(state) && state.readP - 1 < sim.mean.length ? sim.mean[state.readP - 1]! : null;
    const simSe = simAt === null || sim === null ? null : sim.se[state.readP - 1]!;
    readout.replaceChildren(
      el('tr', {}, el('th', {}, `at P = ${r.P}`), el('th', {}, 'E[X]')),
      el('tr', {}, el('td', {}, r.theorem1Applies ? 'Theorem 1 bound' : 'trivial bound E[X] ≤ P (Theorem 1 needs P ≥ 1 + μ₂/μ²)'), el('td', { id: 'readout-theorem1', 'data-value': String(r.theorem1) }, fmt(r.theorem1))),
      el('tr', {}, el('td', {}, 'ln P / μ (estimate)'), el('td', { id: 'readout-limit', 'data-value': String(r.limit) }, fmt(r.limit))),
      el('tr', {}, el('td', {}, 'ln P / μ_CE (drafter estimate)'), el('td', { id: 'readout-limitce', 'data-value': String(r.limitCE ?? '') }, fmt(r.limitCE))),
      el('tr', {}, el('td', {}, 'i.i.d. optimum (simulated, ± 1.96 s.e.: 95% interval)'), el('td', { id: 'readout-iid', 'data-value': String(simAt ?? '') }, simAt === null ? '—' : `${fmt(simAt)} ± ${fmt(simSe === null ? null : 1.96 * simSe, 2)}`)),
      el('tr', {}, el('td', {}, 'Theorem 1 applies from P ='), el('td', { id: 'readout-validfrom' }, fmt(theorem1ValidFrom(state)))),
    );
  }

  syncInputs();
  update({}, true);
  let lastWidth = plotHost.clientWidth;
  const resize = new ResizeObserver(() => {
    if (Math.abs(plotHost.clientWidth - lastWidth) < 4) return;
    lastWidth = plotHost.clientWidth;
    render();
  });
  resize.observe(plotHost);
  return () => {
    clearTimeout(timer);
    resize.disconnect();
    worker?.terminate();
  };
}
