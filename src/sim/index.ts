/** The i.i.d. branching-random-walk simulator: child laws, the best-first enumerator, `simulateIid`. */
export * from './child-law.js';
export * from './child-table.js';
export * from './table-law.js';
export * from './zipf-law.js';
export * from './mixture-law.js';
export * from './calibrated-law.js';
export * from './empirical-law.js';
export * from './dirichlet-law.js';
export * from './noisy-drafter-law.js';
export * from './law-from-spec.js';
export * from './best-first-enumerator.js';
export * from './tree-statistics.js';
export * from './simulate-iid.js';
export { digamma, trigamma } from './digamma.js';
export { logGamma01, standardNormal } from './gamma-sampler.js';
export * from './empirical-drafter-law.js';
export * from './trace-law.js';
export * from './parse-law.js';
