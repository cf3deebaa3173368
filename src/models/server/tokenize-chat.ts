/**
 * `serve-model`'s `POST /tokenize` with `messages`, done as vLLM's
 * `ServingTokenization.create_tokenize` does it (vllm/frontend/entrypoints/serve/tokenize/serving.py
 * at 055e47c2): the server's chat template renders the messages with `add_generation_prompt` and
 * `continue_final_message` (TokenizeChatRequest.build_chat_params merges them into the template
 * kwargs), with the tokenizer's BOS/EOS token text as `bos_token` / `eos_token`, and the text is
 * tokenized with special-token text parsed and BOS added only when `add_special_tokens` (default
 * false: the template writes it). Backends that do not parse special-token text (llama2c) keep
 * it as text.
 *
 * Refused with 400, as vLLM refuses them: no chat template (transformers ≥ 4.44 has no default),
 * a `chat_template` in the request (vLLM takes one only when started with
 * `--trust-request-chat-template`; serve-model never does), and `continue_final_message` with
 * `add_generation_prompt` (the request validator, then transformers' apply_chat_template).
 * `chat_template_kwargs` are refused too: serve-model's templates take none.
 */
import { SpecboundError } from '../../core/errors.js';
import type { ChatTemplate } from '../chat-template.js';
import type { Tokenizer } from '../model.js';
import { messageText, type TokenizeChatRequest } from '../openai/tokenize-protocol.js';
import { badRequest } from './openai-errors.js';

export function tokenizeChat(tokenizer: Tokenizer, template: ChatTemplate | undefined, body: TokenizeChatRequest): number[] {
  if (body.chat_template !== undefined && body.chat_template !== null) {
    throw badRequest('chat_template in a request is not accepted (vLLM needs --trust-request-chat-template; serve-model uses its own --chat-template)', 'chat_template');
  }
  if (body.chat_template_kwargs !== undefined && body.chat_template_kwargs !== null && Object.keys(body.chat_template_kwargs).length > 0) {
    throw badRequest('chat_template_kwargs are not supported by serve-model', 'chat_template_kwargs');
  }
  if (template === undefined) {
    throw badRequest('the served model has no chat template (default chat templates are no longer allowed as of transformers v4.44); start serve-model with --chat-template FILE', 'messages');
  }
  if (body.continue_final_message && body.add_generation_prompt) {
    throw badRequest('Cannot set both `continue_final_message` and `add_generation_prompt` to True.', 'continue_final_message');
  }
  const messages = body.messages.map((m) => ({ role: m.role, content: messageText(m) }));
  let text: string;
  try {
    text = template.render(messages, {
      addGenerationPrompt: body.add_generation_prompt,
      continueFinalMessage: body.continue_final_message,
      bosToken: tokenizer.bos === undefined ? '' : tokenizer.tokenText(tokenizer.bos),
      eosToken: tokenizer.eos === undefined ? '' : tokenizer.tokenText(tokenizer.eos),
    });
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err), 'messages');
  }
  try {
    return tokenizer.encode(text, { bos: body.add_special_tokens, special: true });
  } catch (err) {
    if (err instanceof SpecboundError || err instanceof RangeError) throw badRequest(`cannot tokenize the rendered chat: ${err.message}`, 'messages');
    throw err;
  }
}
