import { describe, expect, it } from 'vitest';
import { eagleCandidates, eagleTopKFor, engineConfigs, ENGINE_VERSIONS, vllmTokenTree } from '../../src/plan/engine-configs.js';
import { MAX_TABLE_FLAG_LENGTH, shortenTree } from '../../src/plan/format-plan.js';
import { bestStaticTree, chainShape, geometricRankProbabilities, treeSequenceForEntropy } from '../../src/plan/tree-shape.js';
import { checkEagle, checkLlamacpp, checkSglang, checkTrtllm, checkVllmMain, checkVllmTreeRelease, flagValues, llamacppTypesFromGguf, llamacppTypesRun, parseTrtllmYaml, PLAIN_DRAFT_GGUF, VLLM_KEY_SNAPSHOTS } from './engine-schemas.js';

const base = { draftModel: 'meta-llama/Llama-3.2-1B-Instruct', eagleHead: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', draftProbabilityMin: 0.3 };
const tree = bestStaticTree(12, geometricRankProbabilities(1.2));

/** Every line of one plan against every engine's transcribed rules. */
function violations(c: ReturnType<typeof engineConfigs>, plannedDepth: number): string[] {
  return [
    ...checkVllmMain(c.vllm as Record<string, unknown>),
    ...(c.vllmTree === undefined ? [] : checkVllmTreeRelease(c.vllmTree.config as unknown as Record<string, unknown>)),
    ...checkSglang(c.sglang),
    ...(c.sglang.includes('NGRAM') ? [] : checkEagle(c.eagle, plannedDepth)),
    ...checkLlamacpp(c.llamacpp),
    ...checkTrtllm(c.trtllm.config as Record<string, unknown>),
  ];
}

describe('engineConfigs({drafter, P, shape})', () => {
  it('passes every engine schema for a chain, and writes it as k = P − 1 everywhere', () => {
    const c = engineConfigs({ drafter: 'chain', P: 4, shape: chainShape(4), ...base });
    expect(violations(c, 3)).toEqual([]);
    expect(c.vllm).toEqual({ method: 'draft_model', model: base.draftModel, num_speculative_tokens: 3 });
    expect(c.sglang).toBe('--speculative-algorithm STANDALONE --speculative-draft-model-path meta-llama/Llama-3.2-1B-Instruct --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4');
    // llama.cpp: --spec-type draft-simple, and a GGUF file, not "owner/repo.gguf".
    expect(c.llamacpp).toBe('--spec-type draft-simple --spec-draft-model Llama-3.2-1B-Instruct.gguf --spec-draft-n-max 3 --spec-draft-n-min 0 --spec-draft-p-min 0.3');
    expect(c.notes.join(' ')).toMatch(/Llama-3\.2-1B-Instruct\.gguf stands for meta-llama\/Llama-3\.2-1B-Instruct converted to GGUF.*--spec-draft-hf/);
    // EAGLE: total_token = P, and depth + 1 layers = the 3 drafted positions.
    expect(c.eagle).toEqual({ total_token: 4, depth: 2, top_k: 1 });
    expect(parseTrtllmYaml(c.trtllm.yaml)).toEqual(c.trtllm.config);
    expect(c.trtllm.config).toEqual({ decoding_type: 'Draft_Target', max_draft_len: 3, speculative_model: base.draftModel });
  });

  it('writes an EAGLE tree: vLLM main as a chain (method and model present), SGLang/EAGLE with the tree', () => {
    expect(tree).toMatchObject({ depth: 4, topK: 3 }); // mu = 1.2, P = 12 under the geometric rank law
    const c = engineConfigs({ drafter: 'eagle', P: 12, shape: tree, ...base });
    expect(violations(c, tree.depth)).toEqual([]);
    expect(c.vllm).toEqual({ method: 'eagle3', model: base.eagleHead, num_speculative_tokens: 4 });
    expect(c.notes.join(' ')).toMatch(/vLLM \(current\) drafts chains/);
    // SGLang: any topk (no {1, 2, 4, 8} rounding any more); 11 ≤ 3 + 3·9 candidates.
    expect(flagValues(c.sglang).get('--speculative-eagle-topk')).toBe('3');
    expect(flagValues(c.sglang).get('--speculative-num-steps')).toBe('4');
    expect(c.eagle).toEqual({ total_token: 12, depth: 3, top_k: 3 });
    expect(c.llamacpp).toContain('--spec-type draft-eagle3 --spec-draft-model EAGLE3-LLaMA3.1-Instruct-8B.gguf --spec-draft-n-max 4');
    expect(c.versions.vllm).toBe(ENGINE_VERSIONS.vllm);
  });

  it('emits the tree for the old vLLM releases only when its levels are uniform', () => {
    // [[0], [1], [0, 0]]: node [0] has a child, its sibling [1] has none: levels not uniform.
    const ragged = { budget: 4, shape: 'tree' as const, depth: 2, topK: 2, rankPaths: [[0], [1], [0, 0]], expectedAccepted: 2 };
    const r = engineConfigs({ drafter: 'eagle', P: 4, shape: ragged, ...base });
    expect(r.vllmTree).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/levels are uneven, so no speculative_token_tree is emitted/);
    // [[0], [1], [0, 0], [1, 0]]: every level-1 node has one child.
    const uniform = { ...ragged, budget: 5, rankPaths: [[0], [1], [0, 0], [1, 0]] };
    const u = engineConfigs({ drafter: 'eagle', P: 5, shape: uniform, ...base });
    expect(u.vllmTree?.config).toEqual({ method: 'eagle3', model: base.eagleHead, num_speculative_tokens: 4, speculative_token_tree: '[(0,), (1,), (0, 0), (1, 0)]' });
    expect(u.vllmTree?.versions).toMatch(/PR #20401.*PR #42121/);
    expect(checkVllmTreeRelease(u.vllmTree!.config as unknown as Record<string, unknown>)).toEqual([]);
    // The key is gone from vLLM main: the checker of main rejects it.
    expect(checkVllmMain(u.vllmTree!.config as unknown as Record<string, unknown>).join(' ')).toMatch(/unknown key speculative_token_tree/);
    // A draft-model tree never gets a vLLM tree (EAGLE methods only).
    expect(engineConfigs({ drafter: 'draft-model', P: 5, shape: uniform, ...base }).vllmTree).toBeUndefined();
  });

  it('raises top_k until P − 1 drafted tokens fit the EAGLE/SGLang candidates (issue 15 example: 47 steps, topk 2, 258 tokens)', () => {
    const shape = { budget: 258, shape: 'tree' as const, depth: 47, topK: 2, rankPaths: [[0], [1]], expectedAccepted: 2 };
    // 2 + 46·4 = 186 < 257: SGLang's torch.topk would fail.
    expect(eagleCandidates(47, 2)).toBe(186);
    expect(checkSglang('--speculative-algorithm EAGLE3 --speculative-draft-model-path x --speculative-num-steps 47 --speculative-eagle-topk 2 --speculative-num-draft-tokens 258')).toHaveLength(1);
    const c = engineConfigs({ drafter: 'eagle', P: 258, shape, ...base });
    // 3 + 46·9 = 417 ≥ 257.
    expect(eagleTopKFor(258, 47, 2)).toBe(3);
    expect(flagValues(c.sglang).get('--speculative-eagle-topk')).toBe('3');
    expect(c.eagle).toEqual({ total_token: 258, depth: 46, top_k: 3 });
    expect(checkSglang(c.sglang)).toEqual([]);
    expect(checkEagle(c.eagle, 47)).toEqual([]);
    expect(c.notes.join(' ')).toMatch(/top_k is raised from the planned 2 to 3/);
  });

  it('writes n-gram settings without a model, in every engine', () => {
    const c = engineConfigs({ drafter: 'ngram', P: 6, shape: chainShape(6), ...base });
    expect(violations(c, 5)).toEqual([]);
    expect(c.vllm).toEqual({ method: 'ngram', num_speculative_tokens: 5, prompt_lookup_max: 4, prompt_lookup_min: 2 });
    expect(c.sglang).toBe('--speculative-algorithm NGRAM --speculative-num-draft-tokens 6');
    expect(c.llamacpp).toBe('--spec-type ngram-simple --spec-ngram-simple-size-m 5');
    expect(c.trtllm.config).toEqual({ decoding_type: 'NGram', max_draft_len: 5, max_matching_ngram_size: 4 });
  });

  it('writes per-batch chain lengths in vLLM syntax and the break-even batch as TensorRT-LLM max_concurrency', () => {
    const schedule = [{ lo: 1, hi: 8, k: 4 }, { lo: 9, hi: 32, k: 2 }, { lo: 33, hi: 1048576, k: 0 }];
    const c = engineConfigs({ drafter: 'eagle', P: 5, shape: chainShape(5), ...base, batchSchedule: schedule, breakEvenBatch: 33 });
    expect(violations(c, 4)).toEqual([]);
    expect((c.vllm as { num_speculative_tokens_per_batch_size: unknown }).num_speculative_tokens_per_batch_size).toEqual([[1, 8, 4], [9, 32, 2], [33, 1048576, 0]]);
    expect(c.trtllm.config).toMatchObject({ max_concurrency: 32 });
    expect(c.trtllm.yaml.split('\n')).toContain('  max_concurrency: 32');
    // The vLLM schedule rules: starting elsewhere than 1, or overlapping, is rejected.
    expect(checkVllmMain({ ...c.vllm, num_speculative_tokens_per_batch_size: [[2, 8, 4]] }).join(' ')).toMatch(/must start at 1/);
    expect(checkVllmMain({ ...c.vllm, num_speculative_tokens_per_batch_size: [[1, 8, 4], [8, 9, 1]] }).join(' ')).toMatch(/non-overlapping/);
  });

  it('llama.cpp: names the draft type, because a plain draft or an EAGLE-3 head given alone is loaded and never used (speculative.cpp at 001d906a)', () => {
    // common_speculative_types_from_gguf: only MTP (nextn tensor in the last block), DFlash and DSpark heads name themselves.
    expect(llamacppTypesFromGguf(PLAIN_DRAFT_GGUF)).toEqual([]);
    expect(llamacppTypesFromGguf({ architecture: 'llama', blockCount: 32, tensors: ['blk.30.nextn.eh_proj.weight'] })).toEqual([]);
    expect(llamacppTypesFromGguf({ architecture: 'qwen35', blockCount: 65, tensors: ['blk.64.nextn.eh_proj.weight'] })).toEqual(['draft-mtp']);
    expect(llamacppTypesFromGguf({ architecture: 'dflash', blockCount: 5, tensors: [] })).toEqual(['draft-dflash']);
    expect(llamacppTypesFromGguf({ architecture: 'dflash', blockCount: 5, tensors: ['markov_w1.weight'] })).toEqual(['draft-dspark']);
    expect(llamacppTypesFromGguf({ architecture: 'eagle3', blockCount: 1, tensors: ['blk.0.attn_q.weight'] })).toEqual([]);
    // The default list is { none }: -md alone runs nothing; "none" anywhere in the list turns everything off.
    expect(llamacppTypesRun('--spec-draft-model draft.gguf --spec-draft-n-max 4', PLAIN_DRAFT_GGUF)).toEqual(['none']);
    expect(llamacppTypesRun('--spec-type none,draft-simple --spec-draft-model draft.gguf', PLAIN_DRAFT_GGUF)).toEqual(['none']);
    expect(llamacppTypesRun('-md mtp.gguf', { architecture: 'qwen35', blockCount: 2, tensors: ['blk.1.nextn.eh_proj.weight'] })).toEqual(['draft-mtp']);
    expect(checkLlamacpp('--spec-draft-model draft.gguf --spec-draft-n-max 4').join(' ')).toMatch(/\{ none \}: the draft model is loaded and never used/);
    expect(checkLlamacpp('--spec-type none,draft-simple --spec-draft-model draft.gguf --spec-draft-n-max 4').join(' ')).toMatch(/none in the --spec-type list turns every type off/);
    for (const drafter of ['chain', 'draft-model', 'eagle'] as const) {
      const c = engineConfigs({ drafter, P: 5, shape: chainShape(5), ...base });
      expect(llamacppTypesRun(c.llamacpp, PLAIN_DRAFT_GGUF)).toEqual([drafter === 'eagle' ? 'draft-eagle3' : 'draft-simple']);
      expect(checkLlamacpp(c.llamacpp)).toEqual([]);
    }
    expect(ENGINE_VERSIONS.llamacpp).toMatch(/--spec-type is required: its default is none/);
  });

  it('vLLM: every key we emit is a SpeculativeConfig field at both 002e77c1 and 055e47c2 (vllm/foundation/config/speculative.py)', () => {
    const schedule = [{ lo: 1, hi: 8, k: 4 }, { lo: 9, hi: 1048576, k: 0 }];
    const emitted = new Set<string>();
    for (const drafter of ['chain', 'eagle', 'draft-model', 'ngram'] as const) {
      for (const key of Object.keys(engineConfigs({ drafter, P: 5, shape: chainShape(5), ...base, batchSchedule: schedule }).vllm)) emitted.add(key);
    }
    expect([...emitted].sort()).toEqual(['method', 'model', 'num_speculative_tokens', 'num_speculative_tokens_per_batch_size', 'prompt_lookup_max', 'prompt_lookup_min']);
    for (const keys of Object.values(VLLM_KEY_SNAPSHOTS)) for (const key of emitted) expect(keys.has(key), key).toBe(true);
    // The snapshots differ on keys we do not emit: a field of one only is flagged for the other.
    expect(checkVllmMain({ method: 'eagle3', model: 'x', num_speculative_tokens: 3, disable_eagle_block_drop: true })).toEqual(['vLLM main at 055e47c2: unknown key disable_eagle_block_drop (SpeculativeConfig rejects it)']);
  });

  it('SGLang at 001067ff: the emitted flags and algorithms are still ServerArgs fields', () => {
    expect(checkSglang('--speculative-algorithm NEXTN --speculative-draft-model x --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4')).toEqual([]);
    expect(checkSglang('--speculative-algorithm MEDUSA --speculative-num-draft-tokens 4').join(' ')).toMatch(/algorithm MEDUSA/);
  });

  it('sweep: μ ∈ [0.1, 3] × P ≤ 512 × drafter kinds emits no line any engine rejects', () => {
    const mus = [0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 2.5, 3];
    const budgets = [2, 3, 4, 5, 7, 8, 12, 16, 24, 32, 48, 61, 64, 96, 128, 200, 256, 258, 384, 511, 512];
    let checked = 0;
    let raised = 0;
    for (const mu of mus) {
      const seq = treeSequenceForEntropy(512, mu);
      for (const P of budgets) {
        for (const drafter of ['chain', 'eagle', 'draft-model', 'ngram'] as const) {
          const shape = drafter === 'chain' || drafter === 'ngram' ? chainShape(P) : seq.shapeAt(P);
          const c = engineConfigs({ drafter, P, shape, ...base });
          const bad = violations(c, shape.depth);
          expect(bad, `mu ${mu}, P ${P}, ${drafter}: ${bad.join('; ')}`).toEqual([]);
          if (shape.shape === 'tree' && c.eagle.top_k !== shape.topK) raised++;
          checked++;
        }
      }
    }
    expect(checked).toBe(mus.length * budgets.length * 4);
    // The old rule (planned top_k as is) would have broken these plans.
    expect(raised).toBeGreaterThan(0);
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
