/** Every drafting strategy: the registry (names, needs, defaults, colours, constructors) and each strategy's own module. */
export {
  ADAPTIVE_DEFAULT_THRESHOLDS,
  ADAPTIVE_STRATEGY_NAMES,
  FIXED_BUDGET_STRATEGY_NAMES,
  STRATEGIES,
  STRATEGY_NAMES,
  createStrategy,
  findStrategy,
  measuredDynamicStrategies,
  measuredStaticStrategies,
  strategyColor,
  strategyEntry,
  strategyNeeds,
  type DynamicStrategyEntry,
  type StaticStrategyEntry,
  type StrategyEntry,
  type StrategyName,
  type StrategyNeed,
  type StrategyOptions,
} from './registry.js';
export { chainStrategy } from './chain.js';
export {
  confidenceStrategy, entropyGateStrategy, costAwareStrategy, confidenceBudget, entropyGateBudget, costAwareBudget,
  type ConfidenceOptions, type EntropyGateOptions, type CostAwareOptions,
} from './adaptive.js';
export { eagleStrategy, eagleCapacity, eagleDepthFor, EAGLE_DEFAULT_DEPTH, EAGLE_DEFAULT_TOP_K, type EagleOptions } from './eagle.js';
export { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
export { sequoiaStrategy, medusaStrategy, MEDUSA_HEADS, type StaticStrategyOptions } from './static.js';
