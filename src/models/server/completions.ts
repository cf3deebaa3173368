/**
 * `POST /v1/completions` over a local LanguageModel, answering in the shapes vLLM's OpenAI server
 * answers (vllm/entrypoints/openai/serving_completion.py):
 *
 * - `choices[i].logprobs` = `{text_offset, token_logprobs, tokens, top_logprobs}`; each
 *   `top_logprobs` entry maps the chosen token and the top `logprobs` tokens to their
 *   log-probability (the chosen token first, so up to `logprobs + 1` entries). Keys are the
 *   token's text, or `token_id:N` when the request sets `return_tokens_as_token_ids`.
 * - `choices[i].prompt_logprobs` = `[null, {"<id>": {logprob, rank, decoded_token}}, …]`: for every
 *   prompt position after the first, the prompt's own token and the top `prompt_logprobs` tokens
 *   of the model's distribution there, keyed by token id.
 * - Log-probabilities are the model's temperature-1 ones whatever `temperature` samples with
 *   (vLLM V1's default `logprobs_mode = raw_logprobs`); −∞ is sent as −9999, as vLLM does.
 */
import { randomInt } from 'node:crypto';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { SpecboundError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import type { TokenDistribution } from '../../distribution/distribution.js';
import type { LanguageModel } from '../model.js';
import { openTreeSession } from '../tree-session.js';
import { promptsOf, type CompletionRequest } from './completion-request.js';
import type { CompletionLimits } from './limits.js';
import { badRequest } from './openai-errors.js';
import { logProbOf, rankOf, sampleToken, topLogProbs } from './token-choice.js';

/** The JSON-safe log-probability: −∞ (and anything below) becomes −9999 like vLLM. */
const jsonLogProb = (x: number): number => (x > -9999 ? x : -9999);

type TopMap = Record<string, number>;
type PromptLogprobEntry = Record<string, { logprob: number; rank: number; decoded_token: string }>;

/** One prompt of a request after validation: its token ids and the text `echo` repeats. */
interface PreparedPrompt {
  readonly ids: readonly number[];
  readonly text: string;
}

/** A request that passed every check and fits every limit: only model work remains. */
export interface PreparedCompletion {
  readonly request: CompletionRequest;
  readonly prompts: readonly PreparedPrompt[];
  readonly maxTokens: number;
  readonly seed: number;
}

/** What one choice accumulates while its prompt is scored and its tokens generated. */
interface ChoiceBuilder {
  readonly prompt: PreparedPrompt;
  readonly outIds: number[];
  finishReason: 'length' | 'stop';
  /** `logprobs` arrays, when the request asks for them. */
  readonly tokens: string[];
  readonly tokenLogprobs: (number | null)[];
  readonly top: (TopMap | null)[];
  /** `prompt_logprobs` entries after the leading null, when asked. */
  readonly promptLogprobs: PromptLogprobEntry[];
}

/** Runs one model call (or a short run of them) when the server's scheduler allows it. */
export type ModelTurn = <T>(call: () => Promise<T>) => Promise<T>;

const fmt = (n: number): string => n.toLocaleString('en-US');

export class CompletionEngine {
  private readonly model: LanguageModel;
  private readonly limits: CompletionLimits;

  constructor(model: LanguageModel, limits: CompletionLimits) {
    this.model = model;
    this.limits = limits;
  }

  /**
   * Checks a request against the model and every limit before any model work, so an
   * oversized request costs at most its tokenization: throws HttpError (400) naming the limit.
   * The work and response bounds are checked twice: first with every text prompt counted as one
   * token (a lower bound: an accepted prompt has at least one), so the requests of issue 19 are
   * refused without tokenizing anything; then exactly, after tokenizing the prompts one by one
   * with an event-loop turn between them (other clients are served meanwhile). Wording of the
   * logprobs and context-length refusals follows vLLM's (cited below).
   */
  async prepare(req: CompletionRequest): Promise<PreparedCompletion> {
    const { maxLogprobs, maxTokens, maxPrompts, maxPromptTokens, maxModelLen } = this.limits;
    // vLLM v1/engine/processor.py (_validate_logprobs, commit 01055a4b8e9d, v0.11):
    // "Requested sample logprobs of {n}, which is greater than max allowed: {max_logprobs}" and
    // "Requested prompt logprobs of {n}, which is greater than max allowed: {max_logprobs}".
    if (typeof req.logprobs === 'number' && req.logprobs > maxLogprobs) {
      throw badRequest(`Requested sample logprobs of ${req.logprobs}, which is greater than max allowed: ${maxLogprobs} (--max-logprobs)`, 'logprobs');
    }
    if (typeof req.prompt_logprobs === 'number' && req.prompt_logprobs > maxLogprobs) {
      throw badRequest(`Requested prompt logprobs of ${req.prompt_logprobs}, which is greater than max allowed: ${maxLogprobs} (--max-logprobs)`, 'prompt_logprobs');
    }
    const max = req.max_tokens ?? 16;
    if (max > maxTokens) throw badRequest(`max_tokens must be at most ${maxTokens} (--max-tokens), got ${max}`, 'max_tokens');
    if (max === 0 && req.echo !== true) throw badRequest('max_tokens must be at least 1 unless echo is true', 'max_tokens');
    const raw = promptsOf(req.prompt);
    if (raw.length > maxPrompts) throw badRequest(`at most ${maxPrompts} prompts per request, got ${raw.length}`, 'prompt');
    this.checkBudget(req, max, raw.map((p) => (typeof p === 'string' ? 1 : p.length)), true);
    const prompts: PreparedPrompt[] = [];
    for (const p of raw) {
      if (prompts.length > 0) await nextLoopTurn();
      const prompt = this.promptIds(p);
      const n = prompt.ids.length;
      if (n > maxPromptTokens) throw badRequest(`the prompt has ${n} tokens, more than the server's limit of ${maxPromptTokens}`, 'prompt');
      // vLLM entrypoints/openai/serving_engine.py (_validate_input, commit 7ded96b3c73f, v0.9):
      // "This model's maximum context length is {max_model_len} tokens. However, you requested
      // {max_tokens + token_num} tokens ({token_num} in the messages, {max_tokens} in the
      // completion). Please reduce the length of the messages or completion."
      if (n + max > maxModelLen) {
        throw badRequest(
          `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${n + max} tokens (${n} in the messages, ${max} in the completion). Please reduce the length of the messages or completion.`,
          'prompt',
        );
      }
      prompts.push(prompt);
    }
    this.checkBudget(req, max, prompts.map((p) => p.ids.length), false);
    const seed = req.seed ?? randomInt(2 ** 31);
    return { request: req, prompts, maxTokens: max, seed: Number(seed) };
  }

  /**
   * The two per-request bounds: token positions the model computes (Σ prompt tokens + max_tokens)
   * and logprob entries the response carries (Σ scored positions × (k + 1)). `lengths` are the
   * prompts' token counts, or lower bounds of them when `atLeast`.
   */
  private checkBudget(req: CompletionRequest, max: number, lengths: readonly number[], atLeast: boolean): void {
    const { maxRequestTokens, maxResponseLogprobs } = this.limits;
    const k = typeof req.logprobs === 'number' ? req.logprobs : undefined;
    const kPrompt = typeof req.prompt_logprobs === 'number' ? req.prompt_logprobs : undefined;
    let positions = 0;
    let entries = 0;
    for (const n of lengths) {
      positions += n + max;
      if (k !== undefined) entries += ((req.echo === true ? n - 1 : 0) + max) * (k + 1);
      if (kPrompt !== undefined) entries += (n - 1) * (kPrompt + 1);
    }
    const needs = atLeast ? 'needs at least' : 'needs';
    const count = lengths.length;
    if (positions > maxRequestTokens) {
      throw badRequest(
        `the request ${needs} ${fmt(positions)} token positions (${count} prompt${count === 1 ? '' : 's'} × (prompt tokens + max_tokens ${max})), more than the server's limit of ${fmt(maxRequestTokens)} per request (--max-request-tokens); send fewer prompts or a smaller max_tokens`,
        count > 1 ? 'prompt' : 'max_tokens',
      );
    }
    if (entries > maxResponseLogprobs) {
      const parts = [k === undefined ? null : `logprobs ${k}`, kPrompt === undefined ? null : `prompt_logprobs ${kPrompt}`].filter((x) => x !== null).join(', ');
      throw badRequest(
        `the response would carry ${atLeast ? 'at least' : 'up to'} ${fmt(entries)} logprob entries (scored positions × (top-k + 1) with ${parts}), more than the server's limit of ${fmt(maxResponseLogprobs)} per response (--max-response-logprobs); ask for fewer positions or a smaller logprobs`,
        k !== undefined ? 'logprobs' : 'prompt_logprobs',
      );
    }
  }

  private promptIds(prompt: string | number[]): PreparedPrompt {
    const { vocabSize, tokenizer } = this.model;
    if (typeof prompt === 'string') {
      let ids: number[];
      try {
        ids = tokenizer.encode(prompt, { bos: true });
      } catch (err) {
        if (err instanceof SpecboundError || err instanceof RangeError) throw badRequest(`cannot tokenize the prompt: ${err.message}`, 'prompt');
        throw err;
      }
      if (ids.length === 0) throw badRequest('the prompt is empty after tokenization', 'prompt');
      return { ids, text: prompt };
    }
    for (const id of prompt) {
      if (id >= vocabSize) throw badRequest(`token id ${id} is out of vocabulary (size ${vocabSize})`, 'prompt');
    }
    // Too long: refused by the caller right after, so not worth decoding.
    if (prompt.length > this.limits.maxPromptTokens) return { ids: prompt, text: '' };
    return { ids: prompt, text: tokenizer.decode(prompt) };
  }

  /**
   * Does the model work of a prepared request, one model call per `turn`, and answers in vLLM's
   * completion shape. Each position's log-probabilities are turned into the response's entries
   * as soon as they are known (no distribution is kept), and `signal` (the client went away)
   * stops the work before the next model call.
   */
  async complete(prepared: PreparedCompletion, modelName: string, turn: ModelTurn, signal?: AbortSignal): Promise<object> {
    const builders: ChoiceBuilder[] = [];
    for (let i = 0; i < prepared.prompts.length; i++) {
      signal?.throwIfAborted();
      const prompt = prepared.prompts[i]!;
      try {
        builders.push(await this.run(prompt, prepared, createRng(prepared.seed, i), turn, signal));
      } catch (err) {
        if (err instanceof SpecboundError || err instanceof RangeError) throw badRequest(err.message, 'prompt');
        throw err;
      }
    }
    return this.response(builders, prepared.request, modelName);
  }

  /** Scores the prompt (when asked) and samples up to `max_tokens` tokens after it. */
  private async run(prompt: PreparedPrompt, prepared: PreparedCompletion, rng: ReturnType<typeof createRng>, turn: ModelTurn, signal: AbortSignal | undefined): Promise<ChoiceBuilder> {
    const req = prepared.request;
    const ids = prompt.ids;
    const asIds = req.return_tokens_as_token_ids === true;
    const k = typeof req.logprobs === 'number' ? req.logprobs : undefined;
    const kPrompt = typeof req.prompt_logprobs === 'number' ? req.prompt_logprobs : undefined;
    const echoScores = req.echo === true && k !== undefined;
    const needPromptScores = kPrompt !== undefined || echoScores;
    const temperature = req.temperature ?? 1;
    const maxTokens = prepared.maxTokens;
    const eos = req.ignore_eos === true ? undefined : this.model.tokenizer.eos;
    const out: ChoiceBuilder = { prompt, outIds: [], finishReason: 'length', tokens: [], tokenLogprobs: [], top: [], promptLogprobs: [] };
    const options = signal === undefined ? undefined : { signal };
    const session = await turn(() => openTreeSession(this.model, needPromptScores ? ids.slice(0, 1) : ids, options));
    try {
      let node = 0;
      let current = session.root;
      if (echoScores) {
        out.tokens.push(this.tokenKey(ids[0]!, asIds));
        out.tokenLogprobs.push(null);
        out.top.push(null);
      }
      if (needPromptScores) {
        for (let i = 1; i < ids.length; i++) {
          const token = ids[i]!;
          if (echoScores) this.pushLogprobs(out, current, token, k, asIds, false);
          if (kPrompt !== undefined) out.promptLogprobs.push(this.promptLogprobEntry(current, token, kPrompt));
          const [next] = await turn(() => session.expand([{ parent: node, token }], options));
          node = next!.node;
          current = next!.distribution;
        }
      }
      for (let t = 0; t < maxTokens; t++) {
        const token = sampleToken(current, temperature, rng);
        out.outIds.push(token);
        if (k !== undefined) this.pushLogprobs(out, current, token, k, asIds, true);
        if (token === eos) {
          out.finishReason = 'stop';
          break;
        }
        if (t + 1 < maxTokens) {
          const [next] = await turn(() => session.expand([{ parent: node, token }], options));
          node = next!.node;
          current = next!.distribution;
        }
      }
      return out;
    } finally {
      session.close();
    }
  }

  /** Appends one position's `logprobs` entries; a token the distribution does not list gets null when echoed, −9999 when generated (as before). */
  private pushLogprobs(out: ChoiceBuilder, d: TokenDistribution, token: number, k: number, asIds: boolean, generated: boolean): void {
    out.tokens.push(this.tokenKey(token, asIds));
    const own = logProbOf(d, token);
    out.tokenLogprobs.push(own === undefined ? (generated ? -9999 : null) : jsonLogProb(own));
    out.top.push(this.topMap(d, token, k, asIds));
  }

  private tokenKey(id: number, asIds: boolean): string {
    if (asIds) return `token_id:${id}`;
    const piece = this.model.tokenizer.decode([id]);
    return piece === '' ? this.model.tokenizer.tokenText(id) : piece;
  }

  /** `{chosen token, top k…}` → log-probability, keyed as the request asks. */
  private topMap(d: TokenDistribution, token: number, k: number, asIds: boolean): TopMap {
    const map: TopMap = {};
    const own = logProbOf(d, token);
    if (own !== undefined) map[this.tokenKey(token, asIds)] = jsonLogProb(own);
    const top = topLogProbs(d, k);
    for (let i = 0; i < top.ids.length; i++) {
      const key = this.tokenKey(top.ids[i]!, asIds);
      if (!(key in map)) map[key] = jsonLogProb(top.logProbs[i]!);
    }
    return map;
  }

  private promptLogprobEntry(d: TokenDistribution, token: number, k: number): PromptLogprobEntry {
    const entry: PromptLogprobEntry = {};
    const add = (id: number, logprob: number, rank: number): void => {
      entry[String(id)] = { logprob: jsonLogProb(logprob), rank, decoded_token: this.model.tokenizer.decode([id]) };
    };
    const own = logProbOf(d, token);
    const ownRank = rankOf(d, token);
    if (own !== undefined && ownRank !== undefined) add(token, own, ownRank);
    const top = topLogProbs(d, k);
    for (let i = 0; i < top.ids.length; i++) if (!(String(top.ids[i]) in entry)) add(top.ids[i]!, top.logProbs[i]!, i + 1);
    return entry;
  }

  private response(builders: readonly ChoiceBuilder[], req: CompletionRequest, modelName: string): object {
    const tokenizer = this.model.tokenizer;
    let promptTokens = 0;
    let completionTokens = 0;
    const choices = builders.map((b, index) => {
      promptTokens += b.prompt.ids.length;
      completionTokens += b.outIds.length;
      const outText = tokenizer.decode(b.outIds);
      let logprobs: object | null = null;
      if (typeof req.logprobs === 'number') {
        const textOffset: number[] = [];
        let offset = 0;
        for (const t of b.tokens) {
          textOffset.push(offset);
          offset += t.length;
        }
        logprobs = { text_offset: textOffset, token_logprobs: b.tokenLogprobs, tokens: b.tokens, top_logprobs: b.top };
      }
      return {
        index,
        text: req.echo === true ? b.prompt.text + outText : outText,
        logprobs,
        finish_reason: b.finishReason,
        stop_reason: null,
        prompt_logprobs: typeof req.prompt_logprobs === 'number' ? [null, ...b.promptLogprobs] : null,
      };
    });
    return {
      id: `cmpl-${randomInt(2 ** 47).toString(16)}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: modelName,
      choices,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }
}
