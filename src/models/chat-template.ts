/**
 * Chat templates: instruct models are measured on conversations (the paper's MT-bench and
 * Spec-Bench), so a conversational prompt is rendered through the model's chat template before it
 * is tokenized. `--chat-template auto|off|server|FILE`:
 *   auto    the model's own template when it has one (a GGUF's `tokenizer.chat_template`) and the
 *           prompt is conversational; plain text otherwise;
 *   off     plain text always;
 *   server  an openai: target's server applies its own template while tokenizing (vLLM's
 *           `/tokenize` with `messages`): nothing is rendered here;
 *   FILE    a Jinja template file (e.g. a model's `chat_template.jinja`), for any model.
 *
 * Rendering uses `@huggingface/jinja` (the Jinja subset transformers.js uses for the same
 * templates) with `messages = [{role: 'user', content}]`, `add_generation_prompt = true`, and
 * `bos_token = ''`: the tokenizer adds BOS by its own rule (a GGUF's `tokenizer.ggml.add_bos_token`),
 * so a template that writes `{{ bos_token }}` does not give two BOS tokens. The rendered text holds
 * special-token text (`<|start_header_id|>`), so it is tokenized with special tokens parsed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { InputFileError, InvalidValueError, SpecboundError } from '../core/errors.js';
import { readGgufHeader } from './gguf/gguf-file.js';
import { parseModelSpec } from './spec.js';

/** What `--chat-template` asked for: `auto`, `off` or a template file's path. */
export type ChatTemplateRequest = string;

export const CHAT_TEMPLATE_DEFAULT = 'auto';

/** The GGUF metadata key of a model's chat template (gguf-py/gguf/constants.py `Keys.Tokenizer.CHAT_TEMPLATE`). */
export const GGUF_CHAT_TEMPLATE_KEY = 'tokenizer.chat_template';

export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content: string;
}

/** How a conversation is rendered (the defaults are what a measurement uses). */
export interface ChatRenderOptions {
  /** Open the assistant's turn at the end (default true). */
  readonly addGenerationPrompt?: boolean;
  /** End on the final message, left open for the model to continue (default false). */
  readonly continueFinalMessage?: boolean;
  /** Text of `bos_token` / `eos_token` in the template (default ''; see above). */
  readonly bosToken?: string;
  readonly eosToken?: string;
}

/** A parsed chat template and where it came from. */
export interface ChatTemplate {
  readonly kind: 'text';
  /** `gguf:PATH` (the model's metadata) or the template file's path. */
  readonly source: string;
  /** sha256 of the template text, first 16 hex digits: what the run config records. */
  readonly digest: string;
  /** The conversation as the model sees it, by default ending with the assistant's turn opened. */
  render(messages: readonly ChatMessage[], options?: ChatRenderOptions): string;
}

/**
 * `--chat-template server`: the target's server applies its own chat template and tokenizes the
 * result — vLLM's `POST /tokenize` with `messages` (models/openai/tokenize-protocol.ts). There
 * is no text to render here; prompts carry their messages to the tokenizer instead.
 */
export interface ServerChatTemplate {
  readonly kind: 'server';
  /** What the run config records: the endpoint and the served model. */
  readonly source: string;
}

/** What a run does with conversational prompts: render them here, or hand them to the server. */
export type PromptChatTemplate = ChatTemplate | ServerChatTemplate;

export const CHAT_TEMPLATE_SERVER = 'server';

/** Parses template text; a syntax error is one line naming the source. */
export function parseChatTemplate(text: string, source: string): ChatTemplate {
  let template: Template;
  try {
    template = new Template(text);
  } catch (err) {
    throw new InputFileError(source, undefined, `not a valid Jinja chat template: ${firstLine(err)}`);
  }
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return {
    kind: 'text',
    source,
    digest,
    render(messages, options = {}) {
      const continueFinal = options.continueFinalMessage ?? false;
      let rendered: string;
      try {
        rendered = template.render({
          messages: messages.map((m) => ({ ...m })),
          add_generation_prompt: options.addGenerationPrompt ?? true,
          bos_token: options.bosToken ?? '',
          eos_token: options.eosToken ?? '',
        });
      } catch (err) {
        throw new InputFileError(source, undefined, `chat template failed to render: ${firstLine(err)}`);
      }
      return continueFinal ? cutAfterFinalMessage(rendered, messages[messages.length - 1]?.content ?? '', source) : rendered;
    },
  };
}

/**
 * `continue_final_message`, as transformers' render_jinja_template does it
 * (huggingface/transformers src/transformers/utils/chat_template_utils.py): the rendered chat is
 * cut right after the last occurrence of the final message, so whatever the template writes
 * after it (end-of-turn tokens) is dropped; a template that trims the message is matched on the
 * trimmed text, and one that drops it is an error.
 */
function cutAfterFinalMessage(rendered: string, finalMessage: string, source: string): string {
  const trimmed = finalMessage.trim();
  const at = rendered.lastIndexOf(trimmed);
  if (at < 0) throw new InputFileError(source, undefined, 'continue_final_message is set but the final message does not appear in the chat after applying the chat template');
  const leftTrimmed = finalMessage.trimStart();
  if (rendered.slice(at, at + leftTrimmed.length) === finalMessage) return rendered.slice(0, at + leftTrimmed.length);
  return rendered.slice(0, at + trimmed.length);
}

/** The template of a GGUF file's metadata, or undefined when it has none. */
export async function ggufChatTemplate(file: string): Promise<ChatTemplate | undefined> {
  const header = await readGgufHeader(file);
  const text = header.metadata.get(GGUF_CHAT_TEMPLATE_KEY);
  return typeof text === 'string' && text !== '' ? parseChatTemplate(text, `gguf:${file}`) : undefined;
}

/**
 * The template a run renders its conversational prompts with: none for `off`, the file's for a
 * path, and for `auto` the target's own (only `gguf:` models carry one in the model file).
 */
export async function resolveChatTemplate(request: ChatTemplateRequest, target: string): Promise<PromptChatTemplate | undefined> {
  if (request === 'off') return undefined;
  if (request === CHAT_TEMPLATE_SERVER) {
    const spec = parseModelSpec(target, '--target');
    if (spec.scheme !== 'openai') {
      throw new InvalidValueError('--chat-template', request, `the server's chat template needs an openai: target (vLLM's /tokenize with messages); ${target} is ${spec.scheme}:, give auto, off or a template FILE (./server for a file of that name)`);
    }
    return { kind: 'server', source: `server /tokenize messages (${spec.params.get('model') ?? '?'} at ${spec.location.split(',')[0] ?? ''})` };
  }
  if (request === 'auto') {
    const spec = parseModelSpec(target, '--target');
    return spec.scheme === 'gguf' && spec.location !== '' ? ggufChatTemplate(spec.location) : undefined;
  }
  let text: string;
  try {
    text = readFileSync(request, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InvalidValueError('--chat-template', request, `cannot read template file: ${code}; expected auto, off or a Jinja template file`);
  }
  return parseChatTemplate(text, request);
}

/** What the run config records about the template used: `none` or `SOURCE sha256:DIGEST`. */
export function chatTemplateLabel(template: PromptChatTemplate | undefined): string {
  if (template === undefined) return 'none';
  return template.kind === 'server' ? template.source : `${template.source} sha256:${template.digest}`;
}

function firstLine(err: unknown): string {
  const msg = err instanceof SpecboundError || err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
