import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completionResponseSchema, isPlainCompletionResponse } from '../../src/models/openai/response-schema.js';

/** A vLLM completions answer with return_tokens_as_token_ids (shape from vLLM's protocol.py). */
function vllmAnswer(): Record<string, unknown> {
  const top = { 'token_id:5': -0.1, 'token_id:7': -2.5 };
  return {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, text: 'x', logprobs: { text_offset: [0], token_logprobs: [-0.1], tokens: ['token_id:5'], top_logprobs: [top] }, finish_reason: 'length', stop_reason: null, prompt_logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  };
}

/** Values a broken server could put anywhere. */
const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(Infinity), fc.constant(2));

/** Paths into the answer where a value can be replaced. */
const PATHS: (string | number)[][] = [
  ['model'],
  ['choices'],
  ['choices', 0],
  ['choices', 0, 'index'],
  ['choices', 0, 'text'],
  ['choices', 0, 'logprobs'],
  ['choices', 0, 'logprobs', 'tokens'],
  ['choices', 0, 'logprobs', 'tokens', 0],
  ['choices', 0, 'logprobs', 'token_logprobs'],
  ['choices', 0, 'logprobs', 'token_logprobs', 0],
  ['choices', 0, 'logprobs', 'top_logprobs'],
  ['choices', 0, 'logprobs', 'top_logprobs', 0],
  ['choices', 0, 'logprobs', 'top_logprobs', 0, 'token_id:7'],
  ['choices', 0, 'prompt_logprobs'],
];

function replaced(path: (string | number)[], value: unknown): unknown {
  const answer = vllmAnswer();
  let node = answer as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return answer;
}

describe('isPlainCompletionResponse(raw)', () => {
  it('accepts the usual vLLM answer, which zod accepts too', () => {
    expect(isPlainCompletionResponse(vllmAnswer())).toBe(true);
    expect(completionResponseSchema.safeParse(vllmAnswer()).success).toBe(true);
  });

  it('never accepts what completionResponseSchema rejects (zod stays the authority)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), junk, (path, value) => {
        const raw = replaced(path, value);
        if (isPlainCompletionResponse(raw)) expect(completionResponseSchema.safeParse(raw).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        if (isPlainCompletionResponse(raw)) expect(completionResponseSchema.safeParse(raw).success).toBe(true);
      }),
    );
  });

  it('rejects a positive log-probability and a non-integer index, as zod does', () => {
    for (const raw of [replaced(['choices', 0, 'logprobs', 'top_logprobs', 0, 'token_id:7'], 0.5), replaced(['choices', 0, 'index'], 1.5)]) {
      expect(isPlainCompletionResponse(raw)).toBe(false);
      expect(completionResponseSchema.safeParse(raw).success).toBe(false);
    }
  });
});
