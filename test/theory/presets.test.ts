import { describe, expect, it } from 'vitest';
import { getPreset, listPresets, PRESET_DATASETS, PRESET_MODELS } from '../../src/theory/index.js';

describe('getPreset(name)', () => {
  it('returns the mean row for a bare model and a dataset row for model/dataset (Table 1)', () => {
    expect(getPreset('llama3.1-8b')).toMatchObject({ mu: 0.683, mu2: 2.96, dataset: 'mean' });
    expect(getPreset('llama3.1-8b/mt-bench')).toMatchObject({ mu: 1.088, mu2: 6.654 });
    expect(getPreset('L3-70B/GSM8K')).toMatchObject({ name: 'llama3.3-70b/gsm8k', mu: 0.126, mu2: 0.199 });
  });
  it('names the unknown value and the choices', () => {
    expect(() => getPreset('gpt-9')).toThrow('invalid preset (from --preset): "gpt-9" (unknown; choose one of llama3.1-8b');
    expect(() => getPreset('qwen3-8b/poetry')).toThrow('unknown dataset "poetry"');
  });
});

describe('listPresets()', () => {
  it('has 4 models × (5 datasets + mean) = 24 rows, all satisfying Jensen mu2 >= mu^2', () => {
    const all = listPresets();
    expect(all).toHaveLength(PRESET_MODELS.length * (PRESET_DATASETS.length + 1));
    for (const p of all) expect(p.mu2).toBeGreaterThanOrEqual(p.mu * p.mu);
  });
  it('mean rows equal the average of the five dataset rows to the printed precision (transcription check)', () => {
    // Independent check of the data entry: e.g. L3-8B μ: (0.279+1.088+0.636+0.577+0.837)/5 = 0.6834 → printed 0.683.
    for (const m of PRESET_MODELS) {
      const rows = PRESET_DATASETS.map((d) => getPreset(`${m.id}/${d}`));
      const mean = getPreset(m.id);
      const avg = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
      expect(Math.abs(avg((r) => r.mu) - mean.mu)).toBeLessThan(0.0006);
      // μ₂ means are printed to 3 decimals except L3-70B's "0.29" (2 decimals): tolerance 0.005.
      expect(Math.abs(avg((r) => r.mu2) - mean.mu2)).toBeLessThan(0.005);
    }
  });
});
