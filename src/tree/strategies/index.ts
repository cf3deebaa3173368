/** Every drafting strategy, and `createStrategy(name, options)` for the command line. */
import { InvalidValueError } from '../../core/errors.js';
import type { DraftingStrategy } from '../strategy.js';
import { confidenceStrategy, costAwareStrategy, entropyGateStrategy } from './adaptive.js';
import { chainStrategy } from './chain.js';
import { eagleStrategy, type EagleOptions } from './eagle.js';
import { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
import { medusaStrategy, sequoiaStrategy } from './static.js';

export { chainStrategy } from './chain.js';
export {
  confidenceStrategy, entropyGateStrategy, costAwareStrategy, confidenceBudget, entropyGateBudget, costAwareBudget,
  type ConfidenceOptions, type EntropyGateOptions, type CostAwareOptions,
} from './adaptive.js';
export { eagleStrategy, eagleCapacity, eagleDepthFor, EAGLE_DEFAULT_DEPTH, EAGLE_DEFAULT_TOP_K, type EagleOptions } from './eagle.js';
export { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
export { sequoiaStrategy, medusaStrategy, type StaticStrategyOptions } from './static.js';

/** Strategies that fill the budget: exactly P nodes whenever the models' supports allow. */
export const FIXED_BUDGET_STRATEGY_NAMES = ['oracle', 'q-greedy', 'chain', 'eagle', 'sequoia', 'medusa'] as const;
/** Strategies that choose their own budget per step, at most P (`adaptive.ts`). */
export const ADAPTIVE_STRATEGY_NAMES = ['confidence', 'entropy-gate', 'cost-aware'] as const;
export const STRATEGY_NAMES = [...FIXED_BUDGET_STRATEGY_NAMES, ...ADAPTIVE_STRATEGY_NAMES] as const;

/** Thresholds of the adaptive strategies when none is given: Q(v) >= 0.1, H(q) <= 1 nat, λ = 1 token per T(1) (plain decoding's rate). */
export const ADAPTIVE_DEFAULT_THRESHOLDS = { confidence: 0.1, 'entropy-gate': 1, 'cost-aware': 1 } as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyOptions extends Lemma1StrategyOptions, EagleOptions {
  /** Positional acceptance a_k (sequoia, medusa). */
  readonly acceptance?: readonly number[];
  /** Depth cap of static trees (sequoia, medusa). */
  readonly staticMaxDepth?: number;
  /** Sequoia's number of root children. */
  readonly rootChildren?: number;
  /** Adaptive strategies: Q(v) threshold (confidence), entropy in nats (entropy-gate), λ (cost-aware). */
  readonly threshold?: number;
  /** cost-aware: T(P) at P = 1, 2, … (`adaptive/latency-curve.ts`). */
  readonly costs?: ArrayLike<number>;
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
    case 'confidence':
      return confidenceStrategy({ threshold: options.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS.confidence, ...pick(options) });
    case 'entropy-gate':
      return entropyGateStrategy({ threshold: options.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS['entropy-gate'] });
    case 'cost-aware': {
      if (options.costs === undefined) throw new InvalidValueError('strategy', name, 'needs a latency curve T(P)', source);
      return costAwareStrategy({ lambda: options.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS['cost-aware'], costs: options.costs, ...pick(options) });
    }
    default:
      throw new InvalidValueError('strategy', name, `expected one of ${STRATEGY_NAMES.join(', ')}`, source);
  }
}

function pick(options: StrategyOptions): Lemma1StrategyOptions {
  return { ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) };
}
