import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-cli-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A chat response whose every position is uniform over 4 listed tokens (tail 0). */
function chatResponse(task: string) {
  const top = ['a', 'b', 'c', 'd'].map((token) => ({ token, logprob: -Math.log(4), bytes: null }));
  return { task, response: { model: 'tiny', choices: [{ index: 0, logprobs: { content: [0, 1, 2].map(() => ({ token: 'a', logprob: -Math.log(4), top_logprobs: top })) } }] } };
}

describe('specbound import', () => {
  it('import --from openai-chat then stats: mu = ln 4 from uniform top-4 lists, per task', async () => {
    const input = path.join(dir, 'chat.jsonl');
    await writeFile(input, [chatResponse('x'), chatResponse('y'), chatResponse('y')].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const output = path.join(dir, 'trace.jsonl.gz');
    const r = await runCli(['import', '--from', 'openai-chat', input, '--vocab-size', '100', '-o', output, '--prompt-set', 'demo']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('9 positions in 3 sequences');
    const s = await runCli(['stats', output, '--json', '--P', '8']);
    expect(s.code).toBe(0);
    const out = JSON.parse(s.stdout) as { positions: number; sequences: number; mu: { estimate: number; interval: number[] }; tasks: Record<string, { positions: number }> };
    expect(out.positions).toBe(9);
    expect(out.sequences).toBe(3);
    expect(out.mu.estimate).toBeCloseTo(Math.log(4), 12);
    expect(out.mu.interval[1]).toBeCloseTo(Math.log(4), 12); // tail 0: interval collapses
    expect(out.tasks['y']?.positions).toBe(6);
  });

  it('fails with one line and exit 2 on a bad flag, a missing --vocab-size, or a malformed response, writing nothing', async () => {
    const input = path.join(dir, 'bad.jsonl');
    await writeFile(input, `${JSON.stringify(chatResponse('x'))}\n{"oops"\n`);
    const output = path.join(dir, 'never.jsonl');
    const bad = await runCli(['import', '--from', 'openai-chat', input, '--vocab-size', '100', '-o', output]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^specbound: .*bad\.jsonl:2: malformed JSON/);
    expect(bad.stderr.trim().split('\n').length).toBe(1);
    const noV = await runCli(['import', '--from', 'openai-chat', input, '-o', output]);
    expect(noV.code).toBe(2);
    expect(noV.stderr).toMatch(/--vocab-size/);
    const fmt = await runCli(['import', '--from', 'tgi', input, '--vocab-size', '10', '-o', output]);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/invalid --from: "tgi" \(expected one of openai-completions, openai-chat, vllm-prompt-logprobs\)/);
    expect((await readdir(dir)).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('--help explains every option', async () => {
    const r = await runCli(['import', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--from', '--output', '--vocab-size', '--vocab', '--renormalize', '--task']) expect(r.stdout).toContain(flag);
  });
});
