import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdaptiveProblem } from '../../src/adaptive/dinkelbach.js';
import { linearLatency } from '../../src/adaptive/latency-curve.js';
import { MEASURE_DEFAULTS, type MeasureConfig } from '../../src/measure/config.js';
import type { Prompt } from '../../src/measure/prompts/prompt.js';
import { promptTokens } from '../../src/measure/unit.js';
import type { UnitRecord } from '../../src/measure/records.js';
import { readRunRecords } from '../../src/measure/run-measure.js';
import { loadModel } from '../../src/models/registry.js';
import { openTreeSession } from '../../src/models/tree-session.js';
import { decodingWalk } from '../../src/results/greedy.js';
import { measureAndBuildResults } from '../../src/results/run-results.js';
import { greedySpeculativeDecoding } from '../../src/tree/greedy-decoding.js';
import { chainStrategy, confidenceBudget, confidenceStrategy, entropyGateBudget, entropyGateStrategy, qGreedyStrategy } from '../../src/tree/strategies/index.js';
import { expectedAcceptedLength, verifierDistributions } from '../../src/tree/verification.js';
import { fakeModel } from '../measure/fake-model.js';

const prompts: Prompt[] = [
  { id: 'a1', task: 'alpha', text: 'hello', source: 'test' },
  { id: 'a2', task: 'alpha', text: 'world', source: 'test' },
  { id: 'b1', task: 'beta', text: 'abc', source: 'test' },
  { id: 'b2', task: 'beta', text: 'xyz', source: 'test' },
];

function config(over: Partial<MeasureConfig> = {}): MeasureConfig {
  return { version: 1, ...MEASURE_DEFAULTS, target: 'fake', draft: 'fake-draft', prompts: 'test', samples: 2, maxNewTokens: 24, PMax: 32, keepTop: 32, treeEvery: 4, iidTrees: 200, ...over };
}

function unitsOf(dir: string): UnitRecord[] {
  return readRunRecords(dir).units;
}

describe('adaptive analysis of a measurement (fake pair, T = 1)', () => {
  it('adaptive oracle >= best fixed P at every λ tried, and every adaptive drafter <= the adaptive oracle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'adaptive-'));
    const models = { verifier: fakeModel(), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) };
    const { report } = await measureAndBuildResults({ config: config(), outDir: dir, models, prompts });
    const a = report!.adaptive!;
    expect(a.latency.label).toBe('linear:0.05');
    expect(Object.keys(a.tasks).sort()).toEqual(['alpha', 'beta']);
    const units = unitsOf(dir);
    const curves = units.flatMap((u) => u.trees.map((t) => t.oracle));
    const seq = units.flatMap((u, s) => u.trees.map(() => s));
    const problem = new AdaptiveProblem(curves, seq, linearLatency(32, 0.05).costs);
    for (const p of a.overall.frontier) {
      const s = problem.policyAt(p.lambda);
      expect(s.tokens - p.lambda * s.time).toBeGreaterThanOrEqual(problem.bestFixedLagrangian(p.lambda) - 1e-9);
    }
    expect(a.overall.adaptive.throughput.estimate).toBeGreaterThanOrEqual(a.overall.fixed.throughput.estimate);
    expect(a.overall.gain.ci95[0]).toBeGreaterThanOrEqual(1);
    for (const p of a.overall.fixedCurve) expect(p.throughput).toBeLessThanOrEqual(a.overall.adaptive.throughput.estimate + 1e-12);
    expect(Object.keys(a.overall.drafters).sort()).toEqual(['confidence', 'cost-aware', 'entropy-gate']);
    // Lemma 1 at each position: a drafter's tree of P_t nodes has E[X] <= f_t(P_t), so on the same
    // positions no drafter policy beats the adaptive oracle (exactly, not only within error).
    for (const d of Object.values(a.overall.drafters)) for (const p of d.points) expect(p.throughput).toBeLessThanOrEqual(a.overall.adaptive.throughput.estimate + 1e-12);
  }, 120_000);

  it("the sweep's recorded values are the adaptive strategies' own trees scored under p", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'adaptive-'));
    const models = { verifier: fakeModel(), drafter: fakeModel({ trigram: 0, name: 'fake-draft' }) };
    const cfg = config({ samples: 1 });
    await measureAndBuildResults({ config: cfg, outDir: dir, models, prompts });
    const units = unitsOf(dir);
    let checked = 0;
    for (const u of units.slice(0, 2)) {
      const prompt = await promptTokens(models.verifier, prompts[u.prompt]!, cfg.maxPromptTokens);
      for (const tree of u.trees.slice(0, 3)) {
        const prefix = [...prompt, ...u.tokens.slice(0, tree.t)];
        const own = tree.drafterOwn!;
        for (const [strategy, want] of [
          [confidenceStrategy({ threshold: 0.05 }), tree.drafters['q-greedy']![confidenceBudget(own.qGreedyQ, 0.05, cfg.PMax) - 1]!],
          [entropyGateStrategy({ threshold: 1.5 }), tree.drafters.chain![entropyGateBudget(own.chainEntropy, 1.5, cfg.PMax) - 1]!],
        ] as const) {
          const built = await strategy.build({ drafter: await openTreeSession(models.drafter, prefix), budget: cfg.PMax });
          const value = expectedAcceptedLength(built, await verifierDistributions(built, await openTreeSession(models.verifier, prefix)));
          expect(value, strategy.name).toBeCloseTo(want, 10);
          checked++;
        }
      }
    }
    expect(checked).toBe(12);
  }, 120_000);
});

