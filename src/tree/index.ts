/**
 * Draft trees: Lemma 1 optimal trees over any model, exact verification and the ancestral
 * estimate, drafting strategies (oracle, q-greedy, chain, EAGLE-2, Sequoia, Medusa), rank-path and
 * vLLM export, and simulated laws as tree sessions.
 */
export * from './draft-tree.js';
export * from './rank-paths.js';
export * from './optimal-tree.js';
export * from './verification.js';
export * from './strategy.js';
export * from './strategies/index.js';
export * from './static/positional-acceptance.js';
export * from './static/rank-tree-value.js';
export * from './static/sequoia.js';
export * from './static/medusa.js';
export * from './static/instantiate.js';
export * from './law-session.js';
export * from './session-views.js';
export * from './tree-summary.js';
export * from './static/model-acceptance.js';
