/** The explorer's URL state (pure functions of src/web/app/url-state.ts). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, parseState, serializeState } from '../../src/web/app/url-state.js';
import { getPreset } from '../../src/theory/index.js';

describe('explorer URL state', () => {
  it('an empty address shows the default preset, and names it', () => {
    const s = parseState('');
    // The default values are the paper's Table 1 row of the preset the state names.
    const preset = getPreset(DEFAULT_STATE.preset!);
    expect(s.preset).toBe(DEFAULT_STATE.preset);
    expect([s.mu, s.mu2]).toEqual([preset.mu, preset.mu2]);
  });

  it('typed values are "custom" unless the address names a preset', () => {
    expect(parseState('mu=1.1&mu2=3').preset).toBeNull();
    expect(parseState('mu=0.683&mu2=2.96&preset=llama3.1-8b').preset).toBe('llama3.1-8b');
  });

  it('round-trips through the address', () => {
    const s = { ...DEFAULT_STATE, mu: 1.25, mu2: 4, muCE: 2, readP: 33, simulate: false, preset: null };
    expect(parseState(serializeState(s))).toEqual(s);
  });

  it('invalid values fall back: mu2 below mu^2 is refused (Jensen)', () => {
    const s = parseState('mu=2&mu2=1');
    expect(s.mu).toBe(2);
    expect(s.mu2).toBeGreaterThanOrEqual(4);
  });
});

describe('a preset named in the address', () => {
  it('supplies its Table 1 values when μ, μ₂ are not given', () => {
    const qwen = getPreset('qwen3-8b');
    expect(parseState('preset=qwen3-8b')).toMatchObject({ mu: qwen.mu, mu2: qwen.mu2, preset: 'qwen3-8b' });
  });
});
