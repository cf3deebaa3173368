import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SHARED } from '../helpers/cli.js';

const STORIES = `llama2c:${path.join(SHARED, 'models', 'stories260K', 'stories260K.bin')}`;

describe('specbound tree', () => {
  it('exports the oracle tree of Zipf(1, 2) at P = 4 as rank paths and as a vLLM tuple string', async () => {
    // p = (2/3, 1/3) at every node: P(v) of [0], [0,0], [1], [0,0,0] = 2/3, 4/9, 1/3, 8/27, so the
    // best three non-root nodes are [0], [0,0], [1] (in that order).
    const paths = await runCli(['tree', '--strategy', 'oracle', '--P', '4', '--law', 'zipf:1:2', '--format', 'rank-paths']);
    expect(paths.stderr).toBe('');
    expect(paths.code).toBe(0);
    expect(paths.stdout).toBe('[[0],[0,0],[1]]\n');
    const vllm = await runCli(['tree', '--P', '4', '--law', 'zipf:1:2', '--format', 'vllm']);
    expect(vllm.stdout).toBe('[(0,), (1,), (0, 0)]\n');
    // The literal is for the vLLM releases that had tree attention, and an oracle tree is nobody's drafter.
    expect(vllm.stderr).toContain('speculative_token_tree is accepted only by vLLM releases with tree attention (PR #20401 to before PR #42121, EAGLE methods)');
    expect(vllm.stderr).toContain("an oracle tree ranks the verifier's own tokens at this prompt");
  });

  it('--json reports E[X] = Σ P(v) and the oracle E[X*](P) (hand value 1 + 2/3 + 4/9 + 1/3 = 22/9)', async () => {
    const r = await runCli(['tree', '--strategy', 'chain', '--P', '4', '--law', 'zipf:1:2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { expectedAcceptedLength: number; oracleExpectedAcceptedLength: number; rankPaths: number[][]; nodes: unknown[]; vllm: { num_speculative_tokens: number } };
    // The chain [0], [0,0], [0,0,0]: 1 + 2/3 + 4/9 + 8/27 = 65/27.
    expect(j.rankPaths).toEqual([[0], [0, 0], [0, 0, 0]]);
    expect(j.expectedAcceptedLength).toBeCloseTo(65 / 27, 12);
    expect(j.oracleExpectedAcceptedLength).toBeCloseTo(22 / 9, 12);
    expect(j.nodes).toHaveLength(4);
    expect(j.vllm.num_speculative_tokens).toBe(3);
  });

  it('gives the same tree for the same seed on a random law, and another for another seed', async () => {
    const args = ['tree', '--strategy', 'eagle', '--P', '20', '--law', 'dirichlet:0.5:50', '--top-k', '3', '--format', 'rank-paths'];
    const [a, b, c] = await Promise.all([runCli([...args, '--seed', '4']), runCli([...args, '--seed', '4']), runCli([...args, '--seed', '5'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    expect((JSON.parse(a.stdout) as unknown[]).length).toBe(19);
  });

  it('builds a Sequoia tree from a given acceptance vector and prints the table with the vLLM config', async () => {
    const r = await runCli(['tree', '--strategy', 'sequoia', '--P', '7', '--law', 'zipf:1:2', '--acceptance', '0.6,0.3', '--max-depth', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^strategy sequoia: /);
    expect(r.stdout).toContain('positional acceptance a_k: 0.6, 0.3');
    expect(r.stdout).toContain('P = 7 nodes (root included)');
    // This Sequoia tree branches unevenly ([0] has two children, [1] one), which vLLM's tree drafter could not draft.
    expect(r.stdout).toContain("vLLM: none (vLLM's tree drafter used one children count per level; this tree branches unevenly)");
  });

  it('prints the vLLM tree line with method and model, for the releases that had tree attention', async () => {
    const r = await runCli(['tree', '--strategy', 'chain', '--P', '4', '--law', 'zipf:1:2']);
    expect(r.code).toBe(0);
    // vLLM's tree key existed only from PR #20401 to PR #42121, for EAGLE methods, and needs method and model.
    const line = r.stdout.split('\n').find((l) => l.startsWith('vLLM'))!;
    expect(line).toMatch(/^vLLM \(releases with tree attention, PR #20401 to before PR #42121; current vLLM drafts chains only\)/);
    const config = JSON.parse(/'(.*)'$/.exec(line)![1]!) as Record<string, unknown>;
    expect(config).toEqual({ method: 'eagle3', model: '<EAGLE-3 head>', num_speculative_tokens: 3, speculative_token_tree: '[(0,), (0, 0), (0, 0, 0)]' });
  });

  it('prints no vLLM line for an oracle tree (its ranks are the verifier\'s, not a drafter\'s)', async () => {
    const r = await runCli(['tree', '--strategy', 'oracle', '--P', '4', '--law', 'zipf:1:2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("vLLM: none (an oracle tree ranks the verifier's own tokens at this prompt; no drafter proposes it)");
    expect(r.stdout).not.toContain('--speculative-config');
  });

  it('drafts the oracle tree of the real stories260K model along its greedy story', async () => {
    // docs/conventions.md: greedy from "Once upon a time" prints ", there was a little girl named Lily." next;
    // the model is near-deterministic here, so the 12-node oracle tree is that chain.
    const r = await runCli(['tree', '--strategy', 'oracle', '--P', '12', '--model', STORIES, '--prompt', 'Once upon a time', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { nodes: { text: string; depth: number }[]; expectedAcceptedLength: number; oracleExpectedAcceptedLength: number };
    const text = j.nodes.slice(1).map((n) => JSON.parse(n.text) as string).join('');
    expect(text).toBe(', there was a little girl named Lily.');
    expect(j.expectedAcceptedLength).toBeCloseTo(j.oracleExpectedAcceptedLength, 12);
    expect(j.expectedAcceptedLength).toBeGreaterThan(1);
    expect(j.expectedAcceptedLength).toBeLessThan(12);
  });

  it('writes --out atomically and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'specbound-tree-'));
    const out = path.join(dir, 'tree.txt');
    const r = await runCli(['tree', '--P', '3', '--law', 'zipf:1:2', '--format', 'vllm', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('[(0,), (0, 0)]\n');
    expect(readdirSync(dir)).toEqual(['tree.txt']);
  });

  it.concurrent.each([
    [['tree', '--P', '8'], /give exactly one source/],
    [['tree', '--P', '8', '--law', 'zipf:1:2', '--model', 'builtin'], /give exactly one source/],
    [['tree', '--P', '0', '--law', 'zipf:1:2'], /--P.*must be >= 1/],
    [['tree', '--strategy', 'beam', '--law', 'zipf:1:2'], /invalid strategy.*"beam".*expected one of oracle/],
    [['tree', '--law', 'zipf:1:2', '--format', 'xml'], /invalid --format.*"xml"/],
    [['tree', '--law', 'zipf:x:2'], /invalid --law/],
    [['tree', '--strategy', 'medusa', '--law', 'zipf:1:2', '--acceptance', '0.7,0.5'], /sums to 1\.2/],
    [['tree', '--strategy', 'eagle', '--P', '50', '--depth', '1', '--top-k', '3', '--law', 'zipf:1:20'], /at most 12 drafted tokens/],
    // a drafter with another vocabulary (builtin: ~100 tokens, stories260K: 512) used to crash inside the builtin backend
    [['tree', '--P', '4', '--strategy', 'q-greedy', '--model', 'builtin', '--draft', STORIES], /invalid --draft.*vocabulary has 512 tokens but the verifier's has \d+/],
  ])('rejects %j with one line and exit code 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^specbound: /);
    expect(r.stderr).toMatch(message);
  });
});
