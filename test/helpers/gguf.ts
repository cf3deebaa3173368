/**
 * Shared set-up of the gguf: tests: stories260K converted once per test file, and whether
 * node-llama-cpp is installed (scripts/test-all.sh installs its CPU build; SPECBOUND_REQUIRE_GGUF=1 turns a
 * missing package into a failure instead of a skip).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLlama2cCheckpoint } from '../../src/models/llama2c/checkpoint.js';
import { readLlama2cTokenizer } from '../../src/models/llama2c/tokenizer.js';
import { convertLlama2cToGguf } from '../../src/models/gguf/convert-llama2c.js';
import { SHARED } from './cli.js';

export const STORIES_DIR = path.join(SHARED, 'models', 'stories260K');
export const STORIES = path.join(STORIES_DIR, 'stories260K.bin');
export const STORIES_TOKENIZER = path.join(STORIES_DIR, 'tok512.bin');

// A string, not a literal, so tsc does not resolve the optional package at compile time.
const NODE_LLAMA_CPP: string = 'node-llama-cpp';

export const nodeLlamaCppInstalled: boolean = await import(NODE_LLAMA_CPP).then(
  () => true,
  () => false,
);
if (!nodeLlamaCppInstalled && process.env.SPECBOUND_REQUIRE_GGUF === '1') {
  throw new Error('SPECBOUND_REQUIRE_GGUF=1 but node-llama-cpp is not installed (run bash scripts/install-node-llama-cpp.sh)');
}

/** stories260K as GGUF in a fresh temporary folder. */
export async function convertStories(): Promise<string> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'gguf-')), 'stories260K.gguf');
  const checkpoint = await readLlama2cCheckpoint(STORIES);
  const tokenizer = await readLlama2cTokenizer(STORIES_TOKENIZER, checkpoint.config.vocabSize, STORIES);
  await convertLlama2cToGguf(checkpoint, tokenizer, out, 'stories260K');
  return out;
}
