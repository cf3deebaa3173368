/** Every drafting strategy, and `createStrategy(name, options)` for the command line. */
import { InvalidValueError } from '../../core/errors.js';
import type { DraftingStrategy } from '../strategy.js';
import { chainStrategy } from './chain.js';
import { eagleStrategy, type EagleOptions } from './eagle.js';
import { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
import { medusaStrategy, sequoiaStrategy } from './static.js';

export { chainStrategy } from './chain.js';
export { eagleStrategy, eagleCapacity, eagleDepthFor, EAGLE_DEFAULT_DEPTH, EAGLE_DEFAULT_TOP_K, type EagleOptions } from './eagle.js';
export { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
export { sequoiaStrategy, medusaStrategy, type StaticStrategyOptions } from './static.js';

export const STRATEGY_NAMES = ['oracle', 'q-greedy', 'chain', 'eagle', 'sequoia', 'medusa'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyOptions extends Lemma1StrategyOptions, EagleOptions {
  /** Positional acceptance a_k (sequoia, medusa). */
  readonly acceptance?: readonly number[];
  /** Depth cap of static trees (sequoia, medusa). */
  readonly staticMaxDepth?: number;
  /** Sequoia's number of root children. */
  readonly rootChildren?: number;
}

/** The strategy called `name`; throws InvalidValueError naming `source` for an unknown name or missing acceptance vector. */
export function createStrategy(name: string, options: StrategyOptions = {}, source = '--strategy'): DraftingStrategy {
  switch (name) {
    case 'oracle':
      return oracleStrategy(pick(options));
    case 'q-greedy':
      return qGreedyStrategy(pick(options));
    case 'chain':
      return chainStrategy();
    case 'eagle':
      return eagleStrategy({ ...(options.depth === undefined ? {} : { depth: options.depth }), ...(options.topK === undefined ? {} : { topK: options.topK }) });
    case 'sequoia':
    case 'medusa': {
      const acceptance = options.acceptance;
      if (acceptance === undefined) throw new InvalidValueError('strategy', name, 'needs a positional acceptance vector a_0,a_1,...', source);
      const maxDepth = options.staticMaxDepth === undefined ? {} : { maxDepth: options.staticMaxDepth };
      return name === 'sequoia'
        ? sequoiaStrategy({ acceptance, ...maxDepth, ...(options.rootChildren === undefined ? {} : { rootChildren: options.rootChildren }) })
        : medusaStrategy({ acceptance, ...maxDepth });
    }
    default:
      throw new InvalidValueError('strategy', name, `expected one of ${STRATEGY_NAMES.join(', ')}`, source);
  }
}

function pick(options: StrategyOptions): Lemma1StrategyOptions {
  return { ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) };
}
