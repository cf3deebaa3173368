/**
 * μ, μ₂ (and μ_CE, π₀ with a drafter) of one or more trace files, with the bounds of `theory/`
 * at a list of budgets (under the one rule of `theory-at-estimates.ts`): what `specbound stats`
 * prints. Sequences are keyed by (file, seq), so
 * sequence ids may repeat across files.
 */
import { InputFileError, InvalidValueError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { exactTransform, TailDependentError } from '../distribution/exact-transform.js';
import type { StatsSummary } from './results-schema.js';
import type { TraceHeader } from '../trace/trace-schema.js';
import { openTrace } from '../trace/trace-reader.js';
import type { Histogram } from '../stats/entropy-histogram.js';
import { StatsAccumulator } from '../stats/stats-accumulator.js';
import { estimatesOf, theoryAtEstimates, type BoundAtBudget } from './theory-at-estimates.js';

export type { BoundAtBudget } from './theory-at-estimates.js';

export interface TraceStatsOptions {
  readonly seed?: number;
  readonly resamples?: number;
  readonly tolerance?: number;
  readonly renormalize?: boolean;
  /** Applied to every distribution (verifier and drafter) before estimating. */
  readonly temperature?: number | undefined;
  readonly topK?: number | undefined;
  readonly topP?: number | undefined;
  readonly onWarning?: (message: string) => void;
  /** Called every 1000 positions. */
  readonly onProgress?: (positions: number) => void;
}

export type SummaryWithBounds = StatsSummary & { bounds: BoundAtBudget[] };

export interface TraceStats extends SummaryWithBounds {
  /** Per task label, when the traces carry them. */
  tasks?: Record<string, SummaryWithBounds>;
  /** The headers of the files read. */
  traces: { file: string; model: string; vocabSize: number; temperature: number; promptSet: string }[];
  entropyHistogram: Histogram;
}

/** Reads every position of `files` and summarises them. Throws InputFileError on bad input or no positions. */
export async function computeTraceStats(files: readonly string[], budgets: readonly number[], options: TraceStatsOptions = {}): Promise<TraceStats> {
  const acc = new StatsAccumulator();
  const headers: { file: string; header: TraceHeader }[] = [];
  const spec = { temperature: options.temperature, topK: options.topK, topP: options.topP };
  // Exact or refused: on top-k data a transform the listed tokens do not determine is an error
  // naming the flag and the position, never a silent no-op or a guessed tail.
  const transform = (d: TokenDistribution, file: string, line: number): TokenDistribution => {
    try {
      return exactTransform(d, spec);
    } catch (err) {
      if (err instanceof TailDependentError) throw new InvalidValueError(err.flag, err.value, err.reason, `${file}:${line}`);
      throw err;
    }
  };
  for (const [index, file] of files.entries()) {
    const trace = await openTrace(file, {
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
      renormalize: options.renormalize ?? false,
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    headers.push({ file, header: trace.header });
    for await (const p of trace.positions()) {
      acc.add({ sequence: `${index}:${String(p.seq)}`, task: p.task }, transform(p.dist, file, p.line), p.draft === undefined ? undefined : transform(p.draft, file, p.line));
      if (acc.positions % 1000 === 0) options.onProgress?.(acc.positions);
    }
  }
  if (acc.positions === 0) throw new InputFileError(files.join(', '), undefined, 'no positions: the trace has a header but no position lines');
  const summaryOptions = { seed: options.seed ?? 1, resamples: options.resamples ?? 1000 };
  const overall = acc.summary(summaryOptions);
  const out: TraceStats = {
    ...overall,
    bounds: boundsFor(overall, budgets),
    traces: headers.map(({ file, header }) => ({ file, model: header.model, vocabSize: header.vocabSize, temperature: header.temperature, promptSet: header.promptSet })),
    entropyHistogram: acc.entropyHistogram(),
  };
  const tasks = acc.taskSummaries(summaryOptions);
  if (Object.keys(tasks).length > 0) {
    out.tasks = Object.fromEntries(Object.entries(tasks).map(([name, s]) => [name, { ...s, bounds: boundsFor(s, budgets) }]));
  }
  return out;
}

/**
 * The bounds of `theory/` at each budget for a summary's estimates, intervals for top-k data
 * (`theoryAtEstimates`: Theorem 1 at the worst case of the intervals, estimates as clamped ranges).
 * Empty when μ = 0 (every position one-hot: nothing to speculate about; the bounds are P itself).
 */
export function boundsFor(s: StatsSummary, budgets: readonly number[]): BoundAtBudget[] {
  return theoryAtEstimates(estimatesOf(s), budgets);
}
