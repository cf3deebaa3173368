/**
 * The plan in words for the runs page: `specbound plan --json > RUN/plan.json` read back as the
 * same context the CLI prints (model, GPU, drafter, batch, the curve and its ceiling, the decision,
 * every note, each engine line with the versions it is for). Pure functions, no DOM: `plan-view.ts`
 * lays them out, and tests read them without a browser.
 */
import { fmt } from './format-number.js';

/** The parts of `specbound plan --json` the page reads (every field optional: older plan.json files). */
export interface PlanJson {
  input?: {
    source?: { kind?: string; name?: string; mu?: number; mu2?: number };
    curve?: { name?: string; description?: string };
    verifier?: { architecture?: string; gpu?: string; devices?: number; latency?: string; kind?: string };
    drafter?: { kind?: string; latency?: string; model?: string };
    ceiling?: { label?: string; description?: string };
  };
  best?: { P?: number; speedup?: number; tokensPerSecond?: number; expectedAccepted?: number; kinds?: { speedup?: string; expectedAccepted?: string } };
  baseline?: { tokensPerSecond?: number };
  curve?: { P: number; expectedAccepted: number; speedup: number; ceilingSpeedup?: number }[];
  tree?: { shape?: string; depth?: number; topK?: number; basis?: string };
  cost?: { withSpeculation?: number; withoutSpeculation?: number; usdPerGpuHour?: number; devices?: number };
  chain?: { k?: number; speedup?: number; expectedAccepted?: number };
  batch?: {
    planned?: number;
    breakEvenBatch?: number;
    rows?: { batch: number; P: number; speedup: number; batchTokensPerSecond: number; usdPerMillion?: number; chainK?: number }[];
  };
  configs?: {
    vllmFlag?: string;
    vllmTree?: { flag?: string; versions?: string };
    sglang?: string;
    eagle?: { total_token?: number; depth?: number; top_k?: number };
    llamacpp?: string;
    trtllm?: { yaml?: string };
    versions?: Record<string, string>;
    vllm?: unknown;
  };
  deployment?: { engine?: string; summary?: string; notes?: string[] };
  notes?: string[];
}

const DRAFTERS: Record<string, string> = {
  eagle: 'an EAGLE-3 head drafting trees',
  chain: 'a draft model drafting chains',
  'draft-model': 'a draft model drafting trees',
  ngram: 'n-gram prompt lookup (chains, no draft network)',
};

const SOURCES: Record<string, string> = {
  run: 'a measured run',
  preset: "a row of the paper's Table 1",
  entropy: 'entropy statistics you gave',
  metrics: "a live deployment's metrics",
};

