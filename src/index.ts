/**
 * The public API of the `specbound` package (`import { reportedBound } from 'specbound'`), built to
 * dist/index.js. package.json `exports` lists only this entry, so everything else under dist/
 * (the CLI, the web server and page, the measure → results → report pipeline's internals) is
 * private and may change without notice.
 *
 * Flat exports: the paper's bounds and estimates (theory/), distributions and their moments
 * (distribution/), the streaming estimators of μ, μ₂, μ_CE, π₀ (stats/), the i.i.d. simulator
 * (sim/), draft trees and drafting strategies (tree/), the trace format (trace/), model loading
 * and the `LanguageModel` interface (models/), and the error classes and seeded streams (core/).
 * Namespaces, because their names are many and specialised: `plan` (latency models, the planner,
 * engine settings) and `adaptive` (the adaptive-budget speed-of-light).
 */
export * from './theory/index.js';
export * from './distribution/index.js';
export * from './stats/index.js';
export * from './sim/index.js';
export * from './tree/index.js';
export * from './trace/index.js';
export * from './core/index.js';
export { loadModel, parseModelSpelling, MODEL_SCHEMES, MODEL_SCHEME_NAMES, type ModelScheme, type ModelSchemeName } from './models/registry.js';
export { parseModelSpec, type ModelSpec } from './models/spec.js';
export { encodeText, type DistributionCallOptions, type LanguageModel, type Tokenizer, type TreeExpansion, type TreeNodeResult, type TreeSession } from './models/model.js';
export { openTreeSession } from './models/tree-session.js';
export { createModelServer, type ModelServer, type ModelServerOptions } from './models/server/model-server.js';
export { VERSION } from './core/version.js';
export * as plan from './plan/index.js';
export * as adaptive from './adaptive/index.js';
