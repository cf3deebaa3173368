import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

let server: ChildProcess | undefined;

/** Starts `specbound serve-model --model builtin --port 0 --json` and returns its base URL. */
function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'serve-model', '--model', 'builtin', '--port', '0', '--json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const end = out.indexOf('}');
      if (end >= 0) resolve((JSON.parse(out.slice(0, end + 1)) as { url: string }).url);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`serve-model exited with ${code}`)));
  });
}

afterAll(() => {
  server?.kill('SIGTERM');
});

interface TreeJson {
  rankPaths: number[][];
  expectedAcceptedLength: number;
}

describe('specbound tree --model openai:URL', () => {
  it('tokenizes the prompt on the server and drafts the same oracle tree as the in-process model', async () => {
    // Before the fix tree called tokenizer.encode, which server-backed tokenizers refuse (exit 2).
    const url = await startServer();
    const args = ['tree', '--P', '6', '--prompt', 'The jury', '--json'];
    const [remote, local] = await Promise.all([runCli([...args, '--model', `openai:${url}#model=builtin`]), runCli([...args, '--model', 'builtin'])]);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(0);
    expect(local.code).toBe(0);
    const r = JSON.parse(remote.stdout) as TreeJson;
    const l = JSON.parse(local.stdout) as TreeJson;
    // The built-in vocabulary (~100 tokens) is small and the server returns its top 20, so the six
    // most probable nodes are the same and their probabilities agree up to JSON float round trips.
    expect(r.rankPaths).toEqual(l.rankPaths);
    expect(r.expectedAcceptedLength).toBeCloseTo(l.expectedAcceptedLength, 9);
  }, 120_000);
});
