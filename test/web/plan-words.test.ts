import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { planContext, planEngineLines, planNotes, type PlanJson } from '../../src/web/app/plan-words.js';

describe('the web plan view in words (planContext, planNotes, planEngineLines)', () => {
  it('shows model, GPU, drafter, batch and every note of a real plan, without raw JSON keys', async () => {
    const { result } = await buildPlan({ preset: 'llama3.1-8b', gpu: 'h100-sxm', drafter: 'eagle', usdPerGpuHour: 2.5, batches: [8, 32], contextLength: 128 });
    const plan = JSON.parse(JSON.stringify(result)) as PlanJson;
    const ctx = new Map(planContext(plan).map((c) => [c.label, c.text]));
    expect(ctx.get('Model')).toMatch(/^Llama 3\.1 8B, statistics from a row of the paper's Table 1 \(llama3\.1-8b: mean entropy μ = 0\.683 nats, μ₂ = 2\.96 nats²\)$/);
    expect(ctx.get('GPU')).toMatch(/^NVIDIA H100 SXM5 80GB; verifier latency from roofline: /);
    expect(ctx.get('Drafter')).toMatch(/^an EAGLE-3 head drafting trees; drafter calibrated to meta-llama\/Llama-3\.1-8B-Instruct/);
    expect(ctx.get('Batch')).toBe('8 sequences sharing each verifier pass');
    expect(ctx.get('Ceiling')).toMatch(/simulated i\.i\.d\. optimum/);
    expect(ctx.get('Decision')).toMatch(new RegExp(`^draft ${result.best.P - 1} tokens per step \\(budget P = ${result.best.P} including the root\\)`));
    expect(ctx.get('Break-even batch')).toBe(`from ${result.batch!.breakEvenBatch} sequences per pass on, serve without speculation`);
    // Words, not keys: no camelCase or snake_case identifiers of the JSON in the context sentences.
    for (const text of ctx.values()) expect(text).not.toMatch(/\b(expectedAccepted|tokensPerSecond|breakEvenBatch|usdPerGpuHour)\b/);
    // Every note the CLI prints is listed.
    const notes = planNotes(plan);
    expect(notes).toEqual(result.notes);
    expect(notes.length).toBeGreaterThan(3);
    // Engine lines carry the versions they are for.
    const engines = planEngineLines(plan);
    expect(engines.map((e) => e.engine)).toEqual(['vLLM', 'SGLang', 'EAGLE (reference code)', 'llama.cpp (llama-server)', 'TensorRT-LLM (trtllm-serve MODEL --config spec.yaml)']);
    expect(engines[0]!.versions).toMatch(/^vLLM main/);
    expect(engines[0]!.line).toBe(result.configs.vllmFlag);
  });
  it('reads an old, minimal plan.json without failing', () => {
    const ctx = planContext({ best: { P: 16, speedup: 2.5, tokensPerSecond: 400 } });
    expect(ctx.map((c) => c.label)).toEqual(['Batch', 'Decision']);
    expect(planNotes({})).toEqual([]);
    expect(planEngineLines({ best: { P: 16 }, configs: { vllm: { method: 'eagle', num_speculative_tokens: 15 } } })[0]!.line).toBe('{"method":"eagle","num_speculative_tokens":15}');
  });
});
