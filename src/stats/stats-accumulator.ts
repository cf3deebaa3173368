/**
 * The streaming estimator of Table 1: μ = E[H(p)], μ₂ = E[Σ p (ln p)²] (the verifier alone) and,
 * with a drafter q at the same prefixes, μ_CE = E[−Σ_{q>0} p ln q / Σ_{q>0} p] and
 * π₀ = E[Σ p·1(q = 0)] (docs/conventions.md). Feed it one position at a time; it keeps running sums per
 * sequence (memory grows with the number of sequences, not positions) and a fixed-bin entropy
 * histogram.
 *
 * Estimates are position-weighted means (Σ over positions / number of positions). Their 95%
 * confidence intervals come from a bootstrap that resamples whole SEQUENCES: positions inside one
 * generated sequence are not independent (they share a prompt and a context), so treating them as
 * independent would give intervals that are too narrow.
 *
 * Top-k input: μ and μ₂ are intervals [tail concentrated, tail spread] (see distribution/tail-shapes.ts),
 * μ_CE and π₀ intervals over every tail completion (distribution/cross-entropy.ts
 * `crossEntropyIntervals`; μ_CE's high end may be Infinity when the drafter is top-k). The summary's
 * `interval` gives both ends; `estimate` is the low end for μ and μ₂ and the listed-tokens value
 * (clamped into the interval) for μ_CE and π₀; `ci95` carries BOTH the unknown tail and the sampling
 * error: the low end's lower 95% bootstrap limit to the high end's upper one. Complete
 * distributions give interval = [estimate, estimate], the usual bootstrap CI, and tail mass 0.
 *
 * @example
 * const acc = new StatsAccumulator();
 * for (const p of positions) acc.add({ sequence: p.seq, task: p.task }, p.dist, p.draft);
 * acc.summary({ seed: 1 }); // → { positions, sequences, mu: { estimate, ci95, interval }, mu2, tailMass }
 */
import { createRng } from '../core/rng.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import type { StatsSummary } from './summary-schema.js';
import { bootstrapRatioIntervals } from './bootstrap.js';
import { positionStatistics } from './position-statistics.js';
import type { Histogram } from './entropy-histogram.js';
import { EntropyHistogram } from './entropy-histogram.js';

/** Which sequence (and optionally which task) a position belongs to. */
export interface PositionKey {
  /** Sequence id: positions with the same id (and task) form one bootstrap unit. */
  readonly sequence: string | number;
  /** Task label (e.g. "math"); summaries are available per task. */
  readonly task?: string | undefined;
}

/** Precomputed per-position terms, for callers that compute them themselves (e.g. from logits). */
export interface PositionTerms {
  /** H(p) in nats (the low end for top-k input). */
  readonly entropy: number;
  /** High end of H(p) for top-k input (default: `entropy`). */
  readonly entropyHigh?: number;
  /** Σ p (ln p)² (the low end for top-k input). */
  readonly secondLogMoment: number;
  readonly secondLogMomentHigh?: number;
  /** Mass not listed (top-k input); default 0. */
  readonly tailMass?: number;
  /** With a drafter: −Σ_{q>0} p ln q / Σ_{q>0} p (null or NaN when undefined: skipped for μ_CE). */
  readonly crossEntropy?: number | null | undefined;
  /** Low and high ends of the cross-entropy for top-k input (default: `crossEntropy`; high null = unbounded). */
  readonly crossEntropyLow?: number | undefined;
  readonly crossEntropyHigh?: number | null | undefined;
  /** With a drafter: Σ p·1(q = 0). */
  readonly missingMass?: number | undefined;
  readonly missingMassLow?: number | undefined;
  readonly missingMassHigh?: number | undefined;
}

export interface SummaryOptions {
  /** Seed of the bootstrap (default 1); the same seed gives the same intervals. */
  readonly seed?: number;
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
}

/** Running sums of one sequence. */
interface SequenceSums {
  readonly task: string | undefined;
  positions: number;
  entropyLow: number;
  entropyHigh: number;
  momentLow: number;
  momentHigh: number;
  tailMass: number;
  crossEntropy: number;
  crossEntropyLow: number;
  crossEntropyHigh: number;
  crossEntropyPositions: number;
  missingMass: number;
  missingMassLow: number;
  missingMassHigh: number;
  draftPositions: number;
}

/** The JSON form of an accumulator (`snapshot()` / `StatsAccumulator.restore`), for checkpoints. */
export interface AccumulatorSnapshot {
  readonly version: 1;
  readonly histogramBinWidth: number;
  readonly sequences: readonly (SequenceSums & { key: string })[];
  readonly histogram: Histogram;
}

export class StatsAccumulator {
  private readonly sequences = new Map<string, SequenceSums>();
  private readonly histogram: EntropyHistogram;
  private readonly taskHistograms = new Map<string, EntropyHistogram>();
  private readonly histogramBinWidth: number;
  private total = 0;

