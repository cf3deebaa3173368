/**
 * A small deterministic LanguageModel for fast pipeline tests: V tokens, logits from an integer
 * hash of the last two tokens. The target adds a trigram term to the drafter's bigram term, so
 * the drafter is informative but imperfect (μ_CE > μ, π₀ = 0), as a real drafter is.
 */
import { fromLogits } from '../../src/distribution/log-softmax.js';
import type { TokenDistribution } from '../../src/distribution/distribution.js';
import type { LanguageModel, Tokenizer } from '../../src/models/model.js';
import { mix32 } from '../../src/core/rng.js';
import { promised } from '../../src/core/promised.js';

export const FAKE_BOS = 1;
export const FAKE_EOS = 2;

function unit(...keys: number[]): number {
  let h = 0x1234567;
  for (const k of keys) h = mix32(h ^ mix32(k));
  return h / 2 ** 32;
}

export interface FakeModelOptions {
  readonly vocabSize?: number;
  /** Scale of the logits: larger = lower entropy. */
  readonly sharpness?: number;
  /** Weight of the trigram term (0 = the drafter's bigram model). */
  readonly trigram?: number;
  /** Logit of EOS (very negative = almost never ends). */
  readonly eosLogit?: number;
  readonly name?: string;
  /** Counts calls, for tests that check work is skipped on resume. */
  readonly calls?: { count: number };
  /** When set, the model exposes `contextLength` and rejects longer prefixes (as llama2c does). */
  readonly contextLength?: number;
}

export function fakeModel(options: FakeModelOptions = {}): LanguageModel {
  const V = options.vocabSize ?? 12;
  const sharp = options.sharpness ?? 4;
  const tri = options.trigram ?? 1;
  const eosLogit = options.eosLogit ?? -30;
  const tokenizer: Tokenizer = {
    encode(text, opts) {
      const ids = Array.from(text, (c) => 3 + (c.charCodeAt(0) % (V - 3)));
      return opts?.bos === false ? ids : [FAKE_BOS, ...ids];
    },
    decode: (ids) => ids.filter((i) => i > 2).map((i) => String.fromCharCode(94 + i)).join(''),
    tokenText: (id) => `t${id}`,
    bos: FAKE_BOS,
    eos: FAKE_EOS,
  };
  const dist = (prefix: readonly number[]): TokenDistribution => {
    const a = prefix[prefix.length - 1] ?? 0;
    const b = prefix[prefix.length - 2] ?? 0;
    const logits = new Float64Array(V);
    for (let i = 0; i < V; i++) logits[i] = sharp * (unit(a, i) ** 2 + tri * unit(b, a, i, 7) ** 2);
    logits[FAKE_BOS] = -Infinity;
    logits[FAKE_EOS] = eosLogit;
    return fromLogits(logits);
  };
  const limit = options.contextLength;
  return {
    contextLength: limit,
    remote: false,
    concurrency: 1,
    name: options.name ?? 'fake',
    vocabSize: V,
    tokenizer,
    nextTokenDistributions(prefixes) {
      return promised(() => {
        if (options.calls !== undefined) options.calls.count += prefixes.length;
        if (limit !== undefined && prefixes.some((p) => p.length > limit)) throw new RangeError(`prefix longer than the context of ${limit} tokens`);
        return prefixes.map(dist);
      });
    },
  };
}
