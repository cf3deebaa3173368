import { describe, expect, it } from 'vitest';
import { planAtBatch, planBatches } from '../../src/plan/batch-plan.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { measuredLatency } from '../../src/plan/measured-latency.js';
import { plan } from '../../src/plan/planner.js';
import { getArchitecturePreset } from '../../src/plan/architecture-presets.js';
import { getGpuPreset } from '../../src/plan/gpu-presets.js';
import { rooflineLatency } from '../../src/plan/roofline.js';

describe('rooflineLatency({batch})', () => {
  it('reads the weights once and each sequence its own KV cache and FLOPs', () => {
    const arch = getArchitecturePreset('llama-3.1-8b');
    const gpu = getGpuPreset('h100-sxm');
    const one = rooflineLatency({ arch, gpu, contextLength: 1024 });
    const eight = rooflineLatency({ arch, gpu, contextLength: 1024, batch: 8 });
    const b1 = one.breakdown(4);
    const b8 = eight.breakdown(4);
    // bytes(B) − bytes(1) = 7 × (per-sequence bytes) = 7 × (bytes(1) − weight bytes); same for FLOPs (all per sequence).
    const perSequence = b8.bytes - b1.bytes;
    expect(perSequence / 7 + (b1.bytes - perSequence / 7)).toBeCloseTo(b1.bytes, 3);
    expect(b8.flops).toBeCloseTo(8 * b1.flops, 3);
    expect(one.atBatch!(8).milliseconds(4)).toBeCloseTo(eight.milliseconds(4), 12);
  });
});

describe('planBatches on the H100 roofline (Llama-3.1-8B preset, EAGLE-3 drafter model, context 128)', () => {
  it('lowers the best P as the batch grows, to 1 at the break-even batch it names', async () => {
    const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
    const { result } = await buildPlan({ preset: 'llama3.1-8b', gpu: 'h100-sxm', drafter: 'eagle', contextLength: 128, batches, usdPerGpuHour: 2.5 });
    const rows = result.batch!.rows;
    expect(rows.map((r) => r.batch)).toEqual(batches);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.P, `batch ${rows[i]!.batch}`).toBeLessThanOrEqual(rows[i - 1]!.P);
    expect(rows[0]!.P).toBeGreaterThan(100);
    expect(rows[rows.length - 1]!.P).toBe(1);
    // Speedup falls too, and throughput per GPU rises (cost per token falls) with batch.
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.speedup).toBeLessThanOrEqual(rows[i - 1]!.speedup + 1e-9);
      expect(rows[i]!.usdPerMillion!).toBeLessThanOrEqual(rows[i - 1]!.usdPerMillion! * (1 + 1e-12));
    }
    const be = result.batch!.breakEvenBatch!;
    expect(be).toBeGreaterThan(128);
    expect(be).toBeLessThan(1024);
    expect(result.notes.join(' ')).toContain(`break-even batch: from ${be} sequences per pass on, no speculation (P = 1) is best`);
  });
  it('a direct planner call on the batch-B roofline (no planBatches) also stops speculating well past the break-even', async () => {
    const { result } = await buildPlan({ preset: 'llama3.1-8b', gpu: 'h100-sxm', drafter: 'eagle', contextLength: 128, batches: [1] });
    const be = result.batch!.breakEvenBatch!;
    const arch = getArchitecturePreset('llama-3.1-8b');
    const gpu = getGpuPreset('h100-sxm');
    // Independently: the planner on the batch-B roofline directly (no planBatches), over the same curve.
    const curve = { name: 'x', description: 'x', points: result.curve.map((p) => ({ P: p.P, expectedAccepted: p.expectedAccepted, kind: 'estimate' as const })) };
    const at = (B: number) =>
      plan({
        curve,
        verifier: rooflineLatency({ arch, gpu, contextLength: 128, batch: B }),
        draftPass: rooflineLatency({ arch: { ...arch, layers: 1, name: 'head' }, gpu, contextLength: 128, batch: B }),
        drafter: 'eagle',
        draftModel: 'd',
        eagleHead: 'h',
        shapeRanks: { probabilities: Float64Array.of(0.7183, 0.2023, 0.057, 0.016, 0.0045), label: 'x' },
      }).best.P;
    expect(at(1)).toBeGreaterThan(1);
    // The direct recomputation uses a cruder head, so only check its trend around the break-even.
    expect(at(4 * be)).toBe(1);
  });
  it('names no break-even when the KV cache keeps the pass memory-bound (context 1024), and says why', async () => {
    const { result } = await buildPlan({ preset: 'llama3.1-8b', gpu: 'h100-sxm', drafter: 'eagle', batches: [1, 8, 32, 128] });
    expect(result.batch!.breakEvenBatch).toBeUndefined();
    expect(result.notes.join(' ')).toMatch(/no break-even batch up to 65536: under this roofline each sequence's KV cache \(context 1024\) is read once per pass/);
    // vLLM per-batch chain lengths: from 1, non-increasing.
    const schedule = result.configs.vllm as { num_speculative_tokens_per_batch_size: [number, number, number][] };
    const s = schedule.num_speculative_tokens_per_batch_size;
    expect(s[0]![0]).toBe(1);
    for (let i = 1; i < s.length; i++) {
      expect(s[i]![0]).toBe(s[i - 1]![1] + 1);
      expect(s[i]![2]).toBeLessThanOrEqual(s[i - 1]![2]);
    }
  });
});

