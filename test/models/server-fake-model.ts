/**
 * A tiny hand-written LanguageModel for the server and client tests: 7 tokens, each row of
 * next-token probabilities written below as exact binary fractions where possible, so the
 * expected distributions are known by hand (ln of the numbers in the table).
 */
import type { DenseDistribution, SparseDistribution } from '../../src/distribution/distribution.js';
import type { LanguageModel, Tokenizer } from '../../src/models/model.js';

export const FAKE_WORDS = ['<s>', '</s>', 'a', 'b', 'c', 'd', 'e'] as const;
export const BOS = 0;
export const EOS = 1;
const id = (w: string): number => FAKE_WORDS.indexOf(w as (typeof FAKE_WORDS)[number]);

/** P(next | last token): row = last token, column = next token (order of FAKE_WORDS). */
export const FAKE_TABLE: readonly (readonly number[])[] = [
  //  <s>  </s>  a       b       c       d       e
  [0, 0, 0.5, 0.25, 0.125, 0.0625, 0.0625], // after <s>
  [0, 0, 1, 0, 0, 0, 0], // after </s>
  [0, 0.1, 0, 0.4, 0.3, 0.2, 0], // after a
  [0, 0.1, 0.6, 0, 0, 0, 0.3], // after b
  [0, 0, 0, 0, 0.5, 0.5, 0], // after c (a tie: c before d, the smaller id)
  [0, 0, 0.25, 0.25, 0.25, 0.25, 0], // after d
  [0, 0.7, 0.1, 0.1, 0.1, 0, 0], // after e
];

/** The exact dense distribution after `prefix` (depends on the last token only). */
export function fakeDistribution(prefix: readonly number[]): DenseDistribution {
  const row = FAKE_TABLE[prefix[prefix.length - 1]!]!;
  return { kind: 'dense', logProbs: Float64Array.from(row, (p) => Math.log(p)) };
}

/**
 * The top-k of the fake model after `prefix` as the client should return it: by decreasing
 * probability, ties to the smaller id, zero-probability tokens last with log-probability −∞ (a
 * server lists k tokens whenever the vocabulary has k, as vLLM does).
 */
export function expectedTopK(prefix: readonly number[], k: number): SparseDistribution {
  const row = FAKE_TABLE[prefix[prefix.length - 1]!]!;
  const order = row
    .map((p, i) => ({ p, i }))
    .sort((x, y) => y.p - x.p || x.i - y.i)
    .slice(0, k);
  let sum = 0;
  for (const e of order) sum += e.p;
  return {
    kind: 'sparse',
    vocabSize: FAKE_WORDS.length,
    ids: Int32Array.from(order, (e) => e.i),
    logProbs: Float64Array.from(order, (e) => Math.log(e.p)),
    tailMass: Math.max(0, 1 - sum),
  };
}

const tokenizer: Tokenizer = {
  bos: BOS,
  eos: EOS,
  encode(text, options) {
    const ids = text
      .split(/\s+/)
      .filter((w) => w !== '')
      .map((w) => {
        const i = id(w);
        if (i < 0) throw new RangeError(`unknown word ${w}`);
        return i;
      });
    return (options?.bos ?? true) ? [BOS, ...ids] : ids;
  },
  decode(ids) {
    return ids
      .filter((i) => i !== BOS && i !== EOS)
      .map((i) => ` ${FAKE_WORDS[i]}`)
      .join('');
  },
  tokenText(i) {
    return FAKE_WORDS[i] ?? `<${i}>`;
  },
};

export function createFakeModel(): LanguageModel & { calls: number } {
  const model = {
    name: 'fake',
    vocabSize: FAKE_WORDS.length,
    tokenizer,
    contextLength: undefined,
    remote: false,
    concurrency: 1,
    calls: 0,
    nextTokenDistributions(prefixes: readonly (readonly number[])[]) {
      model.calls += prefixes.length;
      return Promise.resolve(prefixes.map((p) => fakeDistribution(p)));
    },
  };
  return model;
}
