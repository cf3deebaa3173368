/**
 * Builds an empirical law from a trace file (`specbound-trace` JSONL, plain or gzip): every
 * recorded verifier distribution becomes one entry of the bank; with `drafter: true` every
 * (dist, draft) pair becomes one entry of a drafter bank (q-greedy trees, Lemma 7).
 */
import { InputFileError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { openTrace } from '../trace/trace-reader.js';
import type { ChildLaw } from './child-law.js';
import { empiricalDrafterLaw, type DistributionPair } from './empirical-drafter-law.js';
import { empiricalLaw } from './empirical-law.js';

export interface TraceLawOptions {
  /** Children kept per distribution (a tree of P nodes needs P − 1). */
  readonly keepTop?: number;
  /** Use the trace's drafter distributions: q-greedy trees scored with p. */
  readonly drafter?: boolean;
  /** Receives the trace reader's warnings. */
  readonly onWarning?: (message: string) => void;
}

export async function traceLaw(file: string, options: TraceLawOptions = {}): Promise<ChildLaw> {
  const trace = await openTrace(file, options.onWarning === undefined ? {} : { onWarning: options.onWarning });
  const keep = options.keepTop === undefined ? {} : { keepTop: options.keepTop };
  const verifier: TokenDistribution[] = [];
  const pairs: DistributionPair[] = [];
  for await (const position of trace.positions()) {
    if (options.drafter === true) {
      if (position.draft === undefined) throw new InputFileError(file, position.line, 'no "draft" distribution at this position, but a drafter simulation was asked for');
      pairs.push({ verifier: position.dist, drafter: position.draft });
    } else {
      verifier.push(position.dist);
    }
  }
  if (verifier.length + pairs.length === 0) throw new InputFileError(file, undefined, 'the trace has a header but no positions');
  return options.drafter === true
    ? empiricalDrafterLaw(pairs, { ...keep, source: file })
    : empiricalLaw(verifier, { ...keep, source: file });
}
