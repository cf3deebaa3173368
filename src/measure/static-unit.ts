/**
 * The second pass of a measurement: static draft trees (Sequoia's dynamic program, Medusa's greedy
 * choice) need the drafter's positional acceptance a_k, measured over all units of the first
 * pass. Each unit is then revisited: the sessions follow the recorded continuation again, and at
 * each of its tree positions every static rank tree is instantiated with the drafter's ranked
 * tokens and evaluated exactly under the verifier (Σ P(v) with the verifier's conditionals).
 * No randomness: the values depend only on the recorded tokens and the acceptance vector.
 */
import type { LanguageModel } from '../models/model.js';
import { openTreeSession } from '../models/tree-session.js';
import { treeDepth, type DraftTree } from '../tree/draft-tree.js';
import { instantiateStaticTree } from '../tree/static/instantiate.js';
import { measuredStaticStrategies } from '../tree/strategies/registry.js';
import { expectedAcceptedLength, verifierDistributions } from '../tree/verification.js';
import type { MeasureConfig } from './config.js';
import type { Prompt } from './prompts/prompt.js';
import { cachingSession, subSession, temperatureSession } from '../tree/session-views.js';
import { RECORD_VERSION, type StaticUnitRecord, type UnitRecord } from './records.js';
import { promptTokens } from './unit.js';

/** One static rank tree per (strategy, budget). */
export interface StaticTreePlan {
  readonly strategy: string;
  readonly P: number;
  readonly rankTree: DraftTree;
}

/** The positional acceptance a_k over all first-pass units: Σ p(drafter's rank-k token) / positions. */
export function measuredAcceptance(records: readonly UnitRecord[]): number[] | undefined {
  let positions = 0;
  let sums: number[] | undefined;
  for (const r of records) {
    if (r.acceptanceSum === undefined) return undefined;
    positions += r.tokens.length;
    sums = sums === undefined ? [...r.acceptanceSum] : sums.map((s, k) => s + (r.acceptanceSum![k] ?? 0));
  }
  if (sums === undefined || positions === 0) return undefined;
  const a = sums.map((s) => Math.min(1, Math.max(0, s / positions)));
  // Σ a_k ≤ 1 holds exactly for the true values; clip rounding so the DP's check accepts it.
  const total = a.reduce((x, y) => x + y, 0);
  return total > 1 ? a.map((x) => x / total) : a;
}

/** Each measured static strategy's rank tree at each budget, with the registry's defaults (Sequoia: depth ≤ min(P − 1, 16), free root; Medusa: 4 heads). */
export function staticTreePlans(acceptance: readonly number[], budgets: readonly number[]): StaticTreePlan[] {
  const plans: StaticTreePlan[] = [];
  const statics = measuredStaticStrategies();
  for (const P of budgets) for (const s of statics) plans.push({ strategy: s.name, P, rankTree: s.rankTree(acceptance, P) });
  return plans;
}

export interface StaticUnitContext {
  readonly config: MeasureConfig;
  readonly verifier: LanguageModel;
  readonly drafter: LanguageModel;
  readonly prompts: readonly Prompt[];
  readonly plans: readonly StaticTreePlan[];
  /** Largest number of tokens the models accept, when known: trees that would pass it are skipped. */
  readonly contextLength?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export async function measureStaticUnit(ctx: StaticUnitContext, record: UnitRecord): Promise<StaticUnitRecord> {
  const callOptions = ctx.signal === undefined ? {} : { signal: ctx.signal };
  const prompt = ctx.prompts[record.prompt];
  if (prompt === undefined) throw new RangeError(`unit ${record.unit}: no prompt ${record.prompt}`);
  const prefix = await promptTokens(ctx.verifier, prompt, ctx.config.maxPromptTokens);
  const T = ctx.config.temperature;
  const vSession = cachingSession(temperatureSession(await openTreeSession(ctx.verifier, prefix, callOptions), T));
  const dSession = cachingSession(temperatureSession(await openTreeSession(ctx.drafter, prefix, callOptions), T));
  const values: Record<string, Record<string, number[]>> = {};
  try {
    // Follow the recorded continuation to the last tree position.
    const last = record.trees.length === 0 ? -1 : record.trees[record.trees.length - 1]!.t;
    const vAt = [{ node: 0, distribution: vSession.root }];
    const dAt = [{ node: 0, distribution: dSession.root }];
    for (let t = 0; t < last; t++) {
      const token = record.tokens[t]!;
      const [[v], [d]] = await Promise.all([
        vSession.expand([{ parent: vAt[t]!.node, token }], callOptions),
        dSession.expand([{ parent: dAt[t]!.node, token }], callOptions),
      ]);
      vAt.push(v!);
      dAt.push(d!);
    }
    for (const { t } of record.trees) {
      const drafterHere = subSession(dSession, dAt[t]!.node, dAt[t]!.distribution);
      const verifierHere = subSession(vSession, vAt[t]!.node, vAt[t]!.distribution);
      for (const plan of ctx.plans) {
        if (ctx.contextLength !== undefined && prefix.length + t + treeDepth(plan.rankTree) + 1 > ctx.contextLength) continue;
        const tree = await instantiateStaticTree(plan.rankTree, drafterHere, callOptions);
        const dists = await verifierDistributions(tree, verifierHere, callOptions);
        const byBudget = (values[plan.strategy] ??= {});
        (byBudget[String(plan.P)] ??= []).push(expectedAcceptedLength(tree, dists));
      }
    }
  } finally {
    vSession.close();
    dSession.close();
  }
  return { kind: 'static', version: RECORD_VERSION, unit: record.unit, values };
}
