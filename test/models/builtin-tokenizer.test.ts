import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BOS_ID, BpeTokenizer, DEFAULT_ALPHABET, normalizeText, trainBpe, UNK_ID } from '../../src/models/builtin/tokenizer.js';

const TEXTS = ['the cat sat on the mat', 'the dog sat on the log', 'then the cat ran'];

describe('trainBpe(texts, merges) and BpeTokenizer', () => {
  it('with zero merges is character-level: one id per character, 3 + alphabet index', () => {
    const tok = new BpeTokenizer(trainBpe(TEXTS, 0));
    expect(tok.vocabSize).toBe(3 + DEFAULT_ALPHABET.length); // 99: BOS, EOS, UNK, "\n" and 95 printable ASCII
    expect(tok.encode('Ab')).toEqual([BOS_ID, 3 + DEFAULT_ALPHABET.indexOf('A'), 3 + DEFAULT_ALPHABET.indexOf('b')]);
  });

  // Hand count over the chunks of TEXTS ("the", " cat", " sat", " on", " the", " mat" / "the",
  // " dog", " sat", " on", " the", " log" / "then", " the", " cat", " ran"): ("t","h") and ("h","e")
  // both occur 6 times (2× "the", 3× " the", 1× "then"), ("a","t") 5 times. The tie goes to the
  // smaller pair key, ("h","e") (h = id 76 < t = id 88); then ("t","he") occurs 6 times.
  it('learns the most frequent pairs first', () => {
    const data = trainBpe(TEXTS, 2);
    const id = (c: string) => 3 + DEFAULT_ALPHABET.indexOf(c);
    const he = 3 + DEFAULT_ALPHABET.length;
    expect(data.merges).toEqual([
      [id('h'), id('e')],
      [id('t'), he],
    ]);
    const tok = new BpeTokenizer(data);
    expect(tok.encode('the', { bos: false })).toEqual([he + 1]);
    expect(tok.encode(' then', { bos: false })).toEqual([id(' '), he + 1, id('n')]);
    expect(tok.tokenText(he + 1)).toBe('the');
  });

  it('decode(encode(text)) returns any printable-ASCII text unchanged, with or without merges', () => {
    const tokenizers = [new BpeTokenizer(trainBpe(TEXTS, 0)), new BpeTokenizer(trainBpe(TEXTS, 20))];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...DEFAULT_ALPHABET) }), (text) => {
        for (const tok of tokenizers) expect(tok.decode(tok.encode(text))).toBe(text);
      }),
    );
  });

  it('maps everything else to the alphabet or to UNK, never throwing', () => {
    expect(normalizeText('Ça “va” — l’été…\r\n')).toBe('Ca "va" - l\'ete...\n');
    const tok = new BpeTokenizer(trainBpe(TEXTS, 0));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const ids = tok.encode(text);
        for (const id of ids) expect(id).toBeLessThan(tok.vocabSize);
      }),
    );
    expect(tok.encode('中', { bos: false })).toEqual([UNK_ID]);
  });
});
