/**
 * The built-in models' tokenizer: byte-pair encoding (Sennrich et al. 2016) over characters, with
 * GPT-2-style pre-splitting (a word keeps its leading space: " the"), trained on the Brown
 * corpus. With zero merges it is a character-level tokenizer.
 *
 * Ids: 0 = BOS, 1 = EOS, 2 = UNK (any character outside the alphabet after normalisation),
 * 3 … 3+|alphabet|−1 the characters, then one id per merge in merge order.
 *
 * Any text can be encoded: it is NFKD-normalised, accents dropped, typographic quotes and dashes
 * mapped to ASCII, tabs to spaces, and whatever is still outside the alphabet becomes UNK.
 */
import type { Tokenizer } from '../model.js';

export const BOS_ID = 0;
export const EOS_ID = 1;
export const UNK_ID = 2;
const SPECIAL_TEXT = ['<s>', '</s>', '\uFFFD'];

/** Printable ASCII and newline: everything the Brown text and typical prompts use. */
export const DEFAULT_ALPHABET: string = (() => {
  let s = '\n';
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  return s;
})();

/** What a trained tokenizer is: its alphabet and its merges (pairs of token ids, in order). */
export interface BpeTokenizerData {
  readonly alphabet: string;
  /** merges[k] = [left id, right id]; the merged token gets id 3 + alphabet.length + k. */
  readonly merges: readonly (readonly [number, number])[];
}

/** Pre-split: a word or number with its leading space, a run of other symbols, or whitespace. */
const CHUNK = / ?[A-Za-z]+| ?[0-9]+| ?[^A-Za-z0-9\s]+|\s+/g;

/** Maps text to the tokenizer's character set (see the file comment). */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\u00a0]/g, ' ');
}

function splitChunks(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

/** Learns `mergeCount` merges from the chunk frequencies of `texts` (classic word-frequency BPE). */
export function trainBpe(texts: Iterable<string>, mergeCount: number, alphabet = DEFAULT_ALPHABET): BpeTokenizerData {
  if (mergeCount <= 0) return { alphabet, merges: [] }; // character-level: nothing to learn
  const charId = new Map<string, number>();
  for (let i = 0; i < alphabet.length; i++) charId.set(alphabet[i]!, 3 + i);
  const chunkFrequency = new Map<string, number>();
  for (const text of texts) {
    for (const chunk of splitChunks(normalizeText(text))) chunkFrequency.set(chunk, (chunkFrequency.get(chunk) ?? 0) + 1);
  }
  // Each distinct chunk as a sequence of ids (a doubly linked list would be faster; chunk types are few).
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [chunk, f] of chunkFrequency) {
    words.push([...chunk].map((c) => charId.get(c) ?? UNK_ID));
    freq.push(f);
  }
  const merges: [number, number][] = [];
  let nextId = 3 + alphabet.length;
  const pairKey = (a: number, b: number): number => a * 65536 + b;
  for (let m = 0; m < mergeCount; m++) {
    const pairCounts = new Map<number, number>();
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      const f = freq[w]!;
      for (let i = 0; i + 1 < word.length; i++) {
        const key = pairKey(word[i]!, word[i + 1]!);
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + f);
      }
    }
    let bestKey = -1;
    let bestCount = 1; // a pair seen once is not worth a token
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && bestKey >= 0 && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestKey < 0) break;
    const left = Math.floor(bestKey / 65536);
    const right = bestKey % 65536;
    merges.push([left, right]);
    const id = nextId++;
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === left && word[i + 1] === right) word.splice(i, 2, id);
      }
    }
  }
  return { alphabet, merges };
}

/** A `Tokenizer` (models/model.ts) over trained BPE data, with a per-chunk cache. */
export class BpeTokenizer implements Tokenizer {
  readonly bos = BOS_ID;
  readonly eos = EOS_ID;
  readonly vocabSize: number;
  readonly data: BpeTokenizerData;
  private readonly pieces: string[];
  private readonly charId = new Map<string, number>();
  private readonly mergeRank = new Map<number, number>();
  private readonly cache = new Map<string, readonly number[]>();

  constructor(data: BpeTokenizerData) {
    this.data = data;
    this.pieces = [...SPECIAL_TEXT];
    for (let i = 0; i < data.alphabet.length; i++) {
      const c = data.alphabet[i]!;
      this.charId.set(c, 3 + i);
      this.pieces.push(c);
    }
    data.merges.forEach(([a, b], k) => {
      this.mergeRank.set(a * 65536 + b, k);
      this.pieces.push(this.pieces[a]! + this.pieces[b]!);
    });
    this.vocabSize = this.pieces.length;
  }

  encode(text: string, options?: { bos?: boolean }): number[] {
    const ids: number[] = options?.bos === false ? [] : [BOS_ID];
    const normalized = normalizeText(text);
    if (this.data.merges.length === 0) {
      for (const c of normalized) ids.push(this.charId.get(c) ?? UNK_ID);
      return ids;
    }
    for (const chunk of splitChunks(normalized)) {
      for (const id of this.encodeChunk(chunk)) ids.push(id);
    }
    return ids;
  }

  private encodeChunk(chunk: string): readonly number[] {
    const cached = this.cache.get(chunk);
    if (cached !== undefined) return cached;
    const ids = [...chunk].map((c) => this.charId.get(c) ?? UNK_ID);
    const alphabetEnd = 3 + this.data.alphabet.length;
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const rank = this.mergeRank.get(ids[i]! * 65536 + ids[i + 1]!);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      ids.splice(bestAt, 2, alphabetEnd + bestRank);
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(chunk, ids);
    return ids;
  }

  decode(ids: readonly number[]): string {
    let out = '';
    for (const id of ids) {
      if (id === BOS_ID || id === EOS_ID) continue;
      out += this.pieces[id] ?? SPECIAL_TEXT[UNK_ID]!;
    }
    return out;
  }

  tokenText(id: number): string {
    return this.pieces[id] ?? `<${id}>`;
  }
}