  /** `histogramBinWidth`: width in nats of the entropy histogram's bins (default 0.05). */
  constructor(options: { histogramBinWidth?: number } = {}) {
    this.histogramBinWidth = options.histogramBinWidth ?? 0.05;
    this.histogram = new EntropyHistogram(this.histogramBinWidth);
  }

  /** Number of positions added so far. */
  get positions(): number {
    return this.total;
  }

  /** Task labels seen, sorted. */
  get tasks(): string[] {
    const out = new Set<string>();
    for (const s of this.sequences.values()) if (s.task !== undefined) out.add(s.task);
    return [...out].sort();
  }

  /** Adds one position: the verifier's distribution `p` and, optionally, the drafter's `q` (`positionStatistics`). */
  add(key: PositionKey, p: TokenDistribution, q?: TokenDistribution): void {
    this.addTerms(key, positionStatistics(p, q));
  }

  /** Adds one position from precomputed terms (what `positionStatistics` returned, e.g. stored in a unit record). */
  addTerms(key: PositionKey, t: PositionTerms): void {
    const s = this.sequenceOf(key);
    s.positions++;
    s.entropyLow += t.entropy;
    s.entropyHigh += t.entropyHigh ?? t.entropy;
    s.momentLow += t.secondLogMoment;
    s.momentHigh += t.secondLogMomentHigh ?? t.secondLogMoment;
    s.tailMass += t.tailMass ?? 0;
    if (t.missingMass !== undefined) {
      s.draftPositions++;
      s.missingMass += t.missingMass;
      s.missingMassLow += t.missingMassLow ?? t.missingMass;
      s.missingMassHigh += t.missingMassHigh ?? t.missingMass;
      if (t.crossEntropy !== undefined && t.crossEntropy !== null && !Number.isNaN(t.crossEntropy)) {
        s.crossEntropy += t.crossEntropy;
        s.crossEntropyLow += t.crossEntropyLow ?? t.crossEntropy;
        // null: unbounded (a top-k drafter may put a tiny q on a token p gives mass to).
        s.crossEntropyHigh += t.crossEntropyHigh === null ? Number.POSITIVE_INFINITY : (t.crossEntropyHigh ?? t.crossEntropy);
        s.crossEntropyPositions++;
      }
    }
    this.total++;
    this.histogram.add(t.entropy);
    if (key.task !== undefined) {
      let h = this.taskHistograms.get(key.task);
      if (h === undefined) this.taskHistograms.set(key.task, (h = new EntropyHistogram(this.histogramBinWidth)));
      h.add(t.entropy);
    }
  }

  /**
   * μ, μ₂ (and μ_CE, π₀ when drafter terms were added) over all positions, or over one task's,
   * with sequence-bootstrap 95% intervals. Throws RangeError when there are no positions.
   */
  summary(options: SummaryOptions & { task?: string } = {}): StatsSummary {
    const rows = [...this.sequences.values()].filter((s) => options.task === undefined || s.task === options.task);
    return summarize(rows, options, options.task);
  }

  /** One summary per task label (empty when no position had a task). */
  taskSummaries(options: SummaryOptions = {}): Record<string, StatsSummary> {
    const out: Record<string, StatsSummary> = {};
    for (const task of this.tasks) out[task] = this.summary({ ...options, task });
    return out;
  }

  /** Histogram of per-position entropy (the low end for top-k input), overall or for one task. */
  entropyHistogram(task?: string): Histogram {
    if (task === undefined) return this.histogram.toJSON();
    return (this.taskHistograms.get(task) ?? new EntropyHistogram(this.histogramBinWidth)).toJSON();
  }

  /** Adds every position of `other` (e.g. from another worker). Sequences with the same key merge. */
  merge(other: StatsAccumulator): void {
    for (const [key, s] of other.sequences) {
      const mine = this.sequences.get(key);
      if (mine === undefined) this.sequences.set(key, { ...s });
      else addSums(mine, s);
    }
    this.total += other.total;
    this.histogram.merge(other.histogram);
    for (const [task, h] of other.taskHistograms) {
      const mine = this.taskHistograms.get(task);
      if (mine === undefined) this.taskHistograms.set(task, EntropyHistogram.fromJSON(h.toJSON(), h.binWidth));
      else mine.merge(h);
    }
  }

  /** A JSON-serialisable copy of the state, for checkpoints (per-task histograms are rebuilt as empty). */
  snapshot(): AccumulatorSnapshot {
    return {
      version: 1,
      histogramBinWidth: this.histogramBinWidth,
      sequences: [...this.sequences].map(([key, s]) => ({ key, ...s })),
      histogram: this.histogram.toJSON(),
    };
  }

  /** The accumulator a `snapshot()` was taken from (per-task histograms start empty). */
  static restore(snapshot: AccumulatorSnapshot): StatsAccumulator {
    const acc = new StatsAccumulator({ histogramBinWidth: snapshot.histogramBinWidth });
    for (const { key, ...s } of snapshot.sequences) {
      acc.sequences.set(key, { ...s });
      acc.total += s.positions;
    }
    acc.histogram.merge(EntropyHistogram.fromJSON(snapshot.histogram, snapshot.histogramBinWidth));
    return acc;
  }

