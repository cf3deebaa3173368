/**
 * `specbound import`: server responses saved one JSON response per line → a trace file. Two passes
 * over the inputs: the first finds the model name and assigns token ids (so the header, written
 * first, can carry the token table), the second writes the positions. Every bad line is an
 * InputFileError naming the input file and line; the output appears only when complete.
 */
import { InputFileError } from '../../core/errors.js';
import { readLines } from '../read-lines.js';
import { checkDistribution } from '../position-distribution.js';
import { DEFAULT_TOLERANCE } from '../trace-reader.js';
import { createTraceWriter } from '../trace-writer.js';
import type { TraceHeaderInput } from '../trace-writer.js';
import { TokenTable } from '../token-table.js';
import type { ImportFormat, ImportedPosition, ImportedResponse, TokenRef } from './response-formats.js';
import { extractResponse, ResponseShapeError } from './response-formats.js';

export interface ImportOptions {
  readonly format: ImportFormat;
  readonly inputs: readonly string[];
  readonly output: string;
  /** V. Required unless every token is named by id and `vocab` gives the size. */
  readonly vocabSize: number;
  /** token text → id (from `--vocab`); without it ids are assigned (see token-table.ts). */
  readonly vocab?: Map<string, number> | undefined;
  readonly model?: string | undefined;
  readonly tokenizer?: string | undefined;
  readonly temperature?: number | undefined;
  readonly promptSet?: string | undefined;
  /** Task label for every sequence (a line's own `task` field wins). */
  readonly task?: string | undefined;
  readonly tolerance?: number | undefined;
  readonly renormalize?: boolean | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
}

export interface ImportResult {
  readonly sequences: number;
  readonly positions: number;
  readonly renormalized: number;
}

