/**
 * What a measurement of a remote model (`openai:`) will ask of its server, computed before any
 * request: an upper bound on the completions requests and on the prompt tokens they carry, so a
 * user can see the cost of a run against a paid or shared endpoint (`measure --dry-run`).
 *
 * Per continuation (unit) the verifier's distribution is asked at each generated position (at
 * most --max-new-tokens), and at each tree position (every --tree-every-th) for the nodes of the
 * oracle tree (at most P-max) and of each measured drafter tree scored under the verifier (at most
 * P-max each; nodes they share are asked once, so this is where the bound is loose); the second
 * pass asks for the nodes of each static tree at each budget of the grid. A request carries one
 * prefix (`&batch=B` packs up to B), at most the prompt (--max-prompt-tokens) plus the generated
 * tokens plus the tree depth. A remote drafter is asked the same way for its own q.
 */
import type { MeasureConfig } from './config.js';
import { budgetGrid } from './budget-grid.js';

export interface RequestBudget {
  readonly units: number;
  /** Completions requests at most (one prefix each; `&batch=B` divides this by up to B). */
  readonly requests: number;
  /** Prompt tokens sent at most, summed over those requests. */
  readonly promptTokens: number;
  /** Tokenize requests: one per prompt (the text is tokenized by the server). */
  readonly tokenizeRequests: number;
}

export interface RequestBudgetInput {
  readonly prompts: number;
  /** Dynamic drafting strategies measured with a drafter (0 without one). */
  readonly dynamicStrategies: number;
  /** Static strategies of the second pass (0 without a drafter). */
  readonly staticStrategies: number;
  /** Whether the verifier and the drafter are remote. */
  readonly verifierRemote: boolean;
  readonly drafterRemote: boolean;
}

export function requestBudget(config: Pick<MeasureConfig, 'samples' | 'maxNewTokens' | 'maxPromptTokens' | 'treeEvery' | 'PMax'>, input: RequestBudgetInput): RequestBudget {
  const units = input.prompts * config.samples;
  const trees = Math.ceil(config.maxNewTokens / config.treeEvery);
  const staticNodes = budgetGrid(config.PMax).reduce((s, P) => s + P, 0) * input.staticStrategies;
  const verifierPerUnit = config.maxNewTokens + trees * (config.PMax * (1 + input.dynamicStrategies) + staticNodes);
  const drafterPerUnit = input.dynamicStrategies > 0 ? config.maxNewTokens + trees * config.PMax * input.dynamicStrategies : 0;
  const perUnit = (input.verifierRemote ? verifierPerUnit : 0) + (input.drafterRemote ? drafterPerUnit : 0);
  const requests = units * perUnit;
  const longestPrefix = config.maxPromptTokens + config.maxNewTokens + config.PMax;
  const remoteModels = (input.verifierRemote ? 1 : 0) + (input.drafterRemote ? 1 : 0);
  return { units, requests, promptTokens: requests * longestPrefix, tokenizeRequests: remoteModels * input.prompts };
}
