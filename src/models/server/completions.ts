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
import { SpecboundError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import type { TokenDistribution } from '../../distribution/distribution.js';
import type { LanguageModel } from '../model.js';
import { openTreeSession } from '../tree-session.js';
import { promptsOf, type CompletionRequest } from './completion-request.js';
import { badRequest } from './openai-errors.js';
import { logProbOf, rankOf, sampleToken, topLogProbs } from './token-choice.js';

export interface CompletionLimits {
  /** Largest `logprobs` / `prompt_logprobs` (vLLM's `--max-logprobs`, default 20). */
  readonly maxLogprobs: number;
  /** Largest `max_tokens`. */
  readonly maxTokens: number;
  /** Longest prompt in tokens. */
  readonly maxPromptTokens: number;
  /** Most prompts in one request. */
  readonly maxPrompts: number;
}

/** The JSON-safe log-probability: −∞ (and anything below) becomes −9999 like vLLM. */
const jsonLogProb = (x: number): number => (x > -9999 ? x : -9999);

interface ScoredPosition {
  readonly token: number;
  /** Distribution the token was drawn from (or, for a prompt token, scored under). */
  readonly distribution: TokenDistribution;
}

interface PromptResult {
  readonly promptIds: readonly number[];
  readonly promptText: string;
  /** Distribution after prompt[0..i] for i ≥ 1 (index i−1), when prompt scores were needed. */
  readonly promptScores: readonly ScoredPosition[] | undefined;
  readonly generated: readonly ScoredPosition[];
  readonly finishReason: 'length' | 'stop';
}

export class CompletionEngine {
  private readonly model: LanguageModel;
  private readonly limits: CompletionLimits;

  constructor(model: LanguageModel, limits: CompletionLimits) {
    this.model = model;
    this.limits = limits;
  }

  /** Validates the request against the model and limits; throws HttpError (400) otherwise. */
  private checkRequest(req: CompletionRequest): void {
    const { maxLogprobs, maxTokens } = this.limits;
    if (typeof req.logprobs === 'number' && req.logprobs > maxLogprobs) {
      throw badRequest(`logprobs must be at most ${maxLogprobs} (the server's max logprobs), got ${req.logprobs}`, 'logprobs');
    }
    if (typeof req.prompt_logprobs === 'number' && req.prompt_logprobs > maxLogprobs) {
      throw badRequest(`prompt_logprobs must be at most ${maxLogprobs} (the server's max logprobs), got ${req.prompt_logprobs}`, 'prompt_logprobs');
    }
    const max = req.max_tokens ?? 16;
    if (max > maxTokens) throw badRequest(`max_tokens must be at most ${maxTokens}, got ${max}`, 'max_tokens');
    if (max === 0 && req.echo !== true) throw badRequest('max_tokens must be at least 1 unless echo is true', 'max_tokens');
  }

  private promptIds(prompt: string | number[]): { ids: number[]; text: string } {
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
    return { ids: prompt, text: tokenizer.decode(prompt) };
  }

  async complete(req: CompletionRequest, modelName: string): Promise<object> {
    this.checkRequest(req);
    const prompts = promptsOf(req.prompt);
    if (prompts.length > this.limits.maxPrompts) throw badRequest(`at most ${this.limits.maxPrompts} prompts per request, got ${prompts.length}`, 'prompt');
    const parsed = prompts.map((p) => this.promptIds(p));
    for (const { ids } of parsed) {
      if (ids.length > this.limits.maxPromptTokens) {
        throw badRequest(`the prompt has ${ids.length} tokens, more than the server's limit of ${this.limits.maxPromptTokens}`, 'prompt');
      }
    }
    const seed = req.seed ?? randomInt(2 ** 31);
    const results: PromptResult[] = [];
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]!;
      try {
        results.push(await this.run(p.ids, p.text, req, createRng(Number(seed), i)));
      } catch (err) {
        if (err instanceof SpecboundError || err instanceof RangeError) throw badRequest(err.message, 'prompt');
        throw err;
      }
    }
    return this.response(results, req, modelName);
  }

  /** Scores the prompt (when asked) and samples up to `max_tokens` tokens after it. */
  private async run(ids: readonly number[], text: string, req: CompletionRequest, rng: ReturnType<typeof createRng>): Promise<PromptResult> {
    const needPromptScores = typeof req.prompt_logprobs === 'number' || (req.echo === true && typeof req.logprobs === 'number');
    const temperature = req.temperature ?? 1;
    const maxTokens = req.max_tokens ?? 16;
    const eos = req.ignore_eos === true ? undefined : this.model.tokenizer.eos;
    const session = await openTreeSession(this.model, needPromptScores ? ids.slice(0, 1) : ids);
    try {
      let node = 0;
      let current = session.root;
      let promptScores: ScoredPosition[] | undefined;
      if (needPromptScores) {
        promptScores = [];
        for (let i = 1; i < ids.length; i++) {
          const token = ids[i]!;
          promptScores.push({ token, distribution: current });
          const [next] = await session.expand([{ parent: node, token }]);
          node = next!.node;
          current = next!.distribution;
        }
      }
      const generated: ScoredPosition[] = [];
      let finishReason: 'length' | 'stop' = 'length';
      for (let t = 0; t < maxTokens; t++) {
        const token = sampleToken(current, temperature, rng);
        generated.push({ token, distribution: current });
        if (token === eos) {
          finishReason = 'stop';
          break;
        }
        if (t + 1 < maxTokens) {
          const [next] = await session.expand([{ parent: node, token }]);
          node = next!.node;
          current = next!.distribution;
        }
      }
      return { promptIds: ids, promptText: text, promptScores, generated, finishReason };
    } finally {
      session.close();
    }
  }

  private tokenKey(id: number, asIds: boolean): string {
    if (asIds) return `token_id:${id}`;
    const piece = this.model.tokenizer.decode([id]);
    return piece === '' ? this.model.tokenizer.tokenText(id) : piece;
  }

  /** `{chosen token, top k…}` → log-probability, keyed as the request asks. */
  private topMap(position: ScoredPosition, k: number, asIds: boolean): Record<string, number> {
    const map: Record<string, number> = {};
    const own = logProbOf(position.distribution, position.token);
    if (own !== undefined) map[this.tokenKey(position.token, asIds)] = jsonLogProb(own);
    const top = topLogProbs(position.distribution, k);
    for (let i = 0; i < top.ids.length; i++) {
      const key = this.tokenKey(top.ids[i]!, asIds);
      if (!(key in map)) map[key] = jsonLogProb(top.logProbs[i]!);
    }
    return map;
  }

  private promptLogprobEntry(position: ScoredPosition, k: number): Record<string, { logprob: number; rank: number; decoded_token: string }> {
    const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
    const d = position.distribution;
    const add = (id: number, logprob: number, rank: number): void => {
      entry[String(id)] = { logprob: jsonLogProb(logprob), rank, decoded_token: this.model.tokenizer.decode([id]) };
    };
    const own = logProbOf(d, position.token);
    const ownRank = rankOf(d, position.token);
    if (own !== undefined && ownRank !== undefined) add(position.token, own, ownRank);
    const top = topLogProbs(d, k);
    for (let i = 0; i < top.ids.length; i++) if (!(String(top.ids[i]) in entry)) add(top.ids[i]!, top.logProbs[i]!, i + 1);
    return entry;
  }

  private response(results: readonly PromptResult[], req: CompletionRequest, modelName: string): object {
    const asIds = req.return_tokens_as_token_ids === true;
    const tokenizer = this.model.tokenizer;
    let promptTokens = 0;
    let completionTokens = 0;
    const choices = results.map((r, index) => {
      promptTokens += r.promptIds.length;
      completionTokens += r.generated.length;
      const outIds = r.generated.map((g) => g.token);
      const outText = tokenizer.decode(outIds);
      let logprobs: object | null = null;
      if (typeof req.logprobs === 'number') {
        const k = req.logprobs;
        const tokens: string[] = [];
        const tokenLogprobs: (number | null)[] = [];
        const top: (Record<string, number> | null)[] = [];
        if (req.echo === true) {
          tokens.push(this.tokenKey(r.promptIds[0]!, asIds));
          tokenLogprobs.push(null);
          top.push(null);
          for (const p of r.promptScores ?? []) {
            tokens.push(this.tokenKey(p.token, asIds));
            const own = logProbOf(p.distribution, p.token);
            tokenLogprobs.push(own === undefined ? null : jsonLogProb(own));
            top.push(this.topMap(p, k, asIds));
          }
        }
        for (const g of r.generated) {
          tokens.push(this.tokenKey(g.token, asIds));
          tokenLogprobs.push(jsonLogProb(logProbOf(g.distribution, g.token) ?? -Infinity));
          top.push(this.topMap(g, k, asIds));
        }
        const textOffset: number[] = [];
        let offset = 0;
        for (const t of tokens) {
          textOffset.push(offset);
          offset += t.length;
        }
        logprobs = { text_offset: textOffset, token_logprobs: tokenLogprobs, tokens, top_logprobs: top };
      }
      const promptLogprobs =
        typeof req.prompt_logprobs === 'number' && r.promptScores !== undefined
          ? [null, ...r.promptScores.map((p) => this.promptLogprobEntry(p, req.prompt_logprobs!))]
          : null;
      return {
        index,
        text: req.echo === true ? r.promptText + outText : outText,
        logprobs,
        finish_reason: r.finishReason,
        stop_reason: null,
        prompt_logprobs: promptLogprobs,
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
