/**
 * The streaming trace reader. Reads the header, then yields one checked position at a time, so a
 * trace of any length is read in constant memory. Every problem is an InputFileError naming
 * file:line: malformed JSON, a wrong format or version, a field of the wrong type, token ids outside
 * the vocabulary, NaN/negative/over-1 probabilities, sums off 1 beyond the tolerance, an empty file,
 * a truncated gzip.
 *
 * @example
 * const trace = await openTrace('run.jsonl.gz');
 * for await (const p of trace.positions()) acc.add({ sequence: p.seq, task: p.task }, p.dist, p.draft);
 */
import { InputFileError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { checkDistribution } from './position-distribution.js';
import type { NumberedLine } from './read-lines.js';
import { readLines } from './read-lines.js';
import type { TraceHeader } from './trace-schema.js';
import { TRACE_FORMAT, TRACE_VERSION, TraceHeaderSchema, TracePositionSchema } from './trace-schema.js';
import type { z } from 'zod';

/** One position of a trace, checked. */
export interface TracePosition {
  readonly seq: string | number;
  readonly pos: number;
  readonly token?: number;
  readonly task?: string;
  /** The verifier's distribution (sparse for top-k lines, dense for full ones). */
  readonly dist: TokenDistribution;
  /** The drafter's distribution at the same prefix. */
  readonly draft?: TokenDistribution;
  /** Line number in the file (for messages). */
  readonly line: number;
}

export interface TraceReaderOptions {
  /** Largest accepted |Σ p − 1| (default 1e−3). */
  readonly tolerance?: number;
  /** Accept distributions whose sum is off by more than the tolerance, rescaling them (one warning per file). */
  readonly renormalize?: boolean;
  /** Receives warnings (e.g. how many lines were renormalised); default: ignored. */
  readonly onWarning?: (message: string) => void;
}

export interface TraceReader {
  readonly file: string;
  readonly header: TraceHeader;
  /** The positions, in file order. Iterate once. */
  positions(): AsyncGenerator<TracePosition>;
}

/** Default largest accepted |Σ p − 1|. */
export const DEFAULT_TOLERANCE = 1e-3;

/** Opens `file` (plain or gzip JSONL; `-` = standard input) and reads and checks its header. */
export async function openTrace(file: string, options: TraceReaderOptions = {}): Promise<TraceReader> {
  const lines = readLines(file);
  const first = await lines.next();
  if (first.done === true) throw new InputFileError(file, undefined, `empty file: expected a ${TRACE_FORMAT} header line`);
  const header = parseHeader(file, first.value);
  const checks = { tolerance: options.tolerance ?? DEFAULT_TOLERANCE, renormalize: options.renormalize ?? false };
  let used = false;
  return {
    file,
    header,
    async *positions() {
      if (used) throw new Error('TraceReader.positions() can be iterated only once');
      used = true;
      let renormalized = 0;
      let worst = 0;
      let worstLine = 0;
      try {
        for await (const l of lines) {
          const raw = parseJson(file, l);
          const parsed = TracePositionSchema.safeParse(raw);
          if (!parsed.success) throw new InputFileError(file, l.line, describeZodError(parsed.error, raw));
          const v = parsed.data;
          if (v.token !== undefined && (v.token < 0 || v.token >= header.vocabSize)) {
            throw new InputFileError(file, l.line, `token: id ${v.token} is outside the vocabulary [0, ${header.vocabSize})`);
          }
          const dist = checkDistribution(v.dist, header.vocabSize, checks, file, l.line, 'dist');
          const draft = v.draft === undefined ? undefined : checkDistribution(v.draft, header.vocabSize, checks, file, l.line, 'draft');
          for (const c of draft === undefined ? [dist] : [dist, draft]) {
            if (c.renormalizedBy > 0) {
              renormalized++;
              if (c.renormalizedBy > worst) [worst, worstLine] = [c.renormalizedBy, l.line];
            }
          }
          const out: { -readonly [K in keyof TracePosition]: TracePosition[K] } = { seq: v.seq, pos: v.pos, dist: dist.distribution, line: l.line };
          if (v.token !== undefined) out.token = v.token;
          if (v.task !== undefined) out.task = v.task;
          if (draft !== undefined) out.draft = draft.distribution;
          yield out;
        }
      } finally {
        if (renormalized > 0) {
          options.onWarning?.(
            `${file}: renormalised ${renormalized} distribution${renormalized === 1 ? '' : 's'} whose probabilities did not sum to 1 (largest deviation ${worst.toPrecision(3)} at line ${worstLine})`,
          );
        }
      }
    },
  };
}

function parseHeader(file: string, l: NumberedLine): TraceHeader {
  const raw = parseJson(file, l);
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== TRACE_FORMAT) {
    throw new InputFileError(file, l.line, `not a specbound trace: the first line must be a header {"format": "${TRACE_FORMAT}", "version": ${TRACE_VERSION}, ...}`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== TRACE_VERSION) {
    throw new InputFileError(file, l.line, `unsupported trace version ${JSON.stringify(version)} (this specbound reads version ${TRACE_VERSION})`);
  }
  const parsed = TraceHeaderSchema.safeParse(raw);
  if (!parsed.success) throw new InputFileError(file, l.line, `header: ${describeZodError(parsed.error, raw)}`);
  if (parsed.data.tokens !== undefined && parsed.data.tokens.length > parsed.data.vocabSize) {
    throw new InputFileError(file, l.line, `header: ${parsed.data.tokens.length} token strings but vocabSize ${parsed.data.vocabSize}`);
  }
  return parsed.data;
}

function parseJson(file: string, l: NumberedLine): unknown {
  try {
    return JSON.parse(l.text);
  } catch (err) {
    if (/(^|[^\w"])(-?Infinity|NaN)\b/.test(l.text)) {
      throw new InputFileError(file, l.line, 'a probability is NaN or ±Infinity, which JSON cannot hold (write an impossible token\'s logprob as null)');
    }
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputFileError(file, l.line, `malformed JSON (${msg})`);
  }
}

/** The first zod issue as "path: problem (got value)". */
export function describeZodError(error: z.ZodError, raw: unknown): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid line';
  const path = issue.path.map(String).join('.');
  let value: unknown = raw;
  for (const key of issue.path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const got = value === undefined ? '' : ` (got ${short(value)})`;
  return `${path === '' ? 'line' : path}: ${issue.message}${got}`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
