/**
 * vLLM's tokenizer endpoint, `POST /tokenize` (served at the root, beside `/v1`), in both of its
 * request forms, as one home for the client (remote-tokenizer.ts) and for `serve-model`
 * (server/model-server.ts).
 *
 * Transcribed from vllm-project/vllm `vllm/frontend/entrypoints/serve/tokenize/protocol.py` at
 * 055e47c2 (the file moved there from `vllm/entrypoints/serve/tokenize/protocol.py`, identical
 * at 030ea52e, which is now a compatibility alias); the route is `@router.post("/tokenize")` in
 * `api_router.py` beside it, the handling `ServingTokenization.create_tokenize` in `serving.py`:
 *
 * - `TokenizeCompletionRequest`: `model: str | None`, `prompt: str`, `add_special_tokens: bool =
 *   True`, `return_token_strs: bool | None = False`.
 * - `TokenizeChatRequest`: `model`, `messages: list[ChatCompletionMessageParam]`,
 *   `add_generation_prompt: bool = True`, `return_token_strs`, `continue_final_message: bool =
 *   False`, `add_special_tokens: bool = False` ("the chat template takes care of adding the
 *   special tokens"), `chat_template: str | None` (refused unless the server trusts request
 *   templates), `chat_template_kwargs: dict | None`, and multimodal/tool fields specbound never
 *   sends. A `mode="before"` validator rejects a body that sets both `continue_final_message`
 *   and `add_generation_prompt` to true ("Cannot set both …"): it looks at the body as sent, so
 *   an omitted `add_generation_prompt` (default true) is not caught.
 * - `TokenizeRequest = TokenizeCompletionRequest | TokenizeChatRequest`.
 * - `TokenizeResponse`: `count: int`, `max_model_len: int`, `tokens: list[int]`,
 *   `token_strs: list[str] | None = None`.
 *
 * Messages: vLLM's `ChatCompletionMessageParam` is OpenAI's message union; specbound sends and
 * `serve-model` accepts the text subset — a role and a string content (or a list of
 * `{type: "text", text}` parts, joined).
 */
import { z } from 'zod';

const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

const textPart = z.object({ type: z.literal('text'), text: z.string() });

export const tokenizeChatMessageSchema = z.object({
  role: z.enum(CHAT_ROLES),
  content: z.union([z.string(), z.array(textPart)]),
  name: z.string().nullish(),
});

export type TokenizeChatMessage = z.infer<typeof tokenizeChatMessageSchema>;

export const tokenizeCompletionRequestSchema = z.object({
  model: z.string().nullish(),
  prompt: z.string(),
  add_special_tokens: z.boolean().default(true),
  return_token_strs: z.boolean().nullish(),
});

const tokenizeChatFields = z.object({
  model: z.string().nullish(),
  messages: z.array(tokenizeChatMessageSchema),
  add_generation_prompt: z.boolean().default(true),
  return_token_strs: z.boolean().nullish(),
  continue_final_message: z.boolean().default(false),
  add_special_tokens: z.boolean().default(false),
  chat_template: z.string().nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
});

/** `check_generation_prompt` (mode="before"): both flags truthy in the body as sent. */
function setsBothFlags(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const body = raw as Record<string, unknown>;
  return Boolean(body['continue_final_message']) && Boolean(body['add_generation_prompt']);
}

export const tokenizeChatRequestSchema = z.unknown().superRefine((raw, ctx) => {
  if (setsBothFlags(raw)) ctx.addIssue({ code: 'custom', message: 'Cannot set both `continue_final_message` and `add_generation_prompt` to True.', path: ['continue_final_message'] });
}).pipe(tokenizeChatFields);

export type TokenizeChatRequest = z.infer<typeof tokenizeChatFields>;
export type TokenizeCompletionRequest = z.infer<typeof tokenizeCompletionRequestSchema>;

export const tokenizeResponseSchema = z.object({
  count: z.number().int().nonnegative(),
  max_model_len: z.number().int(),
  tokens: z.array(z.number().int().nonnegative()),
  token_strs: z.array(z.string()).nullish(),
});

export type TokenizeResponse = z.infer<typeof tokenizeResponseSchema>;

/** Which form a `/tokenize` body is: a chat request when it has `messages`, else a completion request. */
export function isChatTokenizeBody(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'messages');
}

/** A message's text: the string content, or its text parts joined. */
export function messageText(message: TokenizeChatMessage): string {
  return typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('');
}
