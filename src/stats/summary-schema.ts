/**
 * The shape of an estimator summary (`StatsAccumulator.summary`): μ, μ₂ (and μ_CE, π₀ with a
 * drafter) with 95% intervals. Part of the results contract (`results/results-schema.ts`), defined
 * here so `stats/` depends on no later stage.
 */
import { z } from 'zod';

/** An estimate with its 95% bootstrap CI; `interval` is the top-k ambiguity ([x, x] for full distributions). */
export const EstimateSchema = z.object({
  estimate: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  interval: z.tuple([z.number(), z.number()]),
});
export type Estimate = z.infer<typeof EstimateSchema>;

/** Table 1 analog for one task (or overall). */
export const StatsSummarySchema = z.object({
  positions: z.number().int().nonnegative(),
  sequences: z.number().int().nonnegative(),
  mu: EstimateSchema,
  mu2: EstimateSchema,
  muCE: EstimateSchema.optional(),
  pi0: EstimateSchema.optional(),
  tailMass: z.number(),
});
export type StatsSummary = z.infer<typeof StatsSummarySchema>;

