/**
 * `trace/`: the project's exchange format (versioned JSONL, docs/trace-format.md): a streaming
 * reader and writer (gzip when the name ends in .gz) and importers for server responses.
 */
export { TRACE_FORMAT, TRACE_VERSION, TraceHeaderSchema, TracePositionSchema, TraceDistributionSchema } from './trace-schema.js';
export type { TraceHeader, TracePositionJson, TraceDistributionJson } from './trace-schema.js';
export { openTrace, DEFAULT_TOLERANCE } from './trace-reader.js';
export type { TraceReader, TracePosition, TraceReaderOptions } from './trace-reader.js';
export { createTraceWriter, positionJson, distributionJson } from './trace-writer.js';
export type { TraceWriter, TraceHeaderInput, TracePositionInput } from './trace-writer.js';
export { checkDistribution } from './position-distribution.js';
export type { ProbabilityChecks, CheckedDistribution } from './position-distribution.js';
export { readLines, isGzipFile } from './read-lines.js';
export { TokenTable, readVocabulary } from './token-table.js';
export { importResponses } from './importers/import-responses.js';
export type { ImportOptions, ImportResult } from './importers/import-responses.js';
export { IMPORT_FORMATS, extractResponse } from './importers/response-formats.js';
export type { ImportFormat } from './importers/response-formats.js';
