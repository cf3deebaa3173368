/**
 * Turns the `dist` / `draft` object of a trace line into a checked `TokenDistribution`, or throws
 * InputFileError naming file:line and the problem (id outside the vocabulary, a probability above
 * 1, a sum off 1 by more than the tolerance, …).
 */
import { InputFileError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { fromTopLogprobs } from '../distribution/sparse.js';
import { logSoftmax } from '../distribution/log-softmax.js';
import type { TraceDistributionJson } from './trace-schema.js';

/** How strictly probabilities are checked. */
export interface ProbabilityChecks {
  /** Largest accepted |Σ p − 1| (top-k: Σ p + tail); default 1e−3. */
  readonly tolerance: number;
  /** Rescale distributions whose sum is off by more than the tolerance instead of rejecting them. */
  readonly renormalize: boolean;
}

/** A parsed distribution and how far its sum was from 1 (0 when within tolerance). */
export interface CheckedDistribution {
  readonly distribution: TokenDistribution;
  /** |Σ p − 1| when the distribution was renormalised beyond the tolerance, else 0. */
  readonly renormalizedBy: number;
}

/**
 * |Σ p − 1| up to which a full distribution counts as normalised and is not rescaled: rounding
 * of a log-softmax in float64 over V tokens stays below ~V·2⁻⁵³ (1.4e-11 for V = 128k).
 */
export const NORMALISED_UP_TO = 1e-9;

export function checkDistribution(
  raw: TraceDistributionJson,
  vocabSize: number,
  checks: ProbabilityChecks,
  file: string,
  line: number,
  field: string,
): CheckedDistribution {
  const fail = (problem: string): never => {
    throw new InputFileError(file, line, `${field}: ${problem}`);
  };
  if ('logits' in raw) {
    if (raw.logits.length !== vocabSize) fail(`${raw.logits.length} logits, but the header says vocabSize ${vocabSize}`);
    const logits = Float64Array.from(raw.logits, (x) => (x === null ? -Infinity : x));
    if (!logits.some((x) => x > -Infinity)) fail('every logit is null (no possible token)');
    return { distribution: { kind: 'dense', logProbs: logSoftmax(logits) }, renormalizedBy: 0 };
  }
  if ('ids' in raw) {
    const { ids, logprobs } = raw;
    if (ids.length !== logprobs.length) fail(`${ids.length} ids but ${logprobs.length} logprobs`);
    const seen = new Set<number>();
    let sum = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= vocabSize) fail(`token id ${id} is outside the vocabulary [0, ${vocabSize})`);
      if (seen.has(id)) fail(`token id ${id} is listed twice`);
      seen.add(id);
      const lp = logprobs[i]!;
      if (lp > checks.tolerance) fail(`logprob ${lp} of token ${id} is > 0 (probability ${Math.exp(lp).toPrecision(4)} > 1)`);
      sum += Math.exp(lp);
    }
    if (raw.tail !== undefined && raw.tail < -checks.tolerance) fail(`tail mass ${raw.tail} is negative`);
    if (raw.cap !== undefined && !(raw.cap > 0 && raw.cap <= 1)) fail(`cap ${raw.cap} is not a probability in (0, 1]`);
    const total = sum + (raw.tail ?? Math.max(0, 1 - sum));
    const off = Math.abs(total - 1);
    const what = raw.tail === undefined ? `probabilities sum to ${sum.toPrecision(6)}` : `probabilities plus tail sum to ${total.toPrecision(6)}`;
    let scale = 1;
    let renormalizedBy = 0;
    if (off > checks.tolerance) {
      if (!checks.renormalize) fail(`${what}, off 1 by ${off.toPrecision(3)} (tolerance ${checks.tolerance}; --renormalize accepts and rescales)`);
      renormalizedBy = off;
      scale = 1 / total;
    } else if (sum > 1) {
      scale = 1 / sum; // within tolerance: rounding, absorb it
    }
    const shift = Math.log(scale);
    const d = fromTopLogprobs(
      vocabSize,
      ids,
      logprobs.map((l) => Math.min(0, l + shift)),
    );
    const withCap = raw.cap === undefined ? d : { ...d, tailCap: Math.min(1, raw.cap * scale) };
    if (raw.tail !== undefined) {
      const tail = Math.max(0, raw.tail * scale);
      return { distribution: { ...withCap, tailMass: ids.length === vocabSize ? 0 : Math.min(tail, 1) }, renormalizedBy };
    }
    return { distribution: ids.length === vocabSize ? { ...withCap, tailMass: 0 } : withCap, renormalizedBy };
  }
  const lps = raw.logprobs;
  if (lps.length !== vocabSize) fail(`${lps.length} logprobs for a full distribution, but the header says vocabSize ${vocabSize}`);
  const out = new Float64Array(vocabSize);
  let sum = 0;
  for (let i = 0; i < vocabSize; i++) {
    const lp = lps[i] ?? null;
    if (lp === null) {
      out[i] = -Infinity;
      continue;
    }
    if (lp > checks.tolerance) fail(`logprob ${lp} of token ${i} is > 0 (probability > 1)`);
    out[i] = lp;
    sum += Math.exp(lp);
  }
  const off = Math.abs(sum - 1);
  if (off > checks.tolerance && !checks.renormalize) {
    fail(`probabilities sum to ${sum.toPrecision(6)}, off 1 by ${off.toPrecision(3)} (tolerance ${checks.tolerance}; --renormalize accepts and rescales)`);
  }
  if (!(sum > 0)) fail('every logprob is null (no possible token)');
  // A distribution normalised up to rounding is kept bit for bit (rescaling by 1 ± 1e-16 would
  // only perturb the last bits), so `stats` on a measured trace reproduces the run's numbers.
  if (off <= NORMALISED_UP_TO) return { distribution: { kind: 'dense', logProbs: out }, renormalizedBy: 0 };
  const shift = Math.log(sum);
  for (let i = 0; i < vocabSize; i++) out[i] = out[i]! - shift;
  return { distribution: { kind: 'dense', logProbs: out }, renormalizedBy: off > checks.tolerance ? off : 0 };
}
