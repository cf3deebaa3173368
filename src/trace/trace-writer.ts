/**
 * The trace writer: writes to a temporary file next to the target and renames it on `close()`,
 * so a failed or interrupted run never leaves a half-written trace. Gzips when the name ends in
 * `.gz`.
 *
 * @example
 * const w = await createTraceWriter('out.jsonl.gz', { model: 'stories260K', tokenizer: 'llama2c', vocabSize: 512, temperature: 1, promptSet: 'mtbench' });
 * await w.write({ seq: 0, pos: 0, token: 42, dist });
 * await w.close();
 */
import { createWriteStream } from 'node:fs';
import { commitTemporary, removeTemporary, temporaryPathFor, writeFailure } from '../core/atomic-file.js';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { TokenDistribution } from '../distribution/distribution.js';
import type { TraceDistributionJson, TraceHeader, TracePositionJson } from './trace-schema.js';
import { TRACE_FORMAT, TRACE_VERSION } from './trace-schema.js';

/** What a writer needs in the header (format and version are added). */
export type TraceHeaderInput = Omit<TraceHeader, 'format' | 'version'>;

/** One position to write. */
export interface TracePositionInput {
  readonly seq: string | number;
  readonly pos: number;
  readonly token?: number | undefined;
  readonly task?: string | undefined;
  readonly dist: TokenDistribution;
  readonly draft?: TokenDistribution | undefined;
}

export interface TraceWriter {
  /** Appends one position line. */
  write(position: TracePositionInput): Promise<void>;
  /** Finishes the file and moves it into place. */
  close(): Promise<void>;
  /** Deletes the temporary file; the target is left untouched. */
  abort(): Promise<void>;
}

/** Opens a writer for `file` and writes the header line. */
export async function createTraceWriter(file: string, header: TraceHeaderInput): Promise<TraceWriter> {
  const tmp = temporaryPathFor(file);
  const fileStream = createWriteStream(tmp);
  let failure: Error | undefined;
  fileStream.on('error', (e) => (failure ??= e));
  const out: Writable = file.endsWith('.gz') ? createGzip() : fileStream;
  if (out !== fileStream) {
    out.on('error', (e) => (failure ??= e));
    out.pipe(fileStream);
  }
  try {
    await once(fileStream, 'open');
  } catch (err) {
    await removeTemporary(tmp);
    throw writeFailure(file, err);
  }
  let closed = false;
  const put = async (text: string): Promise<void> => {
    if (failure !== undefined) throw writeFailure(file, failure);
    if (!out.write(text)) await once(out, 'drain');
  };
  await put(`${JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION, ...header })}\n`);
  return {
    write: (p) => put(`${JSON.stringify(positionJson(p))}\n`),
    async close() {
      if (closed) return;
      closed = true;
      out.end();
      await once(fileStream, 'close');
      if (failure !== undefined) {
        await removeTemporary(tmp);
        throw writeFailure(file, failure);
      }
      await commitTemporary(tmp, file);
    },
    async abort() {
      if (closed) return;
      closed = true;
      out.destroy();
      fileStream.destroy();
      await removeTemporary(tmp);
    },
  };
}

/** The JSON line of one position. */
export function positionJson(p: TracePositionInput): TracePositionJson {
  const line: TracePositionJson = { seq: p.seq, pos: p.pos, dist: distributionJson(p.dist) };
  if (p.token !== undefined) line.token = p.token;
  if (p.task !== undefined) line.task = p.task;
  if (p.draft !== undefined) line.draft = distributionJson(p.draft);
  return line;
}

/** Sparse → {ids, logprobs, tail, cap?}; dense → {logprobs} with null for impossible tokens. */
export function distributionJson(d: TokenDistribution): TraceDistributionJson {
  if (d.kind === 'sparse') {
    const json: TraceDistributionJson = { ids: Array.from(d.ids), logprobs: Array.from(d.logProbs), tail: d.tailMass };
    if (d.tailCap !== undefined) json.cap = d.tailCap;
    return json;
  }
  return { logprobs: Array.from(d.logProbs, (l) => (l > -Infinity ? l : null)) };
}

