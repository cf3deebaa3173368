import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidModelResponseError } from '../../src/models/openai/errors.js';
import { sparseFromPairs, sparseFromTopLogprobs, tokenIdMapper } from '../../src/models/openai/logprob-maps.js';

/**
 * The straightforward version sparseFromPairs had before issue 18 (a Set for duplicates,
 * separate typed arrays), kept here as the reference the faster one must match exactly:
 * the same distribution, or the same first error.
 */
function reference(ids: readonly number[], logProbs: readonly number[], k: number, vocabSize: number): unknown {
  const expected = Math.min(k, vocabSize);
  if (ids.length < expected) return `e: ${where}: ${ids.length} logprobs returned, ${expected} asked for`;
  const seen = new Set<number>();
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) return `e: ${where}: token id ${id} is outside the vocabulary of ${vocabSize}`;
    if (seen.has(id)) return `e: ${where}: token id ${id} listed twice`;
    seen.add(id);
  }
  const order = ids.map((_, i) => i).sort((a, b) => logProbs[b]! - logProbs[a]! || ids[a]! - ids[b]!);
  const outIds: number[] = [];
  const outLogProbs: number[] = [];
  let sum = 0;
  for (let i = 0; i < expected; i++) {
    const j = order[i]!;
    const lp = logProbs[j]! <= -9999 ? -Infinity : logProbs[j]!;
    outIds.push(ids[j]!);
    outLogProbs.push(lp);
    sum += Math.exp(lp);
  }
  if (sum > 1 + 1e-4) return `e: ${where}: the top ${expected} probabilities sum to ${sum.toPrecision(6)} > 1`;
  return { ids: outIds, logProbs: outLogProbs, tailMass: Math.max(0, 1 - sum) };
}

const where = 'top_logprobs';

function actual(ids: readonly number[], logProbs: readonly number[], k: number, vocabSize: number): unknown {
  try {
    const d = sparseFromPairs(ids, logProbs, k, vocabSize, 'http://x/v1/completions', where);
    expect([d.ids.length, d.logProbs.length, d.vocabSize]).toEqual([Math.min(k, vocabSize), Math.min(k, vocabSize), vocabSize]);
    return { ids: Array.from(d.ids), logProbs: Array.from(d.logProbs), tailMass: d.tailMass };
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidModelResponseError);
    return `e: ${(err as Error).message.replace('http://x/v1/completions: ', '')}`;
  }
}

describe('sparseFromPairs', () => {
  it('matches the reference on random lists, duplicates and out-of-vocabulary ids included (property)', () => {
    const pair = fc.tuple(fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constant(0.5)), fc.oneof(fc.double({ min: -12, max: 0, noNaN: true }), fc.constant(-9999), fc.constant(-0.01)));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 30 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 40 }), (pairs, k, vocabSize) => {
        const ids = pairs.map(([id]) => id);
        const lps = pairs.map(([, lp]) => lp);
        expect(actual(ids, lps, k, vocabSize)).toEqual(reference(ids, lps, k, vocabSize));
      }),
      { numRuns: 3000, seed: 18 },
    );
  });

  it('names the first duplicate, whether the list is short or long', () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    ids[70] = 3;
    expect(actual(ids, ids.map(() => -10), 5, 1000)).toBe('e: top_logprobs: token id 3 listed twice');
    expect(actual([4, 4], [-1, -2], 2, 10)).toBe('e: top_logprobs: token id 4 listed twice');
    expect(actual([4, 2, 9, 2], [-1, -2, -3, -4], 2, 8)).toBe('e: top_logprobs: token id 9 is outside the vocabulary of 8');
  });

  it('gives arrays that do not overlap (one backing store for both)', () => {
    const d = sparseFromPairs([3, 1], [-0.5, -1.5], 2, 10, 'e', where);
    d.ids[0] = 7;
    expect(Array.from(d.logProbs)).toEqual([-0.5, -1.5]);
    expect(Array.from(d.ids)).toEqual([7, 1]);
  });
});

describe('sparseFromTopLogprobs', () => {
  it('reads the map in Object.entries order (own keys only)', () => {
    const map = JSON.parse('{"token_id:9": -3, "token_id:3": -1.5, "__proto__": -4, "token_id:4": -2}') as Record<string, number>;
    const mapToken = tokenIdMapper(new Map([['__proto__', 5]]));
    const d = sparseFromTopLogprobs(map, 4, 10, mapToken, 'e', where);
    expect(Array.from(d.ids)).toEqual([3, 4, 9, 5]);
    expect(Array.from(d.logProbs)).toEqual([-1.5, -2, -3, -4]);
  });
});

describe('tokenIdMapper', () => {
  /** The mapping before issue 18 (slice + /^\d+$/ + Number), the reference for the digit loop. */
  function referenceId(token: string, pieces: ReadonlyMap<string, number>): number | string {
    if (token.startsWith('token_id:')) {
      const text = token.slice('token_id:'.length);
      if (/^\d+$/.test(text)) return Number(text);
    }
    return pieces.get(token) ?? 'unmappable';
  }

  it('reads token_id:N as Number(N) for any digit string, and maps or refuses anything else as before (property)', () => {
    const pieces = new Map([['token_id:', 3], ['token_id:x1', 4], ['hello', 5]]);
    const map = tokenIdMapper(pieces);
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9'), maxLength: 22 });
    const tail = fc.oneof(digits, fc.string({ maxLength: 6 }), digits.map((d) => `${d}a`), digits.map((d) => ` ${d}`), fc.constantFrom('x1', '', '٣', '１'));
    fc.assert(
      fc.property(fc.oneof(tail.map((t) => `token_id:${t}`), fc.constantFrom('hello', 'token_id', 'TOKEN_ID:5')), (token) => {
        let got: number | string;
        try {
          got = map(token, 'e');
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidModelResponseError);
          got = 'unmappable';
        }
        expect(got).toBe(referenceId(token, pieces));
      }),
      { numRuns: 3000, seed: 18 },
    );
    expect(map('token_id:0007', 'e')).toBe(7);
    expect(map('token_id:1234567890123456789', 'e')).toBe(Number('1234567890123456789'));
  });
});
