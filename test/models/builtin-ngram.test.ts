import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countNgrams, compactCounts, findChild, type NgramCounts } from '../../src/models/builtin/ngram-counts.js';
import { KneserNeyModel } from '../../src/models/builtin/kneser-ney.js';
import { BOS_ID, EOS_ID } from '../../src/models/builtin/tokenizer.js';

// Toy vocabulary: 0 = BOS, 1 = EOS, 2 = UNK (never in the data), 3 = a, 4 = b.
const A = 3;
const B = 4;
const TOY = Uint16Array.from([BOS_ID, A, B, A, B, B, EOS_ID]);

function probabilities(model: KneserNeyModel, context: number[]): Float64Array {
  const out = new Float64Array(model.vocabSize);
  model.probabilities(context, out);
  return out;
}

/** Every n-gram of the trie as a string key "t1,t2,…" with its arrays' values (walking childStart). */
function trieEntries(counts: NgramCounts): Map<string, { count: number; continuation: number }> {
  const entries = new Map<string, { count: number; continuation: number }>();
  const visit = (level: number, from: number, to: number, prefix: string) => {
    const lv = counts.levels[level - 1]!;
    for (let j = from; j < to; j++) {
      const key = prefix === '' ? String(lv.token[j]) : `${prefix},${lv.token[j]}`;
      entries.set(key, { count: lv.count[j]!, continuation: level < counts.order ? lv.continuation[j]! : -1 });
      if (level < counts.order) visit(level + 1, lv.childStart[j]!, lv.childStart[j + 1]!, key);
    }
  };
  visit(1, 0, counts.levels[0]!.token.length, '');
  return entries;
}

/** Independent count of a stream of documents with Maps (the definitions in ngram-counts.ts). */
function naiveCounts(stream: Uint16Array, order: number): Map<string, { count: number; continuation: number }> {
  const raw = new Map<string, number>();
  const before = new Map<string, Set<number>>();
  for (let i = 0; i < stream.length; i++) {
    for (let n = 1; n <= order && i + n <= stream.length; n++) {
      const gram = Array.from(stream.subarray(i, i + n));
      if (gram.slice(0, -1).includes(EOS_ID)) break;
      const key = gram.join(',');
      raw.set(key, (raw.get(key) ?? 0) + 1);
      if (n >= 2) {
        const suffix = gram.slice(1).join(',');
        if (!before.has(suffix)) before.set(suffix, new Set());
        before.get(suffix)!.add(gram[0]!);
      }
    }
  }
  const result = new Map<string, { count: number; continuation: number }>();
  for (const [key, count] of raw) {
    const gram = key.split(',').map(Number);
    let continuation = -1;
    if (gram.length < order) {
      if (gram.length === 1 && gram[0] === BOS_ID) continuation = 0;
      else if (gram[0] === BOS_ID) continuation = count;
      else continuation = before.get(key)?.size ?? 0;
    }
    result.set(key, { count, continuation });
  }
  return result;
}

