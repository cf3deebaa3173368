/**
 * `adaptive/`: the adaptive-budget speed-of-light (a budget chosen per step; Dinkelbach over the
 * measured per-position oracle curves), latency curves T(P), and the gain of adaptivity with
 * sequence-bootstrap intervals.
 */
export { AdaptiveProblem, curveAt, pointOf } from './dinkelbach.js';
export type { DinkelbachResult, FixedBest, PolicyPoint, PolicySums } from './dinkelbach.js';
export { adaptiveGain, frontierLambdas } from './adaptive-gain.js';
export type { AdaptiveGain, FrontierPoint, IntervalEstimate } from './adaptive-gain.js';
export { constantLatency, DEFAULT_LATENCY_SPEC, latencyFromModels, latencyUpTo, linearLatency, parseLatencySpec } from './latency-curve.js';
export type { LatencyCurve } from './latency-curve.js';
