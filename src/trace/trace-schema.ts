/**
 * The trace file format, version 1 (docs/trace-format.md): JSON Lines, one header line, then one
 * line per position. These zod schemas check the shape; `position-distribution.ts` checks the
 * numbers (ids in the vocabulary, probabilities ≤ 1 and summing to 1).
 */
import { z } from 'zod';

export const TRACE_FORMAT = 'specbound-trace';
export const TRACE_VERSION = 1;

/** Line 1. Unknown fields are kept (newer writers may add some). */
export const TraceHeaderSchema = z.looseObject({
  format: z.literal(TRACE_FORMAT),
  version: z.number().int(),
  /** The verifier that produced the distributions. */
  model: z.string(),
  /** Its tokenizer ("unknown" when not known). */
  tokenizer: z.string(),
  /** V: every token id is in [0, V). */
  vocabSize: z.number().int().positive(),
  /** Sampling temperature of the recorded sequences (distributions are stored at temperature 1 unless `distributionTemperature` says otherwise). */
  temperature: z.number().nonnegative(),
  /** The prompts the sequences came from (a file name, a preset, or "unknown"). */
  promptSet: z.string(),
  /** The drafter whose distributions appear as `draft` (if any). */
  draftModel: z.string().optional(),
  /** Optional token table: `tokens[id]` is the text of token `id` (importers write it when they assign ids). */
  tokens: z.array(z.string()).optional(),
  /** Where the trace came from (e.g. "import openai-chat", "specbound measure"). */
  source: z.string().optional(),
});
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** A logprob value; null stands for −Infinity (probability 0), which JSON cannot write. */
const LogProb = z.number().nullable();

/**
 * Top-k: the listed ids and their ln p; `tail` = 1 − Σ p (optional: computed when absent); `cap` =
 * the largest probability an unlisted token can have (optional: the smallest listed probability;
 * importers set it when the list holds a token outside the top-k, such as the sampled token).
 */
export const TopKDistributionSchema = z.strictObject({
  ids: z.array(z.number().int()),
  logprobs: z.array(z.number()),
  tail: z.number().optional(),
  cap: z.number().optional(),
});
/** Full: ln p for every id 0..V−1. */
export const FullDistributionSchema = z.strictObject({ logprobs: z.array(LogProb) });
/** Full, unnormalised: logits for every id 0..V−1 (softmax applied on reading). */
export const LogitsDistributionSchema = z.strictObject({ logits: z.array(LogProb) });

export const TraceDistributionSchema = z.union([TopKDistributionSchema, FullDistributionSchema, LogitsDistributionSchema]);
export type TraceDistributionJson = z.infer<typeof TraceDistributionSchema>;

/** Lines 2…: one position of one sequence. */
export const TracePositionSchema = z.strictObject({
  /** Sequence id: positions with the same `seq` are one generated sequence (one bootstrap unit). */
  seq: z.union([z.number().int(), z.string()]),
  /** Index of the position in its sequence (0-based). */
  pos: z.number().int().nonnegative(),
  /** The token actually sampled/present at this position (absent when the source did not say). */
  token: z.number().int().optional(),
  /** Task label (e.g. "math", "qa"). */
  task: z.string().optional(),
  /** The verifier's next-token distribution. */
  dist: TraceDistributionSchema,
  /** The drafter's next-token distribution at the same prefix. */
  draft: TraceDistributionSchema.optional(),
});
export type TracePositionJson = z.infer<typeof TracePositionSchema>;
