/**
 * The records a measurement appends to `units.jsonl`, one JSON line each: the contract between
 * `measure/` (which writes them) and `results/` (which computes every number from them). Each
 * record carries `version`; a line that does not match its schema (a damaged file, or a run
 * directory of an older specbound) is refused with its file:line.
 */
import { z } from 'zod';
import { PositionStatisticsSchema } from '../stats/position-statistics.js';

/**
 * Version of the record format (1: per-position values as seven parallel arrays and the
 * distributions in the log; 2: `positionStatistics` per position, distributions in the trace).
 */
export const RECORD_VERSION = 2;

const int = z.number().int();
const nonNegativeInt = int.nonnegative();

/** Trees measured at one position t. Arrays hold values for P = 1, 2, …, (tree size). */
export const TreePositionRecordSchema = z.object({
  t: nonNegativeInt,
  /** E[X*](P) of the real oracle: cumulative sums of the first P node probabilities. */
  oracle: z.array(z.number()),
  /** Oracle-tree node indices along the sampled continuation x_t, x_t+1, … (root excluded). */
  oraclePath: z.array(nonNegativeInt),
  /**
   * Smallest budget P for which the continuation ran out (end of generation) while the walk could
   * still go deeper in the P-node oracle tree, so X is only known to be ≥ the observed length;
   * null when the walk left the tree before the continuation ended.
   */
  censoredFrom: int.positive().nullable(),
  /**
   * depthByP[P − 1] = depth of the P-node oracle tree (its first P nodes in tree order), known
   * before the continuation is sampled. The ancestral estimate at P keeps exactly the positions
   * whose continuation is at least that long, a choice that does not look at the outcome (issue
   * 13: dropping the censored walks did, and biased the estimate low). Absent in older records.
   */
  depthByP: z.array(nonNegativeInt).optional(),
  /** Each drafting strategy's exact E[X](P) under the verifier, P = 1..size (nested trees). */
  drafters: z.record(z.string(), z.array(z.number())),
  /**
   * What the drafter itself knows along its trees, for the adaptive drafters (`adaptive/`):
   * `qGreedyQ[i]` = Q(v) of the q-greedy tree's node i (tree order, 1 at the root), and
   * `chainEntropy[i]` = H(q) in nats at node i of the greedy chain (i = 0 the root). Absent in
   * records written before issue 16 (the adaptive drafters are then not scored).
   */
  drafterOwn: z.object({ qGreedyQ: z.array(z.number()), chainEntropy: z.array(z.number().nonnegative()) }).optional(),
});
export type TreePositionRecord = z.infer<typeof TreePositionRecordSchema>;

/** One sampled continuation of one prompt (unit = prompt · samples + sample). */
export const UnitRecordSchema = z.object({
  kind: z.literal('unit'),
  version: z.literal(RECORD_VERSION),
  unit: nonNegativeInt,
  prompt: nonNegativeInt,
  sample: nonNegativeInt,
  task: z.string(),
  promptTokens: nonNegativeInt,
  tokens: z.array(nonNegativeInt),
  stoppedAtEos: z.boolean(),
  /** `positionStatistics(p, q)` of `stats/` at each position: the only per-position estimates. */
  positions: z.array(PositionStatisticsSchema),
  /** Σ over positions of p(drafter's rank-k token), k < ACCEPTANCE_RANKS. */
  acceptanceSum: z.array(z.number()).optional(),
  trees: z.array(TreePositionRecordSchema),
  /** Length in bytes of the run's trace after this unit's positions (its p and q: `run-trace.ts`). */
  traceEnd: int.positive(),
});
export type UnitRecord = z.infer<typeof UnitRecordSchema>;

/** Per-budget values of the static strategies at the tree positions of one unit (the second pass). */
export const StaticUnitRecordSchema = z.object({
  kind: z.literal('static'),
  version: z.literal(RECORD_VERSION),
  unit: nonNegativeInt,
  /** strategy name → P (as a string key) → E[X] at each tree position, in position order. */
  values: z.record(z.string(), z.record(z.string(), z.array(z.number()))),
});
export type StaticUnitRecord = z.infer<typeof StaticUnitRecordSchema>;

export const MeasureRecordSchema = z.discriminatedUnion('kind', [UnitRecordSchema, StaticUnitRecordSchema]);
export type MeasureRecord = z.infer<typeof MeasureRecordSchema>;

/** Parses one line's value, or a one-line reason it is not a record of this version. */
export function parseMeasureRecord(value: unknown): { record: MeasureRecord } | { error: string } {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value === 'object' && value !== null && version !== RECORD_VERSION) {
    return { error: `a record of format version ${JSON.stringify(version ?? 1)}, this specbound reads version ${RECORD_VERSION}; measure into a new directory` };
  }
  const r = MeasureRecordSchema.safeParse(value);
  if (r.success) return { record: r.data };
  const issue = r.error.issues[0]!;
  return { error: `not a valid measurement record (${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}); the run directory is damaged (delete the line or the directory)` };
}
