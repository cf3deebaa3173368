/**
 * The `adaptive` and `greedy` sections of report.json (issue 16): the adaptive-budget
 * speed-of-light with the gain of adaptivity, the adaptive drafters' threshold sweeps, and, at
 * temperature 0, the drafters' acceptance lengths in the units engines publish.
 */
import { z } from 'zod';

const Interval = z.object({ estimate: z.number(), ci95: z.tuple([z.number(), z.number()]) });
const PolicyPoint = z.object({ throughput: z.number(), meanBudget: z.number(), meanTokens: z.number() });

export const AdaptiveSummarySchema = z.object({
  positions: z.number().int().nonnegative(),
  sequences: z.number().int().nonnegative(),
  /** Best fixed budget: P, E[X*](P), and throughput (tokens per unit of T) with a sequence-bootstrap CI. */
  fixed: z.object({ P: z.number().int().positive(), meanTokens: z.number(), throughput: Interval }),
  /** The adaptive oracle (Dinkelbach on the per-position oracle curves). */
  adaptive: z.object({ meanBudget: z.number(), meanTokens: z.number(), iterations: z.number().int(), throughput: Interval }),
  /** adaptive / fixed throughput. */
  gain: Interval,
  /** Fixed P on the report's budget grid: throughput f̄(P)/T(P). */
  fixedCurve: z.array(PolicyPoint.extend({ P: z.number().int().positive() })),
  /** The adaptive oracle's λ sweep: throughput against mean budget. */
  frontier: z.array(PolicyPoint.extend({ lambda: z.number() })),
  /** Each fixed-budget drafter (q-greedy, chain, eagle) at its best fixed P: E[X](P)/T(P), for comparison. */
  fixedDrafters: z
    .record(
      z.string(),
      z.object({
        P: z.number().int().positive(),
        meanTokens: z.number(),
        throughput: z.number(),
        /** E[X](P)/T(P) on the report's budget grid (the fixed-P curve of this drafter). */
        curve: z.array(PolicyPoint.extend({ P: z.number().int().positive() })).optional(),
      }),
    )
    .optional(),
  /** Each adaptive drafter's threshold sweep and best point (with CI, paired with the oracle's resamples). */
  drafters: z.record(
    z.string(),
    z.object({
      points: z.array(PolicyPoint.extend({ parameter: z.number() })),
      best: PolicyPoint.extend({ parameter: z.number(), throughputCi95: z.tuple([z.number(), z.number()]) }),
      calibratedLambda: z.number().optional(),
    }),
  ),
});
export type AdaptiveSummary = z.infer<typeof AdaptiveSummarySchema>;

export const AdaptiveSectionSchema = z.object({
  /** T(P): spelling, unit and description (`adaptive/latency-curve.ts`). */
  latency: z.object({ label: z.string(), unit: z.enum(['T(1)', 'ms']), description: z.string() }),
  overall: AdaptiveSummarySchema,
  tasks: z.record(z.string(), AdaptiveSummarySchema),
});
export type AdaptiveSection = z.infer<typeof AdaptiveSectionSchema>;

/** One drafter at one budget under greedy verification. */
export const GreedyRowSchema = z.object({
  drafter: z.string(),
  P: z.number().int().positive(),
  /** E[X](P) averaged over the measured positions (the paper's tokens per pass). */
  perPositionMean: z.number(),
  /**
   * Along greedy speculative decoding (the positions a real run visits: t₀ = 0, t₁ = X₀, …), in
   * engine units: mean acceptance length Σ X / steps (vLLM: 1 + accepted / drafts), and the
   * per-position acceptance rate of draft position k = 1..P − 1 (vLLM
   * num_accepted_tokens_per_pos[k − 1] / num_drafts). Present when trees were built at every position.
   */
  decoding: z.object({ steps: z.number().int().nonnegative(), meanAcceptanceLength: z.number(), perPositionAcceptance: z.array(z.number()) }).optional(),
});
export const GreedySectionSchema = z.object({
  /** At temperature 0 the oracle drafts the verifier's own greedy chain: E[X*](P) = P. */
  speedOfLight: z.literal('P'),
  rows: z.array(GreedyRowSchema),
});
export type GreedySection = z.infer<typeof GreedySectionSchema>;
