/**
 * `stats/`: streaming estimators of μ, μ₂, μ_CE and π₀ with sequence-bootstrap 95% intervals,
 * per-task summaries and the entropy histogram (docs/conventions.md, "The quantities").
 */
export { positionStatistics, PositionStatisticsSchema } from './position-statistics.js';
export type { PositionStatistics } from './position-statistics.js';
export { StatsAccumulator } from './stats-accumulator.js';
export type { PositionKey, PositionTerms, SummaryOptions, AccumulatorSnapshot } from './stats-accumulator.js';
export { bootstrapRatioIntervals, bootstrapWeightedIntervals } from './bootstrap.js';
export type { RatioColumns } from './bootstrap.js';
export { EntropyHistogram } from './entropy-histogram.js';
export type { Histogram } from './entropy-histogram.js';
export { quantileSorted } from './quantile.js';
export { EstimateSchema, StatsSummarySchema } from './summary-schema.js';
export type { Estimate, StatsSummary } from './summary-schema.js';
