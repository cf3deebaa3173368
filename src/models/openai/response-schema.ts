/**
 * zod schemas of what an OpenAI-compatible server answers (the parts the client reads), in
 * vLLM's shapes: `top_logprobs` maps token → logprob; `prompt_logprobs` maps token id →
 * {logprob, rank, decoded_token}, with `null` for the first prompt position.
 */
import { z } from 'zod';

const logProb = z.number().max(1e-6, 'a log-probability above 0');

export const promptLogprobEntrySchema = z.record(
  z.string(),
  z.object({ logprob: logProb, rank: z.number().int().positive().nullish(), decoded_token: z.string().nullish() }),
);

export const completionResponseSchema = z.object({
  model: z.string(),
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        text: z.string().nullish(),
        logprobs: z
          .object({
            tokens: z.array(z.string()),
            token_logprobs: z.array(logProb.nullable()),
            top_logprobs: z.array(z.record(z.string(), logProb).nullable()).nullish(),
          })
          .nullish(),
        prompt_logprobs: z.array(promptLogprobEntrySchema.nullable()).nullish(),
      }),
    )
    .min(1),
});

export type CompletionResponse = z.infer<typeof completionResponseSchema>;
export type PromptLogprobEntry = z.infer<typeof promptLogprobEntrySchema>;

export const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string(), max_model_len: z.number().int().positive().nullish() })),
});

/** specbound's own extension (`GET /v1/specbound/vocabulary`), absent from vLLM. */
export const vocabularySchema = z.object({
  model: z.string(),
  vocab_size: z.number().int().positive(),
  bos_token_id: z.number().int().nonnegative().nullable(),
  eos_token_id: z.number().int().nonnegative().nullable(),
  tokens: z.array(z.string()),
  pieces: z.array(z.string()),
});

export type Vocabulary = z.infer<typeof vocabularySchema>;

export const tokenizeResponseSchema = z.object({ tokens: z.array(z.number().int().nonnegative()) });

/** Parses `raw` with `schema`; the error names the first problem's path. */
export function describeZodProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid answer';
  const path = issue.path.length === 0 ? 'answer' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}
