/**
 * Published reference numbers reproduced from their inputs:
 * - vLLM's CI acceptance baseline for Llama-3.1-8B + EAGLE-3 (tests/v1/spec_decode/test_acceptance_length.py);
 * - Sequoia's dynamic program (Infini-AI-Lab/Sequoia tree_search.py) on its published acceptance vector.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentMetricsFromText } from '../../src/plan/deployment-metrics.js';
import { chainValue, deploymentDrafterModel, drafterCurve, fitChainAcceptance, PUBLISHED_ACCEPTANCE, publishedDrafterModel } from '../../src/plan/drafter-model.js';
import { sequoiaTree } from '../../src/tree/static/sequoia.js';
import { REPO_ROOT } from '../helpers/cli.js';

const CI = path.join(REPO_ROOT, 'test/fixtures/plan/vllm-ci-llama3-8b-eagle3.prom');

describe("vLLM's CI acceptance baseline (Llama-3.1-8B + EAGLE-3, MT-Bench, T = 0, k = 3)", () => {
  const m = deploymentMetricsFromText(readFileSync(CI, 'utf8'), CI);
  it('reads 0.7296, 0.5208, 0.3545 per position and mean acceptance length 2.60 from the /metrics counters', () => {
    expect(m.budget).toBe(4);
    expect(m.perPositionAcceptance).toEqual([0.7296, 0.5208, 0.3545]);
    // 1 + 16049/10000 = 2.6049, which the test file rounds to its expected_acceptance_length 2.60.
    expect(m.meanAcceptanceLength).toBeCloseTo(2.6049, 12);
    expect(Number(m.meanAcceptanceLength.toFixed(2))).toBe(2.6);
    expect(Number(m.meanAcceptanceLength.toFixed(2))).toBe(PUBLISHED_ACCEPTANCE['llama3.1-8b']!.meanAcceptanceLength);
  });
  it('calibrates the drafter model so its chain of 3 reproduces 2.6049 exactly (the fit matches the mean)', () => {
    const alpha = fitChainAcceptance(m.perPositionAcceptance);
    // alpha + alpha^2 + alpha^3 = 1.6049 (by hand: alpha = 0.7183 gives 0.7183 + 0.5160 + 0.3706 = 1.6049).
    expect(alpha).toBeCloseTo(0.7183, 4);
    expect(chainValue(alpha, 4)).toBeCloseTo(2.6049, 10);
    const fromDeployment = deploymentDrafterModel(m.perPositionAcceptance, 'vLLM CI');
    expect(drafterCurve(fromDeployment, 'chain', 4, undefined).points[3]!.expectedAccepted).toBeCloseTo(2.6049, 10);
    // The preset default for llama3.1-8b is this same published row.
    expect(publishedDrafterModel('llama3.1-8b').alpha).toBeCloseTo(alpha, 12);
    // Qwen3-8B's row: 0.6541, 0.3993, 0.2020 -> 2.2554, the test's expected 2.26.
    const q = PUBLISHED_ACCEPTANCE['qwen3-8b']!;
    expect(chainValue(fitChainAcceptance(q.perPosition), 4)).toBeCloseTo(2.2554, 10);
    expect(Number((1 + q.perPosition.reduce((a, b) => a + b, 0)).toFixed(2))).toBe(q.meanAcceptanceLength);
  });
});

/**
 * Infini-AI-Lab/Sequoia acceptance-rate-vector.pt (at 0ff3ff71), the vector its demo-config.json
 * feeds tree_search.py: index 0 unused, p[1..32] the acceptance of the drafter's rank-1..32 token,
 * the last entry the rejection mass (dropped by `torch.load(...)[:-1]`). float32 values, as stored.
 */
