/**
 * gguf: in every command that takes a model, through the real CLI, on stories260K converted by
 * `specbound convert llama2c-to-gguf`. The reference for the report is the same run on the
 * llama2c: TypeScript engine (an independent implementation of the same weights).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/results/results-schema.js';
import { runCli } from '../helpers/cli.js';
import { nodeLlamaCppInstalled, STORIES, STORIES_TOKENIZER } from '../helpers/gguf.js';

const describeGguf = nodeLlamaCppInstalled ? describe : describe.skip;

function readReport(dir: string): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
}

function expectOneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describeGguf('gguf: through the CLI', () => {
  let dir: string;
  let gguf: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cli-gguf-'));
    gguf = path.join(dir, 'stories260K.gguf');
    const r = await runCli(['convert', 'llama2c-to-gguf', STORIES, '--tokenizer', STORIES_TOKENIZER, '-o', gguf]);
    expect(r.stderr).toMatch(/^wrote .*stories260K\.gguf \(vocabulary 512, 5 layers, float32\)\n$/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('report --target gguf: agrees with the same run on llama2c: within 1e-4 (mu, mu2, oracle curve)', async () => {
    const prompts = path.join(dir, 'prompts.txt');
    writeFileSync(prompts, 'Once upon a time, there was a little girl named Lily.\nTom and his dog went to the park. They\n');
    const common = ['--prompts', prompts, '--samples', '2', '--max-new-tokens', '24', '--P-max', '16', '--tree-every', '6'];
    const [a, b] = await Promise.all([
      runCli(['report', '--target', `gguf:${gguf}#threads=1`, ...common, '--out', path.join(dir, 'run-gguf')], { timeoutMs: 300_000 }),
      runCli(['report', '--target', `llama2c:${STORIES}`, ...common, '--out', path.join(dir, 'run-llama2c')], { timeoutMs: 300_000 }),
    ]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const [x, y] = [readReport(path.join(dir, 'run-gguf')), readReport(path.join(dir, 'run-llama2c'))];
    expect(x.config.target).toBe(`gguf:${gguf}#threads=1`);
    expect(x.stats.overall.positions).toBe(y.stats.overall.positions);
    expect(x.stats.overall.positions).toBeGreaterThan(40);
    expect(Math.abs(x.stats.overall.mu.estimate - y.stats.overall.mu.estimate)).toBeLessThan(1e-4);
    expect(Math.abs(x.stats.overall.mu2.estimate - y.stats.overall.mu2.estimate)).toBeLessThan(1e-4);
    expect(x.curves.oracle).toHaveLength(y.curves.oracle.length);
    x.curves.oracle.forEach((o, i) => {
      expect(o.P).toBe(y.curves.oracle[i]!.P);
      expect(Math.abs(o.mean - y.curves.oracle[i]!.mean), `oracle at P = ${o.P}`).toBeLessThan(1e-4);
    });
  }, 300_000);

  it('generate, tree and profile take gguf:', async () => {
    const model = `gguf:${gguf}#threads=1`;
    const g = await runCli(['generate', '--model', model, '--prompt', 'Once upon a time', '--temperature', '0', '--max-new-tokens', '8', '--json']);
    expect(g.code).toBe(0);
    const gen = JSON.parse(g.stdout) as { text: string; steps: { p: number }[] };
    // docs/conventions.md / stories260K SOURCE.md: greedy continuation of "Once upon a time".
    expect(gen.text.startsWith('Once upon a time, there was a little girl')).toBe(true);
    const t = await runCli(['tree', '--model', model, '--prompt', 'Once upon a time', '--P', '8', '--json']);
    expect(t.code).toBe(0);
    const p = await runCli(['profile', '--model', model, '--k', '1,2', '--repeats', '1', '--json']);
    expect(p.code).toBe(0);
    expect((JSON.parse(p.stdout) as { rows: unknown[] }).rows).toHaveLength(2);
  }, 120_000);

  it('errors: missing package, missing file, non-GGUF file, unsupported architecture, prompt beyond the context: one line, exit 2', async () => {
    expectOneLine(
      await runCli(['generate', '--model', `gguf:${gguf}`, '--prompt', 'x'], { env: { SPECBOUND_NODE_LLAMA_CPP: 'node-llama-cpp-not-installed' } }),
      /^specbound: gguf: models need the optional package node-llama-cpp 3\.21\.1, which is not installed; install it with: npm i -E node-llama-cpp@3\.21\.1 @node-llama-cpp\/[a-z0-9-]+@3\.21\.1 --omit=optional\n$/,
    );
    expectOneLine(await runCli(['generate', '--model', `gguf:${dir}/nope.gguf`, '--prompt', 'x']), /nope\.gguf: cannot read model: ENOENT/);
    writeFileSync(path.join(dir, 'text.gguf'), 'just text\n');
    expectOneLine(await runCli(['tree', '--model', `gguf:${dir}/text.gguf`, '--prompt', 'x']), /text\.gguf: not a GGUF file/);
    const { writeGguf } = await import('../../src/models/gguf/gguf-file.js');
    await writeGguf(path.join(dir, 'alien.gguf'), new Map([['general.architecture', { type: 'string', value: 'no-such-arch' }]]), []);
    expectOneLine(await runCli(['generate', '--model', `gguf:${dir}/alien.gguf`, '--prompt', 'x']), /alien\.gguf: architecture "no-such-arch" is not supported/);
    expectOneLine(
      await runCli(['tree', '--model', `gguf:${gguf}#context=8&sequences=1`, '--prompt', 'Once upon a time, there was a little girl named Lily.']),
      /invalid prompt length: 16 \(tokens exceed the context of 8 tokens allocated for gguf:.*\(raise it with #context=N, up to the model's 512\)\)/,
    );
    expectOneLine(await runCli(['convert', 'onnx-to-gguf', STORIES, '-o', path.join(dir, 'x.gguf')]), /invalid conversion: "onnx-to-gguf"/);
  }, 120_000);
});
