/**
 * The plan as text: what went in, a table of budgets (powers of two, the best P and the
 * deployment's P), the decision, the tree, the cost, the engine settings and the deployment
 * comparison. Every number carries its kind: measured, bound or estimate.
 */
import { formatNumber } from '../core/format-number.js';
import { formatTable } from '../core/text-table.js';
import type { PlanResult } from './build-plan.js';

function tableBudgets(result: PlanResult): Set<number> {
  const Ps = result.curve.map((p) => p.P);
  const keep = new Set<number>();
  if (Ps.length <= 24) return new Set(Ps);
  for (const P of Ps) if ((P & (P - 1)) === 0) keep.add(P);
  keep.add(result.best.P);
  if (result.deployment?.budget !== undefined) keep.add(result.deployment.budget);
  keep.add(Ps[Ps.length - 1]!);
  return keep;
}

export function formatPlan(result: PlanResult): string {
  const out: string[] = [];
  const { input, best } = result;
  const src = input.source;
  out.push(
    `source:    ${src.kind} ${src.name}${src.mu === undefined ? '' : ` (mu = ${formatNumber(src.mu)} nats, mu2 = ${formatNumber(src.mu2 ?? Number.NaN)} nats^2)`}`,
    `E[X](P):   ${input.curve.description}`,
    `verifier:  ${input.verifier.latency} [${input.verifier.kind}]`,
    `drafter:   ${input.drafter.kind}: ${input.drafter.latency}`,
    ...(input.drafter.model === undefined ? [] : [`drafter model: ${input.drafter.model} [estimate]`]),
    ...(input.ceiling === undefined ? [] : [`ceiling:   ${input.ceiling.description}`]),
    '',
  );
  const keep = tableBudgets(result);
  const hasCeiling = result.curve.some((p) => p.ceiling !== undefined);
  const hasTheorem1 = result.curve.some((p) => p.theorem1 !== undefined) && input.ceiling?.name !== 'theorem1';
  const ceilingName = input.ceiling?.name === 'iid' ? 'iid opt' : input.ceiling?.name === 'oracle' ? 'oracle' : 'Thm 1';
  const headers = ['P', 'E[X]', 'kind', 'T_v ms', 'T_d ms', 'speedup', 'tokens/s', ...(hasCeiling ? [`${ceilingName} E[X]`, `${ceilingName} speedup`] : []), ...(hasTheorem1 ? ['Thm 1 E[X]'] : []), 'choice'];
  const rows = result.curve
    .filter((p) => keep.has(p.P))
    .map((p) => [
      p.P,
      p.expectedAccepted,
      p.kind,
      p.verifierMs,
      p.drafterMs,
      p.speedup,
      p.tokensPerSecond,
      ...(hasCeiling ? [p.ceiling, p.ceilingSpeedup] : []),
      ...(hasTheorem1 ? [p.theorem1 ?? ''] : []),
      p.P === best.P ? '<- best' : p.P === result.deployment?.budget ? '<- deployment' : '',
    ]);
  out.push(formatTable(headers, rows), '');
  out.push(
    `best budget: P = ${best.P} -> speedup ${formatNumber(best.speedup, 3)}x [${best.kinds.speedup}], ` +
      `${formatNumber(best.tokensPerSecond, 4)} tokens/s per sequence [${best.kinds.tokensPerSecond}] ` +
      `(plain decoding: ${formatNumber(result.baseline.tokensPerSecond, 4)} tokens/s [${result.baseline.kind}]), ` +
      `E[X] = ${formatNumber(best.expectedAccepted, 4)} [${best.kinds.expectedAccepted}]`,
  );
  if (best.ceiling !== undefined && best.ceilingSpeedup !== undefined) {
    const label = input.ceiling?.label ?? 'ceiling';
    const kind = input.ceiling?.name === 'theorem1' ? 'bound' : input.ceiling?.name === 'oracle' ? 'measured' : 'estimate';
    out.push(`speed-of-light at P = ${best.P} (${label}): E[X] <= ${formatNumber(best.ceiling, 4)}, speedup <= ${formatNumber(best.ceilingSpeedup, 3)}x [${kind}]`);
  }
  if (best.theorem1 !== undefined && input.ceiling?.name !== 'theorem1') out.push(`Theorem 1 at P = ${best.P}: E[X] <= ${formatNumber(best.theorem1, 4)} [bound]`);
  const ch = result.chain;
  if (ch !== undefined && ch.k >= 1) {
    out.push(`chain engines (vLLM main, llama.cpp, TensorRT-LLM linear): best chain k = ${ch.k} (P = ${ch.P}) -> E[X] = ${formatNumber(ch.expectedAccepted, 4)}, speedup ${formatNumber(ch.speedup, 3)}x [${ch.kind}]`);
  } else if (ch !== undefined) {
    out.push('chain engines (vLLM main, llama.cpp, TensorRT-LLM linear): a chain does not pay here (k = 0)');
  }
  const bp = result.batch;
  if (bp !== undefined) {
    const hasCost = bp.rows.some((r) => r.usdPerMillion !== undefined);
    const hasChain = bp.rows.some((r) => r.chainK !== undefined);
    out.push(
      '',
      `per batch size (sequences sharing each pass; the detailed plan above is for batch ${bp.planned}):`,
      formatTable(
        ['batch', 'best P', 'E[X]', 'speedup', 'tokens/s/seq', 'tokens/s', ...(hasCost ? ['$/M tokens', '$/M plain'] : []), ...(hasChain ? ['chain k', 'chain speedup'] : []), 'kind'],
        bp.rows.map((r) => [
          r.batch,
          r.P,
          r.expectedAccepted,
          r.speedup,
          r.tokensPerSecond,
          r.batchTokensPerSecond,
          ...(hasCost ? [r.usdPerMillion ?? '', r.usdPerMillionPlain ?? ''] : []),
          ...(hasChain ? [r.chainK ?? '', r.chainSpeedup ?? ''] : []),
          r.kind,
        ]),
      ),
      bp.breakEvenBatch === undefined
        ? 'break-even batch: none up to 65536 (speculation still pays)'
        : `break-even batch: ${bp.breakEvenBatch} (from ${bp.breakEvenBatch} concurrent sequences on, P = 1: serve without speculation)` +
            (bp.chainBreakEvenBatch === undefined || bp.chainBreakEvenBatch === bp.breakEvenBatch ? '' : `; chains stop paying from batch ${bp.chainBreakEvenBatch}`),
    );
  }
  const t = result.tree;
  out.push(
    `tree:        ${t.shape}, depth ${t.depth}, top_k ${t.topK} [${t.kind}: ${t.basis}]`,
    `rank paths:  ${JSON.stringify(t.rankPaths.length > 40 ? t.rankPaths.slice(0, 40) : t.rankPaths)}${t.rankPaths.length > 40 ? ` … (${t.rankPaths.length} paths; --json lists all)` : ''}`,
  );
  if (result.cost !== undefined) {
    const c = result.cost;
    out.push(
      `cost:        $${formatNumber(c.withSpeculation, 4)} per million tokens with speculation vs $${formatNumber(c.withoutSpeculation, 4)} without ` +
        `(${Math.round(c.savingFraction * 100)}% saved; $${c.usdPerGpuHour}/GPU-hour × ${c.devices}) [${c.kind}]`,
    );
  }
  const cfg = result.configs;
  if (result.best.P <= 1) out.push('', 'engine settings: none (speculation does not pay here)');
  else {
    const v = cfg.versions;
    out.push(
      '',
      'engine settings (each with the engine versions it is for):',
      `  vLLM:         ${shortenTree(cfg.vllmFlag)}`,
      `                for ${v.vllm}`,
      ...(cfg.vllmTree === undefined ? [] : [`  vLLM (tree):  ${shortenTree(cfg.vllmTree.flag)}`, `                only for ${cfg.vllmTree.versions}`]),
      `  SGLang:       ${cfg.sglang}`,
      `                for ${v.sglang}`,
      `  EAGLE:        total_token=${cfg.eagle.total_token} depth=${cfg.eagle.depth} top_k=${cfg.eagle.top_k}`,
      `                for ${v.eagle}`,
      `  llama.cpp:    ${cfg.llamacpp}`,
      `                for ${v.llamacpp}`,
      `  TensorRT-LLM: trtllm-serve MODEL --config spec.yaml, spec.yaml = ${cfg.trtllm.yaml.split('\n').join(' | ')}`,
      `                for ${v.trtllm}`,
    );
  }
  const d = result.deployment;
  if (d !== undefined) {
    out.push('', `deployment (${d.engine}, ${d.source}):`, `  ${d.summary}`);
    out.push(`  mean acceptance length: ${formatNumber(d.meanAcceptanceLength.value, 4)} [measured]`);
    if (d.perPositionAcceptance.length > 0) {
      out.push(`  per-position acceptance: ${d.perPositionAcceptance.map((r) => formatNumber(r, 3)).join(', ')} [measured; conditional: ${d.conditionalAcceptance.map((r) => formatNumber(r, 3)).join(', ')}]`);
    }
    for (const v of Object.values(d.atBudget)) out.push(`  ${v.label}: ${formatNumber(v.value, 4)} [${v.kind}]`);
    if (d.speedupAtBudget !== undefined) {
      out.push(`  speedup at its budget under this latency model: ${formatNumber(d.speedupAtBudget, 3)}x vs ${formatNumber(best.speedup, 3)}x planned at P = ${best.P}`);
    }
    for (const n of d.notes) out.push(`  note: ${n}`);
  }
  if (result.notes.length > 0) {
    out.push('', ...result.notes.map((n) => `note: ${n}`));
  }
  return out.join('\n');
}

/** Longest vLLM flag shown in the table; the full flag is in `--json` (`configs.vllmFlag`). */
export const MAX_TABLE_FLAG_LENGTH = 400;

/** Keeps a table readable when the tree has hundreds of nodes: the speculative_token_tree is cut, and says so. */
export function shortenTree(flag: string): string {
  if (flag.length <= MAX_TABLE_FLAG_LENGTH) return flag;
  const cut = flag.lastIndexOf('), (', MAX_TABLE_FLAG_LENGTH);
  return `${flag.slice(0, cut + 1)}, …  (tree cut here for the table: --json has the complete --speculative-config)`;
}
