/**
 * The explorer's state and its URL form (`#/explorer?mu=0.683&mu2=2.96&pmin=2&pmax=1024`), so a
 * view can be shared by copying the address. Pure functions: tested in node.
 */
import { listPresets } from '../../theory/presets.js';

export interface ExplorerState {
  mu: number;
  mu2: number;
  /** Drafter cross-entropy; null when no drafter curve is shown. */
  muCE: number | null;
  pMin: number;
  pMax: number;
  /** Budget at which the readout table reports values. */
  readP: number;
  /** Whether to run the i.i.d. simulation. */
  simulate: boolean;
  /** Table 1 row the values came from, if any. */
  preset: string | null;
}

export const DEFAULT_STATE: ExplorerState = { mu: 0.683, mu2: 2.96, muCE: null, pMin: 2, pMax: 1024, readP: 60, simulate: true, preset: 'llama3.1-8b' };

const num = (v: string | null, fallback: number, ok: (x: number) => boolean): number => {
  if (v === null || v.trim() === '') return fallback;
  const x = Number(v);
  return Number.isFinite(x) && ok(x) ? x : fallback;
};

/** Reads state from a query string; every invalid or missing value falls back to the default. */
export function parseState(query: string): ExplorerState {
  const q = new URLSearchParams(query);
  // A Table 1 preset named without μ, μ₂ (`#/explorer?preset=qwen3-8b`) supplies its values.
  const named = q.get('preset');
  const preset = named === null ? undefined : listPresets().find((p) => p.name === named);
  const d = preset === undefined ? DEFAULT_STATE : { ...DEFAULT_STATE, mu: preset.mu, mu2: preset.mu2, preset: preset.name };
  const mu = num(q.get('mu'), d.mu, (x) => x > 0 && x <= 10);
  const mu2 = num(q.get('mu2'), Math.max(d.mu2, mu * mu), (x) => x >= mu * mu && x <= 1000);
  const muCERaw = q.get('muce');
  const muCE = muCERaw === null || muCERaw === '' ? null : num(muCERaw, Number.NaN, (x) => x > 0 && x <= 20);
  const pMin = Math.round(num(q.get('pmin'), d.pMin, (x) => x >= 1 && x <= 1e6));
  const pMax = Math.round(num(q.get('pmax'), Math.max(d.pMax, pMin + 1), (x) => x > pMin && x <= 1e6));
  const readP = Math.round(num(q.get('p'), Math.min(Math.max(d.readP, pMin), pMax), (x) => x >= 1 && x <= 1e6));
  return {
    mu,
    mu2,
    muCE: muCE === null || Number.isNaN(muCE) ? null : muCE,
    pMin,
    pMax,
    readP,
    simulate: q.get('sim') !== '0',
    // With no μ, μ₂ in the address the view shows the default preset's values: name it.
    preset: q.get('preset') ?? (q.get('mu') === null && q.get('mu2') === null ? d.preset : null),
  };
}

/** Writes state as a query string (defaults included, so a shared URL is explicit). */
export function serializeState(s: ExplorerState): string {
  const q = new URLSearchParams();
  q.set('mu', String(s.mu));
  q.set('mu2', String(s.mu2));
  if (s.muCE !== null) q.set('muce', String(s.muCE));
  q.set('pmin', String(s.pMin));
  q.set('pmax', String(s.pMax));
  q.set('p', String(s.readP));
  if (!s.simulate) q.set('sim', '0');
  if (s.preset !== null) q.set('preset', s.preset);
  return q.toString();
}