/** The plan's context as labelled sentences, in the order the CLI prints it. */
export function planContext(plan: PlanJson): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  const i = plan.input ?? {};
  const v = i.verifier;
  if (v?.architecture !== undefined) out.push({ label: 'Model', text: `${v.architecture}${i.source?.name === undefined ? '' : `, statistics from ${SOURCES[i.source.kind ?? ''] ?? 'a source'} (${i.source.name}${i.source.mu === undefined ? '' : `: mean entropy μ = ${fmt(i.source.mu)} nats, μ₂ = ${fmt(i.source.mu2)} nats²`})`}` });
  if (v?.gpu !== undefined) out.push({ label: 'GPU', text: `${(v.devices ?? 1) > 1 ? `${v.devices} × ` : ''}${v.gpu}; verifier latency from ${v.latency ?? 'a latency model'} (${v.kind ?? 'estimate'})` });
  if (i.drafter?.kind !== undefined) out.push({ label: 'Drafter', text: `${DRAFTERS[i.drafter.kind] ?? i.drafter.kind}${i.drafter.model === undefined ? '' : `; ${i.drafter.model}`}` });
  const planned = plan.batch?.planned ?? 1;
  out.push({ label: 'Batch', text: planned === 1 ? 'one sequence at a time (batch 1, the paper’s setting)' : `${planned} sequences sharing each verifier pass` });
  if (i.curve?.description !== undefined) out.push({ label: 'Tokens per pass', text: i.curve.description });
  if (i.ceiling?.description !== undefined) out.push({ label: 'Ceiling', text: i.ceiling.description });
  const b = plan.best;
  if (b?.P !== undefined) {
    out.push({
      label: 'Decision',
      text:
        b.P <= 1
          ? 'serve without speculative decoding: no draft budget pays here'
          : `draft ${b.P - 1} tokens per step (budget P = ${b.P} including the root): ${fmt(b.expectedAccepted)} tokens per verifier pass, ${fmt(b.speedup, 3)}× plain decoding (${b.kinds?.speedup ?? 'estimate'}), ${fmt(b.tokensPerSecond)} tokens/s per sequence against ${fmt(plan.baseline?.tokensPerSecond)} without`,
    });
  }
  if (plan.tree?.shape !== undefined && (b?.P ?? 1) > 1) out.push({ label: 'Tree', text: `${plan.tree.shape === 'chain' ? 'a chain' : 'a tree'} of depth ${plan.tree.depth ?? '—'}, at most ${plan.tree.topK ?? '—'} children per node (${plan.tree.basis ?? 'estimate'})` });
  if (plan.chain?.k !== undefined) out.push({ label: 'Chain engines', text: plan.chain.k >= 1 ? `vLLM, llama.cpp and TensorRT-LLM draft chains: best chain ${plan.chain.k} tokens, ${fmt(plan.chain.speedup, 3)}× plain decoding` : 'vLLM, llama.cpp and TensorRT-LLM draft chains: no chain pays here' });
  if (plan.cost?.withSpeculation !== undefined) out.push({ label: 'Cost', text: `$${fmt(plan.cost.withSpeculation)} per million tokens with speculation, $${fmt(plan.cost.withoutSpeculation)} without ($${fmt(plan.cost.usdPerGpuHour)} per GPU-hour × ${plan.cost.devices ?? 1})` });
  if (plan.batch?.rows !== undefined) {
    out.push({ label: 'Break-even batch', text: plan.batch.breakEvenBatch === undefined ? 'none up to 65536 sequences: speculation keeps paying under this latency model' : `from ${plan.batch.breakEvenBatch} sequences per pass on, serve without speculation` });
  }
  if (plan.deployment?.summary !== undefined) out.push({ label: 'Deployment', text: plan.deployment.summary });
  return out;
}

/** Every note of the plan (the CLI's `note:` lines and the deployment's), in words. */
export function planNotes(plan: PlanJson): string[] {
  return [...(plan.notes ?? []), ...(plan.deployment?.notes ?? []).map((n) => `deployment: ${n}`)];
}

/** The engine lines, each with the engine versions it is for. */
export function planEngineLines(plan: PlanJson): { engine: string; line: string; versions?: string }[] {
  const c = plan.configs;
  if (c === undefined || (plan.best?.P ?? 2) <= 1) return [];
  const v = c.versions ?? {};
  const lines: { engine: string; line: string; versions?: string }[] = [];
  const push = (engine: string, line: string | undefined, versions: string | undefined) => {
    if (line !== undefined && line !== '') lines.push({ engine, line, ...(versions === undefined ? {} : { versions }) });
  };
  push('vLLM', c.vllmFlag ?? (c.vllm === undefined ? undefined : JSON.stringify(c.vllm)), v['vllm']);
  push('vLLM with tree attention', c.vllmTree?.flag, c.vllmTree?.versions);
  push('SGLang', c.sglang, v['sglang']);
  if (c.eagle !== undefined) push('EAGLE (reference code)', `total_token=${c.eagle.total_token ?? '—'} depth=${c.eagle.depth ?? '—'} top_k=${c.eagle.top_k ?? '—'}`, v['eagle']);
  push('llama.cpp (llama-server)', c.llamacpp, v['llamacpp']);
  push('TensorRT-LLM (trtllm-serve MODEL --config spec.yaml)', c.trtllm?.yaml, v['trtllm']);
  return lines;
}

