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

/** Parses `raw` with `schema`; the error names the first problem's path. */
export function describeZodProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid answer';
  const path = issue.path.length === 0 ? 'answer' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

/**
 * A hand check of the common completion answer (no prompt_logprobs) that accepts only what
 * `completionResponseSchema` accepts, at a fraction of zod's cost per request. It may reject
 * valid answers (then zod decides); zod stays the authority and writes every error message.
 */
export function isPlainCompletionResponse(raw: unknown): raw is CompletionResponse {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as { model?: unknown; choices?: unknown };
  if (typeof r.model !== 'string' || !Array.isArray(r.choices) || r.choices.length === 0) return false;
  for (const c of r.choices as unknown[]) {
    if (typeof c !== 'object' || c === null) return false;
    const choice = c as { index?: unknown; text?: unknown; logprobs?: unknown; prompt_logprobs?: unknown };
    if (typeof choice.index !== 'number' || !Number.isSafeInteger(choice.index) || choice.index < 0) return false;
    if (choice.text !== undefined && choice.text !== null && typeof choice.text !== 'string') return false;
    if (choice.prompt_logprobs !== undefined && choice.prompt_logprobs !== null) return false;
    if (choice.logprobs === undefined || choice.logprobs === null) continue;
    if (typeof choice.logprobs !== 'object') return false;
    const lp = choice.logprobs as { tokens?: unknown; token_logprobs?: unknown; top_logprobs?: unknown };
    if (!Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs)) return false;
    for (const t of lp.tokens as unknown[]) if (typeof t !== 'string') return false;
    for (const v of lp.token_logprobs as unknown[]) if (v !== null && !isLogProb(v)) return false;
    if (lp.top_logprobs === undefined || lp.top_logprobs === null) continue;
    if (!Array.isArray(lp.top_logprobs)) return false;
    for (const map of lp.top_logprobs as unknown[]) {
      if (map === null) continue;
      if (typeof map !== 'object' || Array.isArray(map) || Object.getPrototypeOf(map) !== Object.prototype) return false;
      for (const key in map) if (!isLogProb((map as Record<string, unknown>)[key])) return false;
    }
  }
  return true;
}

function isLogProb(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v <= 1e-6;
}
