import { describe, expect, it } from 'vitest';
import { engineConfigs, vllmTokenTree } from '../../src/plan/engine-configs.js';
import { MAX_TABLE_FLAG_LENGTH, shortenTree } from '../../src/plan/format-plan.js';
import { bestStaticTree, chainShape, geometricRankProbabilities } from '../../src/plan/tree-shape.js';

/**
 * The engines' documented names, as found in their sources:
 * - vLLM: fields of `SpeculativeConfig` in vllm/config/speculative.py (method, model,
 *   num_speculative_tokens, prompt_lookup_max, prompt_lookup_min, speculative_token_tree,
 *   draft_tensor_parallel_size, …) and its `SpeculativeMethod` literal ("ngram", "medusa",
 *   "mlp_speculator", "draft_model", "suffix", "eagle", "eagle3", "mtp", …).
 * - SGLang: server flags used in its own tests (e.g. test_standalone_speculative_decoding:
 *   --speculative-algorithm STANDALONE --speculative-draft-model-path … --speculative-num-steps 3
 *   --speculative-eagle-topk 1 --speculative-num-draft-tokens 4) and SPEC.md's list
 *   (EAGLE | EAGLE3 | STANDALONE | NGRAM).
 * - EAGLE: total_token, depth, top_k (the authors' EaModel arguments; SPEC.md).
 * - llama.cpp: common/arg.cpp options -md / --model-draft, --spec-type (draft-eagle3,
 *   ngram-simple, …), --spec-draft-n-max, --spec-draft-n-min, --spec-draft-p-min,
 *   --spec-ngram-simple-size-m.
 */