describe('a measured latency table at batch B', () => {
  it('is read at B·k tokens per pass', () => {
    const t = measuredLatency([{ k: 1, ms: 10 }, { k: 64, ms: 12 }, { k: 512, ms: 40 }], 'table');
    expect(t.atBatch!(8).milliseconds(8)).toBeCloseTo(t.milliseconds(64), 12);
    expect(t.atBatch!(8).description).toMatch(/read at B·k tokens for batch 8/);
    // planBatches over the table: free drafting, a flat-then-steep table.
    const curve = { name: 'c', description: 'c', points: [1, 2, 4, 8].map((P) => ({ P, expectedAccepted: 1 + 0.6 * (P - 1) ** 0.5, kind: 'measured' as const })) };
    // By hand, E[X] = 1, 1.6, 2.039, 2.587 at P = 1, 2, 4, 8 and T interpolated linearly:
    // B = 8: T(8..64) = 10.222, 10.476, 10.984, 12 -> speedups 1.561, 1.898, 2.204: P = 8;
    // B = 64: T(64..512) = 12, 16, 24, 40 -> 1.2, 1.02, 0.776: P = 2;
    // B = 512: T(512) = 40, T(1024) = 72 (last slope 28/448 per token) -> 1.6·40/72 = 0.889 < 1: P = 1.
    const bp = planBatches({ curve, verifier: t, drafter: 'ngram', draftModel: 'd', eagleHead: 'h' }, [1, 8, 64, 512]);
    expect(bp.rows.map((r) => r.P)).toEqual([8, 8, 2, 1]);
    expect(bp.rows[2]!.speedup).toBeCloseTo(1.2, 9);
    expect(planAtBatch({ curve, verifier: t, drafter: 'ngram', draftModel: 'd', eagleHead: 'h' }, 512).best.P).toBe(1);
    const be = bp.breakEvenBatch!;
    expect(be).toBeGreaterThan(64);
    expect(be).toBeLessThanOrEqual(512);
    expect(planAtBatch({ curve, verifier: t, drafter: 'ngram', draftModel: 'd', eagleHead: 'h' }, be - 1).best.P).toBeGreaterThan(1);
  });
});

describe('a run without a measured curve for the drafter, but with mu_CE', () => {
  it("plans on Lemma 7's drafter from the run's mu_CE, capped at the run's measured oracle", async () => {
    const { fixtureReport, writeFixtureRun, ORACLE, FIXTURE_BUDGETS } = await import('./report-fixture.js');
    const report = fixtureReport();
    const withMuCe = { ...report, stats: { ...report.stats, overall: { ...report.stats.overall, muCE: { estimate: 1.2, ci95: [1.1, 1.3] as [number, number], interval: [1.2, 1.2] as [number, number] } } } };
    const dir = await writeFixtureRun(withMuCe);
    const { result } = await buildPlan({ run: dir, drafter: 'eagle', gpu: 'h100-sxm', arch: 'llama-3.1-8b' });
    // The fixture run has only a chain curve; an EAGLE drafter gets the mu_CE model.
    expect(result.input.curve.name).toBe('drafter');
    expect(result.input.drafter.model).toMatch(/^drafter from mu_CE = 1\.2 .* through Lemma 7/);
    expect(result.notes.join(' ')).toMatch(/drafter model from the run's mu_CE \(Lemma 7\), capped at the run's measured oracle/);
    expect(result.curve.map((p) => p.P)).toEqual(FIXTURE_BUDGETS);
    result.curve.forEach((p, i) => expect(p.expectedAccepted).toBeLessThanOrEqual(ORACLE[i]! + 1e-12));
  });
});