/** Converts `inputs` into the trace `output`. */
export async function importResponses(options: ImportOptions): Promise<ImportResult> {
  const table = new TokenTable(options.vocabSize, options.vocab);
  // Pass 1: model name and token ids (same order as pass 2, so the ids agree).
  let model = options.model;
  for (const file of options.inputs) {
    for await (const { response, line } of responses(options.format, file)) {
      model ??= response.model;
      forEachPosition(response, (p) => {
        resolve(table, p.token, file, line, 0);
        countVariants(p).forEach((variant, i) => resolve(table, p.top[i]!.token, file, line, variant));
      });
    }
  }
  const header: TraceHeaderInput = {
    model: model ?? 'unknown',
    tokenizer: options.tokenizer ?? 'unknown',
    vocabSize: options.vocabSize,
    temperature: options.temperature ?? 1,
    promptSet: options.promptSet ?? 'unknown',
    source: `specbound import --from ${options.format}`,
  };
  const tokens = table.tokens();
  if (tokens !== undefined) header.tokens = tokens;
  const writer = await createTraceWriter(options.output, header);
  const checks = { tolerance: options.tolerance ?? DEFAULT_TOLERANCE, renormalize: options.renormalize ?? false };
  let sequences = 0;
  let positions = 0;
  let renormalized = 0;
  let worst = { by: 0, where: '' };
  try {
    for (const file of options.inputs) {
      for await (const { response, line } of responses(options.format, file)) {
        for (const s of response.sequences) {
          const seq = sequences++;
          for (const p of s.positions) {
            const variants = countVariants(p);
            const ids = p.top.map((e, i) => resolve(table, e.token, file, line, variants[i]!));
            const merged = mergeDuplicates(ids, p.top.map((e) => e.logprob));
            const extraId = p.extra === undefined ? undefined : resolve(table, p.extra, file, line, 0);
            const cap = capWithout(merged, extraId);
            const raw = cap === undefined ? { ids: merged.ids, logprobs: merged.logprobs } : { ids: merged.ids, logprobs: merged.logprobs, cap };
            const { distribution, renormalizedBy } = checkDistribution(raw, options.vocabSize, checks, file, line, p.where);
            if (renormalizedBy > 0) {
              renormalized++;
              if (renormalizedBy > worst.by) worst = { by: renormalizedBy, where: `${file}:${line}` };
            }
            const token = p.token === undefined ? undefined : resolve(table, p.token, file, line, 0);
            await writer.write({ seq, pos: p.pos, token, task: response.task ?? options.task, dist: distribution });
            positions++;
          }
        }
      }
    }
    if (positions === 0) throw new InputFileError(options.inputs.join(', '), undefined, 'no positions with logprobs found');
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  if (renormalized > 0) {
    options.onWarning?.(`renormalised ${renormalized} distribution${renormalized === 1 ? '' : 's'} whose probabilities summed to more than 1 (largest deviation ${worst.by.toPrecision(3)} at ${worst.where})`);
  }
  return { sequences, positions, renormalized };
}

async function* responses(format: ImportFormat, file: string): AsyncGenerator<{ response: ImportedResponse; line: number }> {
  let any = false;
  for await (const l of readLines(file)) {
    any = true;
    let json: unknown;
    try {
      json = JSON.parse(l.text);
    } catch (err) {
      throw new InputFileError(file, l.line, `malformed JSON (${err instanceof Error ? err.message : String(err)}); expected one JSON response per line`);
    }
    try {
      yield { response: extractResponse(format, json), line: l.line };
    } catch (err) {
      if (err instanceof ResponseShapeError) throw new InputFileError(file, l.line, err.message);
      throw err;
    }
  }
  if (!any) throw new InputFileError(file, undefined, 'empty file: expected one JSON response per line');
}

function forEachPosition(r: ImportedResponse, f: (p: ImportedPosition) => void): void {
  for (const s of r.sequences) for (const p of s.positions) f(p);
}

/** For each top entry, how many earlier entries of the same position had the same text (0 for the first). */
function countVariants(p: ImportedPosition): number[] {
  const seen = new Map<string, number>();
  return p.top.map((e) => {
    if (!('text' in e.token)) return 0;
    const n = seen.get(e.token.text) ?? 0;
    seen.set(e.token.text, n + 1);
    return n;
  });
}

function resolve(table: TokenTable, ref: TokenRef | undefined, file: string, line: number, variant: number): number {
  if (ref === undefined) return -1;
  if ('id' in ref) {
    if (!(ref.id >= 0 && ref.id < table.vocabSize)) throw new InputFileError(file, line, `token id ${ref.id} is outside the vocabulary [0, ${table.vocabSize})`);
    return ref.id;
  }
  return table.idOf(ref.text, file, line, variant);
}

/**
 * The cap on unlisted tokens when entry `extraId` may lie outside the top k: the smallest probability
 * among the other entries (1, i.e. no cap beyond the tail mass, when it is the only entry). Undefined
 * when the usual cap (the smallest listed probability) already holds: no extra entry, or the extra
 * entry is not the least probable (then it is inside the top k, and the smallest entry is the k-th).
 * @example capWithout({ ids: [1, 2, 3], logprobs: [ln .5, ln .3, ln .05] }, 3) // 0.3
 */
export function capWithout(list: { ids: number[]; logprobs: number[] }, extraId: number | undefined): number | undefined {
  if (extraId === undefined) return undefined;
  const at = list.ids.indexOf(extraId);
  if (at < 0) return undefined;
  let others = Number.POSITIVE_INFINITY;
  list.logprobs.forEach((l, i) => {
    if (i !== at) others = Math.min(others, l);
  });
  if (others === Number.POSITIVE_INFINITY) return 1;
  if (list.logprobs[at]! > others) return undefined;
  return Math.exp(others);
}

/** Entries naming the same id (two texts mapping to one vocabulary entry) are merged: p = Σ. */
function mergeDuplicates(ids: number[], logprobs: number[]): { ids: number[]; logprobs: number[] } {
  if (new Set(ids).size === ids.length) return { ids, logprobs };
  const mass = new Map<number, number>();
  ids.forEach((id, i) => mass.set(id, (mass.get(id) ?? 0) + Math.exp(logprobs[i]!)));
  return { ids: [...mass.keys()], logprobs: [...mass.values()].map(Math.log) };
}
