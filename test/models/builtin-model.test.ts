/**
 * The real built-in pair, trained on the whole Brown corpus. The trained model is cached in a
 * fixed folder under the OS temp directory so repeated test runs train once (the cache rebuilds
 * itself when the training version changes).
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { crossEntropyTerms, entropy, sampleToken } from '../../src/distribution/index.js';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import { builtinPrompts } from '../../src/measure/prompts/index.js';
import type { LanguageModel } from '../../src/models/model.js';
import { loadModel } from '../../src/models/registry.js';
import { runCli } from '../helpers/cli.js';

const CACHE_DIR = path.join(tmpdir(), 'specbound-test-cache');

let target: LanguageModel;
let draft: LanguageModel;
let savedCacheDir: string | undefined;

beforeAll(async () => {
  savedCacheDir = process.env['SPECBOUND_CACHE_DIR'];
  process.env['SPECBOUND_CACHE_DIR'] = CACHE_DIR;
  target = await loadModel('builtin');
  draft = await loadModel('builtin-draft');
}, 300_000);

afterAll(() => {
  if (savedCacheDir === undefined) delete process.env['SPECBOUND_CACHE_DIR'];
  else process.env['SPECBOUND_CACHE_DIR'] = savedCacheDir;
});

async function one(model: LanguageModel, prefix: readonly number[]): Promise<Float64Array> {
  const [d] = await model.nextTokenDistributions([prefix]);
  if (d?.kind !== 'dense') throw new Error('expected a dense distribution');
  return Float64Array.from(d.logProbs, Math.exp);
}

describe('loadModel("builtin") and loadModel("builtin-draft")', () => {
  it('share one character-level tokenizer and vocabulary', () => {
    expect(target.vocabSize).toBe(99); // BOS, EOS, UNK, "\n", printable ASCII 0x20–0x7E (95)
    expect(draft.vocabSize).toBe(target.vocabSize);
    const text = 'The jury said, "It is 42%."';
    expect(target.tokenizer.encode(text)).toEqual(draft.tokenizer.encode(text));
    expect(target.name).toBe('builtin');
    expect(draft.name).toBe('builtin-draft');
  });

  it('encode accepts any text: built-in prompts round-trip, other characters are normalised or UNK', () => {
    const tok = target.tokenizer;
    for (const prompt of builtinPrompts()) expect(tok.decode(tok.encode(prompt.text))).toBe(prompt.text);
    expect(tok.encode('x', { bos: false })).toEqual([tok.encode('x')[1]]);
    expect(tok.encode('')).toEqual([tok.bos]);
    expect(tok.decode(tok.encode('café “quoted” — naïve\tok'))).toBe('cafe "quoted" - naive ok');
    expect(tok.decode(tok.encode('π ≈ 3.14 😀'))).toBe('\uFFFD \uFFFD 3.14 \uFFFD');
    expect(tok.tokenText(tok.encode('Q')[1]!)).toBe('Q');
  });

  it('nextTokenDistributions returns normalised dense distributions in order; the target is positive everywhere', async () => {
    const prefixes = [[], target.tokenizer.encode('The jury said that the'), target.tokenizer.encode('def f(x):\n    return {')];
    const fromTarget = await target.nextTokenDistributions(prefixes);
    const fromDraft = await draft.nextTokenDistributions(prefixes);
    expect(fromTarget).toHaveLength(3);
    for (const d of [...fromTarget, ...fromDraft]) {
      expect(d.kind).toBe('dense');
      const p = Float64Array.from((d as Extract<TokenDistribution, { kind: 'dense' }>).logProbs, Math.exp);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    for (const d of fromTarget) expect(Math.min(...(d as Extract<TokenDistribution, { kind: 'dense' }>).logProbs)).toBeGreaterThan(-Infinity);
    // After "The jury said that the" a space is the most likely next character ("the jury").
    const afterThe = await one(target, prefixes[1]!);
    expect(afterThe.indexOf(Math.max(...afterThe))).toBe(target.tokenizer.encode(' ', { bos: false })[0]);
  });

  it('the drafter gives exactly 0 to tokens the corpus never shows (UNK, newline) and the target does not', async () => {
    const tok = target.tokenizer;
    const prefix = tok.encode('The jury said');
    const q = await one(draft, prefix);
    const p = await one(target, prefix);
    const newline = tok.encode('\n', { bos: false })[0]!; // Brown paragraphs have no line breaks
    const noAscii = tok.encode('\u4e2d', { bos: false })[0]!; // 中 has no ASCII form: UNK
    expect(tok.decode([noAscii])).toBe('\uFFFD');
    expect(q[noAscii]).toBe(0);
    expect(q[newline]).toBe(0);
    expect(p[noAscii]).toBeGreaterThan(0);
    expect(p[newline]).toBeGreaterThan(0);
  });

  it('rejects paths and parameters in the spelling', async () => {
    await expect(loadModel('builtin#order=3')).rejects.toThrow(InvalidValueError);
    await expect(loadModel('builtin-draft:some/path')).rejects.toThrow(/takes no path or parameters/);
  });

  it('rejects token ids outside the vocabulary', async () => {
    await expect(target.nextTokenDistributions([[0, 5000]])).rejects.toThrow(RangeError);
  });

  // The issue-7 procedure: sample 64 new tokens at T = 1 after each built-in prompt, average the
  // target's entropy H(p) over the sampled positions (μ), and the drafter's μ_CE and π₀ there.
  // Measured at the time of writing: μ ≈ 0.99 nats, μ_CE ≈ 1.68, π₀ ≈ 2e-3 (see bench/builtin.bench.ts).
  it('has an LLM-like mean entropy on its own samples: 0.2 < μ < 1.5 nats, and a weaker drafter (μ_CE > μ)', async () => {
    let h = 0;
    let ce = 0;
    let missing = 0;
    let positions = 0;
    for (const [index, prompt] of builtinPrompts().entries()) {
      const rng = createRng(1, index);
      const prefix = target.tokenizer.encode(prompt.text);
      for (let t = 0; t < 64; t++) {
        const [p] = await target.nextTokenDistributions([prefix]);
        const [q] = await draft.nextTokenDistributions([prefix]);
        h += entropy(p!);
        const terms = crossEntropyTerms(p!, q!);
        ce += terms.crossEntropy;
        missing += terms.missingMass;
        positions++;
        const next = sampleToken(p!, rng);
        if (next === target.tokenizer.eos) break;
        prefix.push(next);
      }
    }
    const mu = h / positions;
    const muCE = ce / positions;
    expect(positions).toBeGreaterThan(1000);
    expect(mu).toBeGreaterThan(0.2);
    expect(mu).toBeLessThan(1.5);
    expect(muCE).toBeGreaterThan(mu * 1.2);
    expect(muCE).toBeLessThan(mu * 3);
    expect(missing / positions).toBeGreaterThan(1e-4); // the drafter's trigram floor leaves out real mass
    expect(missing / positions).toBeLessThan(0.01);
  }, 120_000);

  it('runCli(["generate", "--model", "builtin", ...]) continues a prompt with entropies', async () => {
    const result = await runCli(['generate', '--model', 'builtin', '--prompt', 'The jury said', '--max-new-tokens', '20', '--seed', '3', '--json'], {
      env: { SPECBOUND_CACHE_DIR: CACHE_DIR },
      timeoutMs: 300_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { steps: { token: number; entropy: number }[] };
    expect(json.steps).toHaveLength(20);
    for (const step of json.steps) {
      expect(step.token).toBeGreaterThanOrEqual(0);
      expect(step.token).toBeLessThan(99);
      expect(step.entropy).toBeGreaterThan(0);
      expect(step.entropy).toBeLessThan(Math.log(99));
    }
  }, 300_000);
});
