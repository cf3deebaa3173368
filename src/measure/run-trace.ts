/**
 * The run's trace, `trace.jsonl.gz` (`trace/` format, docs/trace-format.md): the one place a
 * measurement stores its distributions. Every position of every sampled continuation with the
 * verifier's p and the drafter's q, each kept complete up to `denseUpTo` tokens of vocabulary
 * (else the top `keep` with their tail mass, `keptDistribution`), at the measured temperature
 * (the header's `distributionTemperature`). Other commands read it (`specbound stats
 * RUN/trace.jsonl.gz`, `specbound simulate --trace`), and `results/` reads the i.i.d. bank from it.
 *
 * It is written while measuring, like the unit log: one gzip member per unit (a multi-member gzip
 * file is one gzip stream to every reader, RFC 1952 §2.2), appended and flushed before the unit's
 * record, whose `traceEnd` says where the trace ended after it. A resumed run cuts the trace back
 * to the last recorded `traceEnd`, so a kill between the two appends leaves no orphan positions.
 * Units are committed in unit order, so the trace lists them in the order `results/` reads them.
 */
import { existsSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputFileError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { openTrace } from '../trace/trace-reader.js';
import { TRACE_FORMAT, TRACE_VERSION } from '../trace/trace-schema.js';
import { positionJson, type TraceHeaderInput, type TracePositionInput } from '../trace/trace-writer.js';
import type { MeasureConfig } from './config.js';
import type { UnitRecord } from './records.js';
import { writeAllOrNothing } from '../core/atomic-file.js';

export const TRACE_FILE = 'trace.jsonl.gz';

/** The header of a run's trace. */
export function runTraceHeader(config: MeasureConfig, vocabSize: number): TraceHeaderInput {
  return {
    model: config.target,
    tokenizer: config.target,
    vocabSize,
    temperature: config.temperature,
    distributionTemperature: config.temperature,
    promptSet: config.prompts,
    ...(config.draft === undefined ? {} : { draftModel: config.draft }),
    source: 'specbound measure',
  };
}

/** The trace of a run directory, open for appending units. */
export class RunTrace {
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
  }

  /**
   * Opens the trace of `dir` after `committedEnd` bytes (the largest `traceEnd` of the unit log;
   * anything after it is cut off), or starts it with `header` when no unit is recorded yet.
   */
  static open(dir: string, header: TraceHeaderInput, committedEnd: number | undefined): RunTrace {
    const trace = new RunTrace(path.join(dir, TRACE_FILE));
    if (committedEnd === undefined) {
      trace.write(`${JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION, ...header })}\n`, 'w');
      return trace;
    }
    const size = existsSync(trace.file) ? statSync(trace.file).size : 0;
    if (size < committedEnd) {
      throw new InputFileError(trace.file, undefined, `holds ${size} bytes but units.jsonl says its units end at byte ${committedEnd}: the run directory is damaged (delete it to start over)`);
    }
    if (size > committedEnd) truncateSync(trace.file, committedEnd);
    return trace;
  }

  /** Appends one unit's positions as one gzip member, flushed to disk; returns the trace's length after it. */
  appendUnit(positions: readonly TracePositionInput[]): number {
    return this.write(positions.map((p) => `${JSON.stringify(positionJson(p))}\n`).join(''), 'a');
  }

  /** A full disk mid-write cuts the file back to its previous length and names it (FileSystemError). */
  private write(text: string, flags: 'w' | 'a'): number {
    writeAllOrNothing(this.file, gzipSync(Buffer.from(text, 'utf8')), flags);
    return statSync(this.file).size;
  }
}

/**
 * The verifier's distributions of a run's units, in unit order (`units` sorted by unit), read
 * from its trace; each unit's positions are checked against its record (count and order).
 */
export async function readRunDistributions(dir: string, units: readonly UnitRecord[]): Promise<TokenDistribution[][]> {
  const file = path.join(dir, TRACE_FILE);
  if (!existsSync(file)) throw new InputFileError(file, undefined, 'missing: the distributions of this run are stored there (measure again into a new directory)');
  const bySeq = new Map<number | string, TokenDistribution[]>();
  const trace = await openTrace(file);
  for await (const p of trace.positions()) {
    let list = bySeq.get(p.seq);
    if (list === undefined) bySeq.set(p.seq, (list = []));
    if (p.pos !== list.length) throw new InputFileError(file, p.line, `position ${p.pos} of unit ${String(p.seq)} where ${list.length} was expected`);
    list.push(p.dist);
  }
  return units.map((u) => {
    const list = bySeq.get(u.unit) ?? [];
    if (list.length !== u.tokens.length) {
      throw new InputFileError(file, undefined, `unit ${u.unit} has ${list.length} positions but units.jsonl records ${u.tokens.length}: the run directory is damaged`);
    }
    return list;
  });
}
