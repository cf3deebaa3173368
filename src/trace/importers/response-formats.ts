/**
 * What servers return, reduced to sequences of positions with their top-k logprobs. One function
 * per source; each takes one parsed JSON response and returns its sequences (one per choice).
 *
 * Every format can list one token that is NOT among the top k, and its probability must not be
 * taken as the cap on the unlisted tokens (that cap would then be too low, and the concentrated
 * "low" end of μ would no longer be a lower bound). Such an entry is marked `extra`:
 *
 * - `openai-completions`: `/v1/completions` with `logprobs: k`:
 *   `choices[].logprobs = { tokens: string[], token_logprobs, top_logprobs: ({token: logprob} | null)[] }`.
 *   OpenAI API reference (openai/openai-openapi openapi.yaml, CreateCompletionRequest.logprobs, the
 *   revision 893ba52242dbd5387a97b96444ee1c742cfce9bd that vLLM cites): "The API will always return
 *   the logprob of the sampled token, so there may be up to logprobs+1 elements in the response."
 *   vLLM does the same: vllm/entrypoints/openai/completion/serving.py `_create_completion_logprobs`
 *   (commit cc139d8e) keeps dict entries `i <= num_output_top_logprobs`, i.e. k + 1 of them, and
 *   vllm/v1/engine/logprobs.py `_make_logprob_dict` (commit dfafe710) puts the sampled token FIRST,
 *   then the top k. So `tokens[t]` is the extra entry.
 * - `openai-chat`: `/v1/chat/completions` with `logprobs: true, top_logprobs: k`:
 *   `choices[].logprobs.content = [{ token, logprob, bytes, top_logprobs: [{ token, logprob, bytes }] }]`.
 *   OpenAI lists the k most likely tokens; vLLM's `_get_top_logprobs`
 *   (vllm/entrypoints/openai/chat_completion/serving.py, commit 5e918640) keeps the FIRST k entries
 *   of that same sampled-token-first dict, so when the sampled token is outside the top k the list
 *   is [sampled, top 1 … top k−1]. The entry's own `token` is the extra entry.
 * - `vllm-prompt-logprobs`: vLLM's `prompt_logprobs: k` extension: `choices[].prompt_logprobs`
 *   (completions) or top-level `prompt_logprobs` (chat) = `(null | { "<id>": { logprob, rank, decoded_token } })[]`,
 *   the first entry null; the prompt's ids from `prompt_token_ids` when present. Each dict holds
 *   the top-k plus the actual prompt token (`_make_logprob_dict` again, the prompt token first with
 *   its rank in the whole vocabulary, rank = #tokens with logprob ≥ its own). An entry whose rank
 *   exceeds the number of entries is the extra entry; rank = number of entries means the list is
 *   the top k + 1 and needs no correction.
 *
 * Wrappers are unwrapped: an OpenAI Batch output line `{custom_id, response: {body}}` and
 * `{response: …}`; a top-level string `task` labels the line's sequences.
 */
import { z } from 'zod';

export const IMPORT_FORMATS = ['openai-completions', 'openai-chat', 'vllm-prompt-logprobs'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A token named by its text (ids to be found) or by its id. */
export type TokenRef = { readonly text: string } | { readonly id: number };

export interface ImportedPosition {
  readonly pos: number;
  readonly token?: TokenRef;
  readonly top: readonly { readonly token: TokenRef; readonly logprob: number }[];
  /**
   * An entry of `top` that need not be one of the top-k (the sampled or prompt token the server
   * adds). Unlisted tokens are then capped by the smallest probability among the OTHER entries,
   * not by this one's (which may be far below the k-th).
   */
  readonly extra?: TokenRef;
  /** JSON path of the position in the response, for messages. */
  readonly where: string;
}

export interface ImportedSequence {
  readonly choice: number;
  readonly positions: readonly ImportedPosition[];
}

export interface ImportedResponse {
  readonly model?: string;
  readonly task?: string;
  readonly sequences: readonly ImportedSequence[];
}

/** A response lacking what the format needs; `message` says what was expected. */
export class ResponseShapeError extends Error {}

const Completions = z.looseObject({
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number().int().optional(),
      logprobs: z
        .looseObject({
          tokens: z.array(z.string()),
          top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable(),
        })
        .nullable(),
    }),
  ),
});

const TopLogprob = z.looseObject({ token: z.string(), logprob: z.number() });
const Chat = z.looseObject({
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number().int().optional(),
      logprobs: z
        .looseObject({
          content: z.array(z.looseObject({ token: z.string(), logprob: z.number(), top_logprobs: z.array(TopLogprob) })).nullable(),
        })
        .nullable()
        .optional(),
    }),
  ),
});

const PromptLogprobs = z.array(z.record(z.string(), z.looseObject({ logprob: z.number(), rank: z.number().nullable().optional() })).nullable());
const VllmPrompt = z.looseObject({
  model: z.string().optional(),
  prompt_logprobs: PromptLogprobs.nullable().optional(),
  prompt_token_ids: z.array(z.number().int()).nullable().optional(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().optional(),
        prompt_logprobs: PromptLogprobs.nullable().optional(),
        prompt_token_ids: z.array(z.number().int()).nullable().optional(),
      }),
    )
    .optional(),
});

