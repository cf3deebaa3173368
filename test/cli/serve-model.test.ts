import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rankedTokens } from '../../src/distribution/ranked-tokens.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import { loadModel } from '../../src/models/registry.js';
import { REPO_ROOT, runCli, SHARED } from '../helpers/cli.js';

const STORIES = `llama2c:${path.join(SHARED, 'models', 'stories260K', 'stories260K.bin')}`;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts `specbound serve-model …` and resolves once it printed its URL. */
function serve(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'serve-model', ...args], { cwd: REPO_ROOT });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/\S+\/v1)/.exec(out);
      if (m !== null) resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err });
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`serve-model exited with ${code}: ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('specbound serve-model', () => {
  it('serves stories260K on 127.0.0.1, the client reads its exact top-k, and SIGTERM stops it cleanly', async () => {
    const { child, url, stdout } = await serve(['--model', STORIES, '--port', '0', '--name', 'stories']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(stdout()).toContain(`serving stories at ${url}`);

    const remote = await createOpenAIModel({ endpoints: [url], model: 'stories', logprobs: 5, concurrency: 2, maxRetries: 0, timeoutMs: 30_000, backoffBaseMs: 1, backoffCapMs: 1 });
    const local = await loadModel(STORIES);
    expect(remote.vocabSize).toBe(local.vocabSize);
    const prompt = local.tokenizer.encode('Once upon a time');
    expect(await remote.tokenizer.encodeAsync('Once upon a time')).toEqual(prompt);
    // The same distribution computed in this process (independent of the server) gives the top 5.
    const [mine] = await local.nextTokenDistributions([prompt]);
    const top = rankedTokens(mine!, 5);
    const [theirs] = await remote.nextTokenDistributions([prompt]);
    if (theirs!.kind !== 'sparse') throw new Error('expected sparse');
    expect(Array.from(theirs!.ids)).toEqual(Array.from(top.ids));
    Array.from(theirs!.logProbs).forEach((lp, i) => expect(lp).toBeCloseTo(Math.log(top.probs[i]!), 10));
    // scoreSequence agrees with the per-prefix requests at every position.
    const scored = await remote.scoreSequence(prompt);
    const perPrefix = await remote.nextTokenDistributions(prompt.map((_, i) => prompt.slice(0, i + 1)));
    scored.forEach((d, i) => {
      const want = perPrefix[i]!;
      if (d.kind !== 'sparse' || want.kind !== 'sparse') throw new Error('expected sparse');
      expect(Array.from(d.ids)).toEqual(Array.from(want.ids));
      Array.from(d.logProbs).forEach((lp, j) => expect(lp).toBeCloseTo(want.logProbs[j]!, 5));
    });
    await local.close?.();

    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  }, 60_000);

  it('prints JSON with --json and stops on SIGINT', async () => {
    const { child, stdout } = await serve(['--model', STORIES, '--port', '0', '--json']);
    await new Promise((r) => setTimeout(r, 50));
    const info = JSON.parse(stdout()) as { url: string; host: string; port: number; model: string };
    expect(info.host).toBe('127.0.0.1');
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/v1`);
    expect(info.model).toBe(STORIES);
    const done = exited(child);
    child.kill('SIGINT');
    expect(await done).toBe(0);
  }, 60_000);

  it('fails with one line and exit 2 on an unknown model kind or a bad port', async () => {
    const bad = await runCli(['serve-model', '--model', 'gpt:nothing', '--port', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^specbound: invalid model \(from --model\): "gpt:nothing"/);
    const port = await runCli(['serve-model', '--model', STORIES, '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port.*70000/);
  }, 60_000);
});

describe('specbound serve-model limits and hosts from the command line (issue 19)', () => {
  it('--max-request-tokens, --max-response-logprobs and --allowed-hosts reach the server', async () => {
    const { startServeModel } = await import('../helpers/serve-model.js');
    const http = await import('node:http');
    const served = await startServeModel('builtin', ['--max-request-tokens', '100', '--max-response-logprobs', '50', '--allowed-hosts', 'box.lan, models.lan']);
    const url = new URL(served.url);
    const post = (body: unknown, host?: string) =>
      new Promise<{ status: number; message: string }>((resolve, reject) => {
        const text = JSON.stringify(body);
        const req = http.request(
          { host: url.hostname, port: url.port, path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(host === undefined ? {} : { host }) } },
          (res) => {
            let data = '';
            res.on('data', (c: Buffer) => (data += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, message: (JSON.parse(data) as { error?: { message: string } }).error?.message ?? '' }));
          },
        );
        req.on('error', reject);
        req.end(text);
      });
    try {
      // "Once" is 5 builtin tokens: 5 + 96 = 101 > 100 positions; 5 + 95 = 100 fits.
      const over = await post({ prompt: 'Once', max_tokens: 96 });
      expect(over.status).toBe(400);
      expect(over.message).toContain("the request needs 101 token positions (1 prompt × (prompt tokens + max_tokens 96)), more than the server's limit of 100 per request (--max-request-tokens)");
      expect((await post({ prompt: 'Once', max_tokens: 95 })).status).toBe(200);
      // 3 generated positions × (20 + 1) = 63 entries > 50.
      const wide = await post({ prompt: 'Once', max_tokens: 3, logprobs: 20 });
      expect(wide.status).toBe(400);
      expect(wide.message).toContain("63 logprob entries");
      expect((await post({ prompt: 'Once', max_tokens: 1 }, 'models.lan:8000')).status).toBe(200);
      expect((await post({ prompt: 'Once', max_tokens: 1 }, 'attacker.example:8000')).status).toBe(403);
    } finally {
      served.stop();
    }
  }, 60_000);
});
