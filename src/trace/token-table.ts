/**
 * Token strings → token ids, for importing server responses that name tokens by their text.
 * In order:
 * 1. `token_id:123` (vLLM `--return-tokens-as-token-ids`) is id 123.
 * 2. With a vocabulary (`--vocab`: a JSON array of token strings, a {token: id} object, or a
 *    Hugging Face tokenizer.json), the text is looked up as is, then in GPT-2 byte-level form
 *    (" the" → "Ġthe"), then in SentencePiece form (" the" → "▁the"), then as a byte token
 *    (`<0x0A>`). Text not in the vocabulary is an error.
 * 3. Without a vocabulary, ids are assigned in order of first appearance and the table is written
 *    to the trace header (`tokens`), so the trace stays self-describing. μ, μ₂, μ_CE and π₀ depend
 *    only on probabilities, so these ids are as good as the model's for statistics; they do not
 *    match the model's own ids.
 */
import { readInputJson } from '../core/input-file.js';
import { InputFileError } from '../core/errors.js';

export class TokenTable {
  /** V; ids must be < V. */
  readonly vocabSize: number;
  private readonly vocab: Map<string, number> | undefined;
  private readonly assigned = new Map<string, number>();
  private readonly assignedTexts: string[] = [];

  constructor(vocabSize: number, vocab?: Map<string, number>) {
    this.vocabSize = vocabSize;
    this.vocab = vocab;
  }

  /** Whether ids are assigned here (no vocabulary given). */
  get assigns(): boolean {
    return this.vocab === undefined;
  }

  /** The assigned table (id → text), when ids were assigned. */
  tokens(): string[] | undefined {
    return this.assigns && this.assignedTexts.length > 0 ? [...this.assignedTexts] : undefined;
  }

  /**
   * The id of token `text`; `file`/`line` locate it for error messages. `variant` > 0 asks for a
   * distinct id for the variant-th repeat of the same text at one position (servers may list two
   * different tokens that decode to the same text), when ids are assigned.
   */
  idOf(text: string, file: string, line: number, variant = 0): number {
    const m = /^token_id:(\d+)$/.exec(text);
    if (m !== null) {
      const id = Number(m[1]);
      if (id >= this.vocabSize) throw new InputFileError(file, line, `token id ${id} (${JSON.stringify(text)}) is outside the vocabulary [0, ${this.vocabSize})`);
      return id;
    }
    if (this.vocab !== undefined) {
      const id = lookup(this.vocab, text);
      if (id === undefined) throw new InputFileError(file, line, `token ${JSON.stringify(text)} is not in the vocabulary given with --vocab`);
      if (id >= this.vocabSize) throw new InputFileError(file, line, `token ${JSON.stringify(text)} has id ${id}, outside [0, ${this.vocabSize})`);
      return id;
    }
    const key = variant === 0 ? text : `${text}\u0000${variant}`;
    let id = this.assigned.get(key);
    if (id === undefined) {
      id = this.assignedTexts.length;
      if (id >= this.vocabSize) {
        throw new InputFileError(file, line, `more than --vocab-size ${this.vocabSize} distinct tokens (at ${JSON.stringify(text)}): is --vocab-size right?`);
      }
      this.assigned.set(key, id);
      this.assignedTexts.push(text);
    }
    return id;
  }
}

/** Reads a vocabulary file: JSON array of strings, {token: id} object, or HF tokenizer.json. */
export async function readVocabulary(file: string): Promise<Map<string, number>> {
  const raw = await readInputJson(file);
  const map = new Map<string, number>();
  const addObject = (o: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isInteger(v) && v >= 0) map.set(k, v);
  };
  if (Array.isArray(raw)) {
    raw.forEach((t, i) => {
      if (typeof t === 'string' && !map.has(t)) map.set(t, i);
    });
  } else if (typeof raw === 'object' && raw !== null) {
    const o = raw as { model?: { vocab?: unknown }; added_tokens?: unknown };
    if (typeof o.model?.vocab === 'object' && o.model.vocab !== null && !Array.isArray(o.model.vocab)) {
      addObject(o.model.vocab as Record<string, unknown>);
      if (Array.isArray(o.added_tokens)) {
        for (const t of o.added_tokens as { id?: unknown; content?: unknown }[]) {
          if (typeof t.content === 'string' && typeof t.id === 'number') map.set(t.content, t.id);
        }
      }
    } else if (Array.isArray(o.model?.vocab)) {
      // Unigram tokenizer.json: vocab is [[piece, score], ...], id = index
      (o.model.vocab as unknown[]).forEach((e, i) => {
        if (Array.isArray(e) && typeof e[0] === 'string') map.set(e[0], i);
      });
    } else addObject(raw as Record<string, unknown>);
  }
  // Two different token strings on one id would merge their probabilities silently.
  const byId = new Map<number, string>();
  for (const [token, id] of map) {
    const other = byId.get(id);
    if (other !== undefined && other !== token) {
      throw new InputFileError(file, undefined, `tokens ${JSON.stringify(other)} and ${JSON.stringify(token)} both have id ${id}; a vocabulary maps each id to one token`);
    }
    byId.set(id, token);
  }
  if (map.size === 0) throw new InputFileError(file, undefined, 'no tokens found: expected a JSON array of token strings, a {"token": id} object, or a tokenizer.json');
  return map;
}

function lookup(vocab: Map<string, number>, text: string): number | undefined {
  const direct = vocab.get(text);
  if (direct !== undefined) return direct;
  const bytes = Buffer.from(text, 'utf8');
  const byteLevel = vocab.get(Array.from(bytes, (b) => BYTE_TO_UNICODE[b]!).join(''));
  if (byteLevel !== undefined) return byteLevel;
  const piece = vocab.get(text.replace(/ /g, '\u2581'));
  if (piece !== undefined) return piece;
  if (bytes.length === 1) return vocab.get(`<0x${bytes[0]!.toString(16).toUpperCase().padStart(2, '0')}>`);
  return undefined;
}

/** GPT-2's byte → printable character map (bytes_to_unicode), used by byte-level BPE vocabularies. */
const BYTE_TO_UNICODE: string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
  return out;
})();
