/**
 * The measurement's trace (`trace/` format, docs/trace-format.md) in the run directory: every
 * position of every sampled continuation with the verifier's distribution (complete for small
 * vocabularies, else top-k with its tail mass) and the drafter's top tokens. Other commands read
 * it (`specbound stats trace.jsonl.gz`, `specbound simulate --trace`). Distributions are stored at
 * the measured temperature, which the header records as `distributionTemperature`.
 */
import path from 'node:path';
import { createTraceWriter } from '../trace/trace-writer.js';
import type { MeasureConfig } from './config.js';
import { decodeDistribution } from './recorded-distribution.js';
import type { UnitRecord } from './records.js';

export const TRACE_FILE = 'trace.jsonl.gz';

export async function writeMeasurementTrace(outDir: string, config: MeasureConfig, records: readonly UnitRecord[]): Promise<string> {
  const file = path.join(outDir, TRACE_FILE);
  const first = records[0]?.distributions[0];
  const vocabSize = first === undefined ? 1 : 'dense' in first ? first.dense.length : first.vocab;
  const writer = await createTraceWriter(file, {
    model: config.target,
    tokenizer: config.target,
    vocabSize,
    temperature: config.temperature,
    distributionTemperature: config.temperature,
    promptSet: config.prompts,
    ...(config.draft === undefined ? {} : { draftModel: config.draft }),
    source: 'specbound measure',
  });
  try {
    for (const r of records) {
      for (let pos = 0; pos < r.tokens.length; pos++) {
        const draft = r.drafterDistributions?.[pos];
        await writer.write({
          seq: r.unit,
          pos,
          token: r.tokens[pos],
          task: r.task,
          dist: decodeDistribution(r.distributions[pos]!),
          ...(draft === undefined ? {} : { draft: decodeDistribution(draft) }),
        });
      }
    }
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return file;
}