  private sequenceOf(key: PositionKey): SequenceSums {
    const id = `${key.task ?? ''}\u0000${String(key.sequence)}`;
    let s = this.sequences.get(id);
    if (s === undefined) {
      s = {
        task: key.task,
        positions: 0,
        entropyLow: 0,
        entropyHigh: 0,
        momentLow: 0,
        momentHigh: 0,
        tailMass: 0,
        crossEntropy: 0,
        crossEntropyLow: 0,
        crossEntropyHigh: 0,
        crossEntropyPositions: 0,
        missingMass: 0,
        missingMassLow: 0,
        missingMassHigh: 0,
        draftPositions: 0,
      };
      this.sequences.set(id, s);
    }
    return s;
  }
}

function addSums(a: SequenceSums, b: SequenceSums): void {
  a.positions += b.positions;
  a.entropyLow += b.entropyLow;
  a.entropyHigh += b.entropyHigh;
  a.momentLow += b.momentLow;
  a.momentHigh += b.momentHigh;
  a.tailMass += b.tailMass;
  a.crossEntropy += b.crossEntropy;
  a.crossEntropyLow += b.crossEntropyLow;
  a.crossEntropyHigh += b.crossEntropyHigh;
  a.crossEntropyPositions += b.crossEntropyPositions;
  a.missingMass += b.missingMass;
  a.missingMassLow += b.missingMassLow;
  a.missingMassHigh += b.missingMassHigh;
  a.draftPositions += b.draftPositions;
}

function summarize(rows: readonly SequenceSums[], options: SummaryOptions, task: string | undefined): StatsSummary {
  const positions = rows.reduce((n, s) => n + s.positions, 0);
  if (positions === 0) throw new RangeError(`StatsAccumulator.summary: no positions${task === undefined ? '' : ` for task ${task}`}`);
  const column = (f: (s: SequenceSums) => number): Float64Array => Float64Array.from(rows, f);
  const count = column((s) => s.positions);
  const withDraft = rows.some((s) => s.draftPositions > 0);
  const ce = column((s) => s.crossEntropyPositions);
  const drafts = column((s) => s.draftPositions);
  // [low end, high end] of each quantity; the bootstrap resamples sequences once for all columns.
  const ends: [(s: SequenceSums) => number, (s: SequenceSums) => number, Float64Array][] = [
    [(s) => s.entropyLow, (s) => s.entropyHigh, count],
    [(s) => s.momentLow, (s) => s.momentHigh, count],
  ];
  if (withDraft) ends.push([(s) => s.crossEntropyLow, (s) => s.crossEntropyHigh, ce], [(s) => s.missingMassLow, (s) => s.missingMassHigh, drafts]);
  const columns = ends.flatMap(([lo, hi, den]) => [
    { numerators: column(lo), denominators: den },
    { numerators: column(hi), denominators: den },
  ]);
  const rng = createRng(options.seed ?? 1, task === undefined ? 0 : hashString(task));
  const ci = bootstrapRatioIntervals(columns, rng, options.resamples ?? 1000);
  const mean = (f: (s: SequenceSums) => number, d: (s: SequenceSums) => number = (s) => s.positions): number => {
    const den = rows.reduce((n, s) => n + d(s), 0);
    return den > 0 ? rows.reduce((n, s) => n + f(s), 0) / den : Number.NaN;
  };
  /** Point or interval estimate; the CI runs from the low end's lower limit to the high end's upper one. */
  const estimate = (i: number, value: number, low: number, high: number) => ({
    estimate: value,
    ci95: [ci[2 * i]![0], ci[2 * i + 1]![1]] as [number, number],
    interval: [low, high] as [number, number],
  });
  const mu = mean((s) => s.entropyLow);
  const mu2 = mean((s) => s.momentLow);
  const out: StatsSummary = {
    positions,
    sequences: rows.length,
    mu: estimate(0, mu, mu, mean((s) => s.entropyHigh)),
    mu2: estimate(1, mu2, mu2, mean((s) => s.momentHigh)),
    tailMass: mean((s) => s.tailMass),
  };
  if (withDraft) {
    const byCE = (s: SequenceSums) => s.crossEntropyPositions;
    const byDraft = (s: SequenceSums) => s.draftPositions;
    out.muCE = estimate(2, mean((s) => s.crossEntropy, byCE), mean((s) => s.crossEntropyLow, byCE), mean((s) => s.crossEntropyHigh, byCE));
    out.pi0 = estimate(3, mean((s) => s.missingMass, byDraft), mean((s) => s.missingMassLow, byDraft), mean((s) => s.missingMassHigh, byDraft));
  }
  return out;
}

/** A 32-bit FNV-1a hash of a task label, so each task's bootstrap has its own stream. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
