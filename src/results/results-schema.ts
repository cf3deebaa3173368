/**
 * The contract of the results of a measurement: `results.json` and `report.json` of a run
 * directory (the same object), computed by `results/build-results.ts`, rendered by `report/`,
 * and read by `plan --run` and the web page. Fields named in the issues (docs/history.md) are required; new fields
 * are added as optional so older readers keep working.
 */
import { z } from 'zod';
import { AdaptiveSectionSchema, GreedySectionSchema } from './adaptive-schema.js';
import { StatsSummarySchema } from '../stats/summary-schema.js';

export { EstimateSchema, StatsSummarySchema, type Estimate, type StatsSummary } from '../stats/summary-schema.js';

export const REPORT_VERSION = 1;

/** One point of an E[X](P) curve: the mean tokens per verifier pass at budget P, with its standard error. */
export const CurvePointSchema = z.object({
  P: z.number().int().positive(),
  mean: z.number(),
  se: z.number().optional(),
  /** An estimate the data fix only up to an interval (top-k): `mean` is the low end, `high` the high end. */
  high: z.number().optional(),
});
export type CurvePoint = z.infer<typeof CurvePointSchema>;
export const CurveSchema = z.array(CurvePointSchema);
export type Curve = z.infer<typeof CurveSchema>;

export const CurvesSchema = z.object({
  /** Real oracle E[X*](P): Lemma 1 tree on the verifier's true conditionals, exact Σ P(v). */
  oracle: CurveSchema,
  /** The same oracle trees, estimated along the verifier's ancestral sample. */
  oracleAncestral: CurveSchema.optional(),
  /** i.i.d. branching-random-walk optimum from the recorded distributions. */
  iid: CurveSchema,
  /** Theorem 1 reported value min(P, bound) (`se` absent). */
  theorem1: CurveSchema,
  /** Corollary 1 estimate ln P / μ. */
  limit: CurveSchema,
  /** Lemma 7 estimate min(1/π₀, ln P / μ_CE), present with a drafter. */
  lemma7: CurveSchema.optional(),
  /** Each drafting strategy's E[X](P): "chain", "q-greedy", "eagle", "sequoia", … */
  drafters: z.record(z.string(), CurveSchema),
});
export type Curves = z.infer<typeof CurvesSchema>;

export const TaskReportSchema = z.object({
  stats: StatsSummarySchema,
  curves: CurvesSchema.partial().optional(),
});

export const ReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  generator: z.string(),
  config: z.object({
    target: z.string(),
    draft: z.string().optional(),
    prompts: z.string(),
    samples: z.number().int().positive(),
    maxNewTokens: z.number().int().positive(),
    temperature: z.number().nonnegative(),
    PMax: z.number().int().positive(),
    seed: z.number().int(),
    /** At most this many prompts of each task were used (measure --prompts-per-task). */
    promptsPerTask: z.number().int().positive().optional(),
    /** Trees were built at every treeEvery-th generated position. */
    treeEvery: z.number().int().positive().optional(),
    /** Trees of the i.i.d. simulation. */
    iidTrees: z.number().int().positive().optional(),
  }),
  /**
   * The drafter's measured positional acceptance a_k = mean p(drafter's rank-k token), k = 0, 1, …
   * (what Sequoia/Medusa static trees are built from); present with a drafter.
   */
  drafterAcceptance: z.array(z.number()).optional(),
  stats: z.object({ overall: StatsSummarySchema, tasks: z.record(z.string(), StatsSummarySchema) }),
  curves: CurvesSchema,
  tasks: z.record(z.string(), TaskReportSchema).optional(),
  entropyHistogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number()) }).optional(),
  /** The adaptive-budget speed-of-light and the adaptive drafters (`results/adaptive.ts`). */
  adaptive: AdaptiveSectionSchema.optional(),
  /** Temperature 0: drafters' acceptance lengths in engine units (`results/greedy.ts`). */
  greedy: GreedySectionSchema.optional(),
  temperatureSweep: z
    .array(z.object({
        temperature: z.number(),
        mu: z.number(),
        mu2: z.number(),
        theorem1: z.number(),
        limit: z.number(),
        P: z.number(),
        /** i.i.d. optimum E[X*](P) simulated from the distributions at this temperature (optional). */
        iid: z.number().optional(),
      }))
    .optional(),
  /**
   * sha256 of what these results were computed from (the results version, the run's config.json,
   * unit log and trace; `results/run-results.ts`): a run directory whose results.json carries the digest
   * of its current files is finished, and `report RUN_DIR` only renders it.
   */
  digest: z.string().optional(),
});
export type Report = z.infer<typeof ReportSchema>;