describe('temperature 0 (greedy verification) on the built-in pair', () => {
  it("the measured acceptance length equals actually running greedy speculative decoding with that drafter and budget; E[X*](P) = P", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'greedy-'));
    const verifier = await loadModel('builtin');
    const drafter = await loadModel('builtin-draft');
    const builtinPrompts: Prompt[] = [
      { id: 'g1', task: 'story', text: 'The jury said that the city', source: 'test' },
      { id: 'g2', task: 'news', text: 'He was not sure what', source: 'test' },
    ];
    const cfg = config({ target: 'builtin', draft: 'builtin-draft', temperature: 0, treeEvery: 1, samples: 1, maxNewTokens: 40, PMax: 8, keepTop: 16 });
    const { report } = await measureAndBuildResults({ config: cfg, outDir: dir, models: { verifier, drafter }, prompts: builtinPrompts });
    const units = unitsOf(dir);
    for (const u of units) for (const tree of u.trees) expect(tree.oracle).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(report!.greedy?.speedOfLight).toBe('P');
    let compared = 0;
    for (const [name, strategy] of [['chain', chainStrategy()], ['q-greedy', qGreedyStrategy()]] as const) {
      for (const P of [3, 6]) {
        const realSteps: number[] = [];
        for (const u of units) {
          const prompt = await promptTokens(verifier, builtinPrompts[u.prompt]!, cfg.maxPromptTokens);
          const run = await greedySpeculativeDecoding(verifier, drafter, strategy, P, prompt, u.tokens.length);
          // Greedy verification is lossless: the text is the verifier's own greedy continuation.
          expect(run.tokens.slice(0, u.tokens.length)).toEqual(u.tokens);
          expect(decodingWalk(u, name, P)).toEqual(run.steps);
          realSteps.push(...run.steps);
        }
        const real = realSteps.reduce((x, y) => x + y, 0) / realSteps.length;
        const row = report!.greedy!.rows.find((r) => r.drafter === name && r.P === P)!;
        expect(row.decoding!.meanAcceptanceLength).toBeCloseTo(real, 12);
        expect(row.decoding!.steps).toBe(realSteps.length);
        // Some drafts are accepted and some not, so the comparison is not trivial.
        expect(real).toBeGreaterThan(1);
        expect(real).toBeLessThan(P);
        compared++;
      }
    }
    expect(compared).toBe(4);
  }, 300_000);
});
