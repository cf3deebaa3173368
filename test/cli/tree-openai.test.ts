import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServeModel, type ServedModel } from '../helpers/serve-model.js';

let served: ServedModel | undefined;

async function startServer(): Promise<string> {
  served = await startServeModel('builtin');
  return served.url;
}

afterAll(() => {
  served?.stop();
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
