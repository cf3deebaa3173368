/**
 * Positional acceptance of a (verifier, drafter) pair of real models, measured the way Sequoia
 * does on data: along the verifier's own greedy continuation of a prompt, a_k = mean of the
 * verifier's probability of the drafter's rank-k token.
 */
import { rankedTokens } from '../../distribution/ranked-tokens.js';
import type { TokenDistribution } from '../../distribution/distribution.js';
import type { DistributionCallOptions, LanguageModel } from '../../models/model.js';
import { positionalAcceptance } from './positional-acceptance.js';

export interface ModelAcceptanceOptions extends DistributionCallOptions {
  /** Ranks k = 0..ranks−1 to measure. */
  readonly ranks: number;
  /** Positions along the verifier's greedy continuation (one verifier call each). Default 32. */
  readonly positions?: number;
}

export async function modelPositionalAcceptance(
  verifier: LanguageModel,
  drafter: LanguageModel,
  prompt: readonly number[],
  options: ModelAcceptanceOptions,
): Promise<Float64Array> {
  const positions = options.positions ?? 32;
  const call: DistributionCallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const prefixes: number[][] = [];
  const verifierDists: TokenDistribution[] = [];
  let prefix = [...prompt];
  for (let i = 0; i < positions; i++) {
    const [d] = await verifier.nextTokenDistributions([prefix], call);
    if (d === undefined) break;
    prefixes.push(prefix);
    verifierDists.push(d);
    const top = rankedTokens(d, 1).ids[0];
    if (top === undefined || top === verifier.tokenizer.eos) break;
    prefix = [...prefix, top];
  }
  const drafterDists = drafter === verifier ? verifierDists : await drafter.nextTokenDistributions(prefixes, call);
  return positionalAcceptance(
    verifierDists.map((v, i) => ({ verifier: v, drafter: drafterDists[i]! })),
    options.ranks,
  );
}