const VLLM_FIELDS = new Set(['method', 'model', 'num_speculative_tokens', 'prompt_lookup_max', 'prompt_lookup_min', 'speculative_token_tree', 'draft_tensor_parallel_size']);
const VLLM_METHODS = new Set(['ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'eagle', 'eagle3', 'mtp']);
const SGLANG_FLAGS = new Set(['--speculative-algorithm', '--speculative-draft-model-path', '--speculative-num-steps', '--speculative-eagle-topk', '--speculative-num-draft-tokens']);
const SGLANG_ALGORITHMS = new Set(['EAGLE', 'EAGLE3', 'STANDALONE', 'NGRAM']);
const LLAMACPP_FLAGS = new Set(['-md', '--model-draft', '--spec-type', '--spec-draft-n-max', '--spec-draft-n-min', '--spec-draft-p-min', '--spec-ngram-simple-size-m']);

function flagsOf(cmd: string): Map<string, string> {
  const parts = cmd.split(/\s+/);
  const out = new Map<string, string>();
  for (let i = 0; i < parts.length; i++) if (parts[i]!.startsWith('-')) out.set(parts[i]!, parts[i + 1] ?? '');
  return out;
}

const tree = bestStaticTree(12, geometricRankProbabilities(1.2));
const base = { draftModel: 'meta-llama/Llama-3.2-1B-Instruct', eagleHead: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', draftProbabilityMin: 0.3 };

describe('engineConfigs({drafter, P, shape})', () => {
  it('uses only documented field names and values for every drafter kind', () => {
    for (const drafter of ['chain', 'eagle', 'draft-model', 'ngram'] as const) {
      const shape = drafter === 'chain' || drafter === 'ngram' ? chainShape(12) : tree;
      const c = engineConfigs({ drafter, P: 12, shape, ...base });
      for (const key of Object.keys(c.vllm)) expect(VLLM_FIELDS.has(key), `${drafter}: vLLM field ${key}`).toBe(true);
      expect(VLLM_METHODS.has((c.vllm as { method: string }).method)).toBe(true);
      expect(JSON.parse(c.vllmFlag.replace(/^--speculative-config '(.*)'$/, '$1'))).toEqual(c.vllm);
      const sg = flagsOf(c.sglang);
      for (const flag of sg.keys()) expect(SGLANG_FLAGS.has(flag), `${drafter}: SGLang flag ${flag}`).toBe(true);
      expect(SGLANG_ALGORITHMS.has(sg.get('--speculative-algorithm')!)).toBe(true);
      expect(sg.get('--speculative-num-draft-tokens')).toBe('12');
      if (sg.has('--speculative-eagle-topk')) expect(['1', '2', '4', '8']).toContain(sg.get('--speculative-eagle-topk'));
      for (const flag of flagsOf(c.llamacpp).keys()) expect(LLAMACPP_FLAGS.has(flag), `${drafter}: llama.cpp flag ${flag}`).toBe(true);
      expect(Object.keys(c.eagle).sort()).toEqual(['depth', 'top_k', 'total_token']);
      expect(c.eagle.total_token).toBe(12);
    }
  });
  it('writes a chain as num_speculative_tokens = P − 1 and SGLang steps = P − 1, topk 1 (P = steps + 1)', () => {
    const c = engineConfigs({ drafter: 'chain', P: 4, shape: chainShape(4), ...base });
    expect(c.vllm).toEqual({ method: 'draft_model', model: base.draftModel, num_speculative_tokens: 3 });
    expect(c.sglang).toBe('--speculative-algorithm STANDALONE --speculative-draft-model-path meta-llama/Llama-3.2-1B-Instruct --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4');
    expect(c.llamacpp).toBe('-md meta-llama/Llama-3.2-1B-Instruct.gguf --spec-draft-n-max 3 --spec-draft-n-min 0 --spec-draft-p-min 0.3');
    expect(c.eagle).toEqual({ total_token: 4, depth: 3, top_k: 1 });
  });
  it('writes an EAGLE tree with its rank paths as vLLM tuples and SGLang depth/top_k', () => {
    const c = engineConfigs({ drafter: 'eagle', P: 12, shape: tree, ...base });
    expect(c.vllm).toMatchObject({ method: 'eagle3', model: base.eagleHead, num_speculative_tokens: 11 });
    const literal = (c.vllm as { speculative_token_tree: string }).speculative_token_tree;
    // Python tuple syntax, one tuple per drafted node, breadth-first.
    expect(literal.startsWith('[(0,), (1,)')).toBe(true);
    expect(literal.match(/\(/g)!.length).toBe(11);
    expect(c.eagle).toEqual({ total_token: 12, depth: tree.depth, top_k: tree.topK });
    const sglangTopK = tree.topK <= 1 ? 1 : Math.min(8, 2 ** Math.ceil(Math.log2(tree.topK)));
    expect(c.sglang).toContain(`--speculative-num-steps ${tree.depth} --speculative-eagle-topk ${sglangTopK}`);
    // This tree (mu = 1.2, P = 12) has top_k 3, which SGLang's choices round up to 4.
    expect(tree.topK).toBe(3);
    expect(sglangTopK).toBe(4);
    expect(c.notes.join(' ')).toMatch(/\{1, 2, 4, 8\}: 4 is used for the planned top_k 3/);
    // llama.cpp has no trees: a chain as deep as the tree.
    expect(c.llamacpp).toContain(`--spec-draft-n-max ${tree.depth}`);
    expect(c.notes.join(' ')).toMatch(/llama\.cpp drafts chains only/);
  });
  it("warns when vLLM's one-children-count-per-level tree would differ from the planned tree", () => {
    // [[0], [1], [0, 0]]: node [0] has a child, its sibling [1] has none: levels not uniform.
    const ragged = { budget: 4, shape: 'tree' as const, depth: 2, topK: 2, rankPaths: [[0], [1], [0, 0]], expectedAccepted: 2 };
    expect(engineConfigs({ drafter: 'eagle', P: 4, shape: ragged, ...base }).notes.join(' ')).toMatch(/levels are not uniform/);
    // [[0], [1], [0, 0], [1, 0]]: every level-1 node has one child.
    const uniform = { ...ragged, budget: 5, rankPaths: [[0], [1], [0, 0], [1, 0]] };
    expect(engineConfigs({ drafter: 'eagle', P: 5, shape: uniform, ...base }).notes.join(' ')).not.toMatch(/levels are not uniform/);
  });
  it('writes ngram settings without a model', () => {
    const c = engineConfigs({ drafter: 'ngram', P: 6, shape: chainShape(6), ...base });
    expect(c.vllm).toEqual({ method: 'ngram', num_speculative_tokens: 5, prompt_lookup_max: 4 });
    expect(c.sglang).toBe('--speculative-algorithm NGRAM --speculative-num-draft-tokens 6');
  });
});

describe('vllmTokenTree(rankPaths)', () => {
  it("prints Python's str() of the breadth-first sorted tuples", () => {
    expect(vllmTokenTree([[0], [0, 0], [1], [0, 1]])).toBe('[(0,), (1,), (0, 0), (0, 1)]');
  });
});

describe('shortenTree(flag)', () => {
  it('leaves a short flag alone and cuts a long tree at a tuple boundary, pointing to --json', () => {
    const short = `--speculative-config '{"num_speculative_tokens":2,"speculative_token_tree":"[(0,), (0, 0)]"}'`;
    expect(shortenTree(short)).toBe(short);
    const paths = Array.from({ length: 200 }, (_, i) => `(${i % 4}, ${i % 3})`).join(', ');
    const long = `--speculative-config '{"speculative_token_tree":"[${paths}]"}'`;
    const cut = shortenTree(long);
    expect(cut.length).toBeLessThan(MAX_TABLE_FLAG_LENGTH + 100);
    expect(cut).toMatch(/\), … {2}\(tree cut here for the table: --json has the complete --speculative-config\)$/);
    expect(long.startsWith(cut.slice(0, cut.indexOf(', …')))).toBe(true);
  });
});
