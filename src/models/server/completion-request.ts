/**
 * The body of `POST /v1/completions` the server accepts: the OpenAI completions fields vLLM
 * honours for scoring (`prompt` as text or token ids, `max_tokens`, `temperature`, `seed`, `echo`,
 * `logprobs`) plus vLLM's extensions `prompt_logprobs`, `return_tokens_as_token_ids` and
 * `ignore_eos`. Unknown fields are ignored, as vLLM does.
 */
import { z } from 'zod';

const tokenIds = z.array(z.number().int().nonnegative()).min(1);

export const completionRequestSchema = z.object({
  model: z.string().nullish(),
  prompt: z.union([z.string(), tokenIds, z.array(z.string()).min(1), z.array(tokenIds).min(1)]),
  max_tokens: z.number().int().nonnegative().nullish(),
  temperature: z.number().min(0).max(100).nullish(),
  seed: z.number().int().min(-(2 ** 53)).max(2 ** 53).nullish(),
  echo: z.boolean().nullish(),
  logprobs: z.number().int().nonnegative().nullish(),
  prompt_logprobs: z.number().int().nonnegative().nullish(),
  n: z.literal(1).nullish(),
  stream: z.literal(false).nullish(),
  return_tokens_as_token_ids: z.boolean().nullish(),
  ignore_eos: z.boolean().nullish(),
});

export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** The prompts of a request as a list: each is text or token ids. */
export function promptsOf(prompt: CompletionRequest['prompt']): (string | number[])[] {
  if (typeof prompt === 'string') return [prompt];
  if (prompt.length > 0 && typeof prompt[0] === 'number') return [prompt as number[]];
  return prompt as (string | number[])[];
}

export const detokenizeRequestSchema = z.object({
  model: z.string().nullish(),
  tokens: z.array(z.number().int().nonnegative()),
});