/** Extracts the sequences of one response in `format`. Throws ResponseShapeError on a wrong shape. */
export function extractResponse(format: ImportFormat, input: unknown): ImportedResponse {
  let task: string | undefined;
  let response = input;
  if (typeof response === 'object' && response !== null && !('choices' in response) && 'response' in response) {
    const wrapper = response as { task?: unknown; response: unknown };
    if (typeof wrapper.task === 'string') task = wrapper.task;
    response = wrapper.response;
    if (typeof response === 'object' && response !== null && 'body' in response && !('choices' in response)) response = (response).body;
  } else if (typeof response === 'object' && response !== null && typeof (response as { task?: unknown }).task === 'string') {
    task = (response as { task: string }).task;
  }
  const out = format === 'openai-completions' ? completions(response) : format === 'openai-chat' ? chat(response) : vllmPrompt(response);
  return task === undefined ? out : { ...out, task };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new ResponseShapeError(`${path === '' ? 'response' : path}: ${issue?.message ?? 'invalid'} (${hint})`);
}

function completions(value: unknown): ImportedResponse {
  const r = parse(Completions, value, 'expected a /v1/completions response made with "logprobs": k');
  const sequences = r.choices.map((c, ci): ImportedSequence => {
    const lp = c.logprobs;
    if (lp === null || lp.top_logprobs === null) throw new ResponseShapeError(`choices.${ci}.logprobs.top_logprobs is missing (make the request with "logprobs": k)`);
    const positions: ImportedPosition[] = [];
    lp.top_logprobs.forEach((top, t) => {
      if (top === null) return; // echoed first prompt token
      const tokenText = lp.tokens[t];
      positions.push({
        pos: t,
        ...(tokenText === undefined ? {} : { token: { text: tokenText }, extra: { text: tokenText } }),
        top: Object.entries(top).map(([text, logprob]) => ({ token: { text }, logprob })),
        where: `choices.${ci}.logprobs.top_logprobs.${t}`,
      });
    });
    return { choice: c.index ?? ci, positions };
  });
  return { ...(r.model === undefined ? {} : { model: r.model }), sequences };
}

function chat(value: unknown): ImportedResponse {
  const r = parse(Chat, value, 'expected a /v1/chat/completions response made with "logprobs": true, "top_logprobs": k');
  const sequences = r.choices.map((c, ci): ImportedSequence => {
    const content = c.logprobs?.content;
    if (content === undefined || content === null) throw new ResponseShapeError(`choices.${ci}.logprobs.content is missing (make the request with "logprobs": true, "top_logprobs": k)`);
    const positions = content.map(
      (entry, t): ImportedPosition => ({
        pos: t,
        token: { text: entry.token },
        extra: { text: entry.token },
        top: entry.top_logprobs.map((e) => ({ token: { text: e.token }, logprob: e.logprob })),
        where: `choices.${ci}.logprobs.content.${t}.top_logprobs`,
      }),
    );
    return { choice: c.index ?? ci, positions };
  });
  return { ...(r.model === undefined ? {} : { model: r.model }), sequences };
}

function vllmPrompt(value: unknown): ImportedResponse {
  const r = parse(VllmPrompt, value, 'expected a vLLM response made with "prompt_logprobs": k');
  const lists: { list: z.infer<typeof PromptLogprobs>; ids: number[] | null | undefined; choice: number; path: string }[] = [];
  r.choices?.forEach((c, ci) => {
    if (c.prompt_logprobs !== undefined && c.prompt_logprobs !== null) {
      lists.push({ list: c.prompt_logprobs, ids: c.prompt_token_ids ?? r.prompt_token_ids, choice: c.index ?? ci, path: `choices.${ci}.prompt_logprobs` });
    }
  });
  if (lists.length === 0 && r.prompt_logprobs !== undefined && r.prompt_logprobs !== null) {
    lists.push({ list: r.prompt_logprobs, ids: r.prompt_token_ids, choice: 0, path: 'prompt_logprobs' });
  }
  if (lists.length === 0) throw new ResponseShapeError('no prompt_logprobs in the response or its choices (make the request with "prompt_logprobs": k)');
  // Chat responses repeat one prompt for every choice: keep the prompt once.
  const sequences = lists.map(({ list, ids, choice, path }): ImportedSequence => {
    const positions: ImportedPosition[] = [];
    list.forEach((entries, t) => {
      if (entries === null) return;
      const all = Object.entries(entries);
      let extra: TokenRef | undefined;
      const top = all.map(([id, e]) => {
        if (!/^\d+$/.test(id)) throw new ResponseShapeError(`${path}.${t}: key ${JSON.stringify(id)} is not a token id`);
        if (e.rank !== undefined && e.rank !== null && e.rank > all.length) extra = { id: Number(id) };
        return { token: { id: Number(id) }, logprob: e.logprob };
      });
      const token = ids?.[t];
      positions.push({ pos: t, ...(token === undefined ? {} : { token: { id: token } }), ...(extra === undefined ? {} : { extra }), top, where: `${path}.${t}` });
    });
    return { choice, positions };
  });
  return { ...(r.model === undefined ? {} : { model: r.model }), sequences };
}