const SEQUOIA_VECTOR = [
  0.0, 0.6341829299926758, 0.10794602334499359, 0.056971512734889984, 0.022488756105303764, 0.019490255042910576, 0.014992503449320793, 0.004497751127928495, 0.002998500829562545,
  0.01199400331825018, 0.004497751127928495, 0.007496251724660397, 0.004497751127928495, 0.00599700165912509, 0.002998500829562545, 0.0014992504147812724, 0.002998500829562545,
  0.0014992504147812724, 0.002998500829562545, 0.0, 0.002998500829562545, 0.002998500829562545, 0.002998500829562545, 0.0, 0.0014992504147812724, 0.0, 0.0014992504147812724, 0.0, 0.0,
  0.0, 0.0014992504147812724, 0.0014992504147812724, 0.0014992504147812724, 0.07346326857805252,
];
/** Our acceptance a_k (k = 0 is the top token) = Sequoia's p[k + 1]. */
const ACCEPTANCE = SEQUOIA_VECTOR.slice(1, -1);

/**
 * Sequoia's tree_search.py DP (T[m][l][b], l = layers including the root, b = children of the
 * root taking p[1..b] in rank order; results = T.max(dim=2)) run on this vector by an independent
 * transcription in Python (float64): E[X] of the best tree of m nodes with at most l layers.
 */
const SEQUOIA_RANK_ORDER: Record<number, { l10: number; l4: number }> = {
  2: { l10: 1.6341829299926758, l4: 1.6341829299926758 },
  4: { l10: 2.2914316757646533, l4: 2.2914316757646533 },
  8: { l10: 2.732172775609381, l4: 2.5932642625765085 },
  16: { l10: 3.130289344659335, l4: 2.864508540730226 },
  32: { l10: 3.5007385477189357, l4: 3.0560434855741323 },
  64: { l10: 3.852309276665142, l4: 3.223005336569665 },
  128: { l10: 4.1921077012672505, l4: 3.3548013083633776 },
};
/** The same DP with p[1..32] sorted by decreasing value first (our convention). */
const SEQUOIA_SORTED: Record<number, { l10: number; l4: number }> = {
  2: { l10: 1.6341829299926758, l4: 1.6341829299926758 },
  4: { l10: 2.2914316757646533, l4: 2.2914316757646533 },
  8: { l10: 2.732172775609381, l4: 2.5932642625765085 },
  16: { l10: 3.130289344659335, l4: 2.864508540730226 },
  32: { l10: 3.5007385477189357, l4: 3.060198742417539 },
  64: { l10: 3.857130236887507, l4: 3.2270572886831337 },
  128: { l10: 4.197757043641265, l4: 3.3591900013778675 },
};

describe("Sequoia's DP on its published acceptance vector (rank order vs sorted by value)", () => {
  it('reproduces tree_search.py with children in rank order (order: "rank"), max_depth 10 and 4', () => {
    for (const [m, ref] of Object.entries(SEQUOIA_RANK_ORDER)) {
      // Sequoia's l counts layers with the root; our maxDepth is the deepest node's depth, l − 1.
      expect(sequoiaTree(ACCEPTANCE, Number(m), { maxDepth: 9, order: 'rank' }).value, `m = ${m}, l = 10`).toBeCloseTo(ref.l10, 9);
      expect(sequoiaTree(ACCEPTANCE, Number(m), { maxDepth: 3, order: 'rank' }).value, `m = ${m}, l = 4`).toBeCloseTo(ref.l4, 9);
    }
  });
  it('reproduces the same DP on the sorted vector with our default order (value), which beats rank order once the noisy tail is reached', () => {
    for (const [m, ref] of Object.entries(SEQUOIA_SORTED)) {
      expect(sequoiaTree(ACCEPTANCE, Number(m), { maxDepth: 9 }).value, `m = ${m}, l = 10`).toBeCloseTo(ref.l10, 9);
      expect(sequoiaTree(ACCEPTANCE, Number(m), { maxDepth: 3 }).value, `m = ${m}, l = 4`).toBeCloseTo(ref.l4, 9);
    }
    // p[9] = 0.0120 > p[8] = 0.0030: rank order must draft rank 8 before rank 9, sorting does not.
    expect(SEQUOIA_SORTED[64]!.l10).toBeGreaterThan(SEQUOIA_RANK_ORDER[64]!.l10);
    expect(sequoiaTree(ACCEPTANCE, 64, { maxDepth: 9 }).value).toBeGreaterThan(sequoiaTree(ACCEPTANCE, 64, { maxDepth: 9, order: 'rank' }).value + 1e-3);
  });
});
