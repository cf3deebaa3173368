import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../helpers/cli.js';

const DIR = path.join(SHARED, 'models', 'stories260K');
const LEGACY = path.join(DIR, 'stories260K.bin');
const V1 = path.join(DIR, 'stories260K-v1.bin');
/** docs/conventions.md: greedy continuation of "Once upon a time". */
const SPEC_TEXT = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.';

interface GenerateJson {
  tokens: number[];
  promptTokens: number;
  text: string;
  continuation: string;
  stopped: string;
  steps: { token: number; text: string; p: number; entropy: number; top: { id: number; text: string; p: number }[] }[];
}

/** One line on stderr, `specbound: …`, exit 2, nothing on stdout. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^specbound: /);
  expect(lines[0]).toMatch(pattern);
}

describe('specbound generate', () => {
  it('--temperature 0 --json reproduces docs/conventions.md greedily, with per-step entropy and top-K', async () => {
    const r = await runCli(['generate', '--model', `llama2c:${V1}`, '--prompt', 'Once upon a time', '--temperature', '0', '--max-new-tokens', '30', '--top', '3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as GenerateJson;
    expect(out.promptTokens).toBe(5); // SOURCE.md: BOS + 4 prompt tokens
    expect(out.tokens.length).toBe(5 + 30);
    expect(out.steps.length).toBe(30); // generated tokens only
    expect(out.text.startsWith(SPEC_TEXT)).toBe(true);
    expect(out.continuation.startsWith(', there was a little girl named Lily.')).toBe(true);
    expect(out.stopped).toBe('max-new-tokens');
    const first = out.steps[0]!;
    expect(first.text).toBe(',');
    expect(first.p).toBeCloseTo(0.9688, 4); // SOURCE.md
    for (const [i, s] of out.steps.entries()) {
      expect(s.token).toBe(out.tokens[5 + i]);
      expect(s.top.length).toBe(3);
      expect(s.top[0]!.id).toBe(s.token); // greedy picks the most probable token
      expect(s.top[0]!.p).toBe(s.p);
      expect(s.top[0]!.p).toBeGreaterThanOrEqual(s.top[1]!.p);
      // H ≥ −ln p_max (min-entropy bound) and H ≤ ln V = ln 512
      expect(s.entropy).toBeGreaterThanOrEqual(-Math.log(s.p) - 1e-12);
      expect(s.entropy).toBeLessThanOrEqual(Math.log(512));
    }
  });

  it('prints the text, a table of steps and the mean entropy without --json', async () => {
    const r = await runCli(['generate', '--model', `llama2c:${LEGACY}`, '--prompt', 'Once upon a time', '--temperature', '0', '--max-new-tokens', '20']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]!.length).toBeGreaterThan(60);
    expect(SPEC_TEXT.startsWith(lines[0]!)).toBe(true);
    expect(r.stdout).toMatch(/step\s+id\s+token\s+p\s+entropy\s+top 5 next tokens/);
    expect(r.stdout).toMatch(/\n\s+1\s+\d+\s+","\s+0\.9688/);
    expect(r.stdout).toMatch(/20 tokens \(max-new-tokens reached\); mean entropy [\d.]+ nats per token/);
  });

  it('samples reproducibly: the same --seed gives the same tokens, another seed other tokens', async () => {
    const args = (seed: string) => ['generate', '--model', `llama2c-skip:${LEGACY}#layers=0,1,2,3,4`, '--prompt', 'Lily', '--seed', seed, '--max-new-tokens', '40', '--json'];
    const [a, b, c] = await Promise.all([runCli(args('7')), runCli(args('7')), runCli(args('8'))]);
    const ta = (JSON.parse(a.stdout) as GenerateJson).tokens;
    expect((JSON.parse(b.stdout) as GenerateJson).tokens).toEqual(ta);
    expect((JSON.parse(c.stdout) as GenerateJson).tokens).not.toEqual(ta);
    // E[−ln p(sampled token)] = entropy: the draws follow the model, not e.g. a sampler whose first
    // draw is stuck near 1 (which picks the last ids, p ≈ 1e-7 here).
    for (const r of [a, c]) {
      const steps = (JSON.parse(r.stdout) as GenerateJson).steps;
      expect(steps[0]!.p).toBeGreaterThan(1e-3);
      const surprise = steps.reduce((s, x) => s - Math.log(x.p), 0) / steps.length;
      const meanEntropy = steps.reduce((s, x) => s + x.entropy, 0) / steps.length;
      expect(Math.abs(surprise - meanEntropy)).toBeLessThan(1);
    }
  });

  it('--help explains every option', async () => {
    const r = await runCli(['generate', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--model', '--prompt', '--max-new-tokens', '--temperature', '--seed', '--top', '--json', 'llama2c-skip:PATH#layers=']) expect(r.stdout).toContain(flag);
  });
});

describe('specbound generate bad input', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-gen-'));

  it('names a truncated checkpoint', async () => {
    const file = path.join(dir, 'cut.bin');
    writeFileSync(file, readFileSync(V1).subarray(0, 4096));
    const r = await runCli(['generate', '--model', `llama2c:${file}#tokenizer=${path.join(DIR, 'tok512.bin')}`, '--prompt', 'Hi']);
    expectOneLineError(r, /cut\.bin: truncated: a version-1 llama2\.c checkpoint with dim=64 .* has 1040384 bytes, this file has 4096/);
  });

  it('names a foreign file', async () => {
    const file = path.join(dir, 'notes.bin');
    writeFileSync(file, 'these are not weights, just some text that is long enough\n');
    const r = await runCli(['generate', '--model', `llama2c:${file}`, '--prompt', 'Hi']);
    expectOneLineError(r, /notes\.bin: not a llama2\.c checkpoint .*expected a llama2\.c checkpoint/);
  });

  it('names a tokenizer that does not match the vocabulary', async () => {
    const file = path.join(dir, 'tokenizer.bin');
    writeFileSync(file, readFileSync(path.join(DIR, 'tok512.bin')).subarray(0, 2000));
    const r = await runCli(['generate', '--model', `llama2c:${LEGACY}#tokenizer=${file}`, '--prompt', 'Hi']);
    expectOneLineError(r, /tokenizer\.bin: (truncated inside token|token \d+ has length|tokenizer holds \d+ tokens but the model)/);
  });

  it('stops at the end of the context window instead of failing there', async () => {
    // stories260K has seq_len 512. This prompt is a few tokens short of it, so 32 new tokens do not
    // fit: generation used to die with "invalid token sequence: 513 tokens" (exit 2, nothing printed).
    const prompt = 'Once upon a time '.repeat(123);
    const r = await runCli(['generate', '--model', `llama2c:${LEGACY}`, '--prompt', prompt, '--max-new-tokens', '32', '--temperature', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as GenerateJson;
    expect(out.promptTokens).toBeGreaterThan(512 - 32);
    expect(out.stopped).toBe('context-length');
    expect(out.tokens.length).toBe(512); // every position of the window used, none beyond
    expect(out.steps.length).toBe(512 - out.promptTokens);
  });

  it('rejects an empty prompt', async () => {
    const r = await runCli(['generate', '--model', `llama2c:${LEGACY}`, '--prompt', '']);
    expectOneLineError(r, /invalid --prompt: "" \(empty/);
  });

  it('rejects layers outside the model', async () => {
    const r = await runCli(['generate', '--model', `llama2c-skip:${LEGACY}#layers=0,5`, '--prompt', 'Hi']);
    expectOneLineError(r, /invalid layer list: "0,5" \(layer 5 is outside the model .*layers 0\.\.4\)/);
  });

  it('rejects a prompt longer than the model context', async () => {
    const r = await runCli(['generate', '--model', `llama2c:${LEGACY}`, '--prompt', 'x '.repeat(600)]);
    expectOneLineError(r, /invalid prefix: "\d+ tokens" \(longer than the model's context of 512 tokens/);
  });
});