/** Random documents BOS t… EOS over tokens 3 … vocabSize−1. */
const documents = (vocabSize: number) =>
  fc
    .array(fc.array(fc.integer({ min: 3, max: vocabSize - 1 }), { minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 6 })
    .map((docs) => Uint16Array.from(docs.flatMap((d) => [BOS_ID, ...d, EOS_ID])));

describe('countNgrams(stream, order, vocabSize)', () => {
  it('counts the toy corpus BOS a b a b b EOS by hand', () => {
    const counts = countNgrams(TOY, 3, 5);
    const e = trieEntries(counts);
    // Raw counts by reading the stream: a twice, b three times, "a b" twice, the rest once.
    expect(e.get(`${A}`)).toEqual({ count: 2, continuation: 2 }); // preceded by BOS and b
    expect(e.get(`${B}`)).toEqual({ count: 3, continuation: 2 }); // preceded by a and b
    expect(e.get(`${EOS_ID}`)).toEqual({ count: 1, continuation: 1 }); // preceded by b
    expect(e.get(`${BOS_ID}`)).toEqual({ count: 1, continuation: 0 }); // never predicted
    expect(e.get(`${A},${B}`)).toEqual({ count: 2, continuation: 2 }); // "BOS a b", "b a b"
    expect(e.get(`${BOS_ID},${A}`)).toEqual({ count: 1, continuation: 1 }); // starts with BOS: raw count
    expect(e.get(`${B},${B}`)).toEqual({ count: 1, continuation: 1 });
    expect(e.get(`${A},${B},${B}`)).toEqual({ count: 1, continuation: -1 });
    expect(e.size).toBe(4 + 5 + 5);
  });

  it('agrees with an independent Map-based count on random documents', () => {
    fc.assert(
      fc.property(documents(7), fc.integer({ min: 1, max: 5 }), (stream, order) => {
        const fromTrie = trieEntries(countNgrams(stream, order, 7));
        const naive = naiveCounts(stream, order);
        expect(new Map([...fromTrie].sort())).toEqual(new Map([...naive].sort()));
      }),
      { numRuns: 200 },
    );
  });

  it('finds children by binary search and answers −1 for unseen ones', () => {
    const counts = countNgrams(TOY, 3, 5);
    const a = findChild(counts, 1, -1, A);
    const ab = findChild(counts, 2, a, B);
    expect(counts.levels[1]!.token[ab]).toBe(B);
    expect(findChild(counts, 2, a, A)).toBe(-1);
    expect(findChild(counts, 1, -1, 2)).toBe(-1);
  });

  it('rejects tokens outside the vocabulary', () => {
    expect(() => countNgrams(Uint16Array.from([0, 9, 1]), 2, 5)).toThrow(/outside the vocabulary/);
  });
});

describe('KneserNeyModel(counts, options).probabilities(context, out)', () => {
  // Hand derivation on BOS a b a b b EOS (V = 5), bigram model (top level = raw counts):
  //   unigram continuation counts a(·): a 2, b 2, EOS 1, BOS 0 → total 5, 3 distinct;
  //   D1 = n1/(n1+2n2) = 1/(1+2·2) = 0.2; bigram raw counts 1,2,1,1,1 → D2 = 4/(4+2·1) = 2/3.
  //   p1(w) = max(a(w) − 0.2, 0)/5 + (0.2·3/5)·(1/5):
  //     p1(a) = p1(b) = 1.8/5 + 0.024 = 0.384, p1(EOS) = 0.8/5 + 0.024 = 0.184, p1(BOS) = p1(UNK) = 0.024.
  //   Context b: children (b a), (b b), (b EOS) once each → total 3, γ = (2/3)·3/3 = 2/3:
  //     p(a|b) = p(b|b) = (1 − 2/3)/3 + (2/3)·0.384 = 1/9 + 0.256, p(EOS|b) = 1/9 + (2/3)·0.184,
  //     p(BOS|b) = p(UNK|b) = (2/3)·0.024 = 0.016.
  //   Context a: child (a b) twice → total 2, γ = (2/3)·1/2 = 1/3:
  //     p(b|a) = (2 − 2/3)/2 + 0.384/3 = 2/3 + 0.128, p(a|a) = 0.128, p(EOS|a) = 0.184/3.
  it('matches a hand-computed bigram example', () => {
    const model = new KneserNeyModel(countNgrams(TOY, 2, 5), { order: 2, uniformFloor: true });
    expect(Array.from(model.discounts)).toEqual([0.2, 2 / 3]);
    const unigram = probabilities(model, []);
    expect(unigram[A]).toBeCloseTo(0.384, 14);
    expect(unigram[B]).toBeCloseTo(0.384, 14);
    expect(unigram[EOS_ID]).toBeCloseTo(0.184, 14);
    expect(unigram[BOS_ID]).toBeCloseTo(0.024, 14);
    expect(unigram[2]).toBeCloseTo(0.024, 14);
    const afterB = probabilities(model, [BOS_ID, A, B]);
    expect(afterB[A]).toBeCloseTo(1 / 9 + 0.256, 14);
    expect(afterB[B]).toBeCloseTo(1 / 9 + 0.256, 14);
    expect(afterB[EOS_ID]).toBeCloseTo(1 / 9 + (2 / 3) * 0.184, 14);
    expect(afterB[BOS_ID]).toBeCloseTo(0.016, 14);
    expect(afterB[2]).toBeCloseTo(0.016, 14);
    const afterA = probabilities(model, [A]);
    expect(afterA[B]).toBeCloseTo(2 / 3 + 0.128, 14);
    expect(afterA[A]).toBeCloseTo(0.128, 14);
    expect(afterA[EOS_ID]).toBeCloseTo(0.184 / 3, 14);
    // An unseen context (UNK) backs off to the unigram level.
    expect(Array.from(probabilities(model, [2]))).toEqual(Array.from(unigram));
  });

  // Trigram on the same corpus with discounts given as (0.2, 2/3, 1/2). The middle level now uses
  // continuation counts, which here equal the raw bigram counts ("a b" is preceded by BOS and b:
  // N₁₊ = 2), so p2(·|b) is the bigram p(·|b) above. Context "a b": children (a b a), (a b b) once
  // each → total 2, γ = 0.5·2/2 = 0.5:
  //   p(a|a b) = (1 − 0.5)/2 + 0.5·(1/9 + 0.256), p(EOS|a b) = 0.5·(1/9 + (2/3)·0.184).
  it('matches a hand-computed trigram example with given discounts', () => {
    const model = new KneserNeyModel(countNgrams(TOY, 3, 5), { order: 3, uniformFloor: true, discounts: [0.2, 2 / 3, 0.5] });
    const p = probabilities(model, [BOS_ID, A, B]);
    expect(p[A]).toBeCloseTo(0.25 + 0.5 * (1 / 9 + 0.256), 14);
    expect(p[B]).toBeCloseTo(0.25 + 0.5 * (1 / 9 + 0.256), 14);
    expect(p[EOS_ID]).toBeCloseTo(0.5 * (1 / 9 + (2 / 3) * 0.184), 14);
  });

  // Without the uniform floor the unigram level is a(w)/5 (a 0.4, b 0.4, EOS 0.2) and UNK, never
  // seen, gets exactly 0: p(a|b) = 1/9 + (2/3)·0.4.
  it('gives exact zeros to never-seen tokens without the uniform floor', () => {
    const model = new KneserNeyModel(countNgrams(TOY, 2, 5), { order: 2, uniformFloor: false });
    const p = probabilities(model, [B]);
    expect(p[A]).toBeCloseTo(1 / 9 + (2 / 3) * 0.4, 14);
    expect(p[2]).toBe(0);
    expect(p[BOS_ID]).toBe(0);
  });

  // lowestOrder 2 without the floor: unsmoothed bigram level, so after b: a, b, EOS once each →
  // 1/3 each and 0 elsewhere; after a: only "a b" → p(b|a) = 1. After UNK (never seen) the bigram
  // context is unknown and the unigram level a(w)/5 is used: a 0.4, b 0.4, EOS 0.2.
  it('stops at the unsmoothed level lowestOrder, falling back below it for unseen contexts', () => {
    const model = new KneserNeyModel(countNgrams(TOY, 2, 5), { order: 2, uniformFloor: false, lowestOrder: 2 });
    expect(Array.from(probabilities(model, [B]))).toEqual([0, 1 / 3, 0, 1 / 3, 1 / 3]);
    expect(Array.from(probabilities(model, [A]))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(probabilities(model, [2]))).toEqual([0, 0.2, 0, 0.4, 0.4]);
    expect(() => new KneserNeyModel(countNgrams(TOY, 2, 5), { order: 2, uniformFloor: false, lowestOrder: 3 })).toThrow(/lowestOrder/);
  });

  it('uses only the last order − 1 tokens of the context', () => {
    const model = new KneserNeyModel(countNgrams(TOY, 3, 5), { order: 2, uniformFloor: true });
    expect(Array.from(probabilities(model, [BOS_ID, A, B, A, B]))).toEqual(Array.from(probabilities(model, [B])));
  });

  it('sums to 1 for random corpora, orders, contexts and lowest orders, with and without the floor', () => {
    fc.assert(
      fc.property(
        documents(9),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 7 }),
        fc.integer({ min: 1, max: 5 }),
        (stream, order, uniformFloor, context, lowest) => {
          const counts = compactCounts(countNgrams(stream, order, 9), [order]);
          const model = new KneserNeyModel(counts, { order, uniformFloor, lowestOrder: Math.min(lowest, order) });
          const p = probabilities(model, context);
          let sum = 0;
          for (const x of p) {
            expect(x).toBeGreaterThanOrEqual(0);
            sum += x;
          }
          expect(sum).toBeCloseTo(1, 12);
          if (uniformFloor) expect(Math.min(...p)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an order above the counts or counts compacted away', () => {
    const counts = countNgrams(TOY, 2, 5);
    expect(() => new KneserNeyModel(counts, { order: 3, uniformFloor: true })).toThrow(/order/);
    const compact = compactCounts(counts, [2]); // raw counts kept at level 2 only
    expect(() => new KneserNeyModel(compact, { order: 2, uniformFloor: true })).not.toThrow();
    expect(() => new KneserNeyModel(compact, { order: 1, uniformFloor: true })).toThrow(/raw/);
  });
});
