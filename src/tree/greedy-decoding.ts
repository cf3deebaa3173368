/**
 * Greedy speculative decoding, actually run: the reference the temperature-0 measurement is
 * checked against. Each step opens both models on the text so far, lets the strategy draft a tree
 * of budget P from the drafter (its distributions as the model returns them, temperature 1), and
 * verifies it greedily: from the root, the verifier's argmax (ties → the smaller token id, as
 * `withTemperature(d, 0)`) is accepted while it is a child in the tree; the verifier's argmax at the
 * deepest accepted node is the bonus token. X = accepted + 1 tokens are appended. This is what
 * engines do at temperature 0 (vLLM, SGLang, EAGLE), and greedy verification is lossless: the
 * output is the verifier's own greedy text whatever the drafter.
 */
import { rankedTokens } from '../distribution/ranked-tokens.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import type { DistributionCallOptions, LanguageModel } from '../models/model.js';
import { openTreeSession } from '../models/tree-session.js';
import { childWithToken } from './draft-tree.js';
import type { DraftingStrategy } from './strategy.js';

export interface GreedyDecodingResult {
  /** The generated tokens (the verifier's greedy continuation; may run past `minTokens` by the last step's X − 1). */
  readonly tokens: number[];
  /** X of each step (accepted draft tokens + 1). */
  readonly steps: number[];
  /** Σ X / steps: the engines' mean acceptance length (vLLM: 1 + accepted / drafts). */
  readonly meanAcceptanceLength: number;
}

function argmax(d: TokenDistribution): number {
  return rankedTokens(d, 1).ids[0] ?? 0;
}

/**
 * Runs greedy speculative decoding from `prompt` until at least `minTokens` tokens are generated
 * (steps are never cut short, so every step's X is what the engine would count).
 */
export async function greedySpeculativeDecoding(
  verifier: LanguageModel,
  drafter: LanguageModel,
  strategy: DraftingStrategy,
  budget: number,
  prompt: readonly number[],
  minTokens: number,
  options: DistributionCallOptions = {},
): Promise<GreedyDecodingResult> {
  const tokens: number[] = [];
  const steps: number[] = [];
  while (tokens.length < minTokens) {
    const prefix = [...prompt, ...tokens];
    const dSession = await openTreeSession(drafter, prefix, options);
    const vSession = await openTreeSession(verifier, prefix, options);
    try {
      const tree = await strategy.build({ drafter: dSession, budget, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      let node = 0;
      let vNode = 0;
      let next = argmax(vSession.root);
      let x = 1;
      for (;;) {
        const child = childWithToken(tree, node, next);
        tokens.push(next);
        if (child < 0) break;
        x++;
        const [r] = await vSession.expand([{ parent: vNode, token: next }], options);
        if (r === undefined) throw new Error('tree session returned no node');
        node = child;
        vNode = r.node;
        next = argmax(r.distribution);
      }
      steps.push(x);
    } finally {
      dSession.close();
      vSession.close();
    }
  }
  const total = steps.reduce((a, b) => a + b, 0);
  return { tokens, steps, meanAcceptanceLength: total / steps.length };
}
