/**
 * `measure --dry-run` against a remote model: it prints an upper bound on the requests a run
 * sends, sends nothing itself, and the real run's request count, read from the server's own
 * counter (serve-model in this process), stays under that bound.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/registry.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { runCli } from '../helpers/cli.js';

let server: ModelServer;
let url: string;

beforeAll(async () => {
  server = createModelServer({ model: await loadModel('builtin'), modelName: 'builtin' });
  url = await server.listen(0, '127.0.0.1');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('measure --dry-run', () => {
  it('bounds the requests of the real run against serve-model and sends none itself', async () => {
    const target = `openai:${url}#model=builtin&logprobs=20`;
    const flags = ['--target', target, '--draft', 'builtin-draft', '--prompts-per-task', '1', '--samples', '1', '--max-new-tokens', '8', '--P-max', '8', '--tree-every', '4', '--iid-trees', '50'];
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dry-run-')), 'run');
    const dry = await runCli(['measure', ...flags, '--out', dir, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const { remote, atMost } = JSON.parse(dry.stdout) as { remote: boolean; atMost: { requests: number; units: number; tokenizeRequests: number } };
    expect(remote).toBe(true);
    // 6 built-in tasks × 1 prompt × 1 sample.
    expect(atMost.units).toBe(6);
    expect(atMost.tokenizeRequests).toBe(6);
    expect(server.completionRequests).toBe(0);
    expect(existsSync(dir)).toBe(false);

    const real = await runCli(['measure', ...flags, '--out', dir], { timeoutMs: 240_000 });
    expect(real.code, real.stderr).toBe(0);
    // The run announces the same bound before measuring.
    expect(real.stderr).toContain(`at most ${atMost.requests.toLocaleString('en-US')} completions requests`);
    expect(server.completionRequests).toBeGreaterThan(0);
    expect(server.completionRequests).toBeLessThanOrEqual(atMost.requests);
    process.stderr.write(`dry-run bound ${atMost.requests} requests, real run ${server.completionRequests}\n`);
  }, 300_000);
});
