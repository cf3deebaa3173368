/**
 * An empirical bank: every node draws its child distribution uniformly from recorded
 * distributions (e.g. a verifier's next-token distributions along sampled text). This is the
 * i.i.d. model of the paper (Assumption 2) fitted to real data.
 *
 * Each distribution keeps its `keepTop` most probable tokens explicitly; the rest of its mass is
 * stored as a uniform tail over the remaining tokens. A tree of P nodes never uses a child of
 * rank ≥ P − 1, so the simulation is exact whenever P ≤ keepTop + 1 (`exactRanks`). Sparse
 * (top-k) distributions have an unknown tail shape: the bank spreads it uniformly over the
 * V − k unlisted tokens (the "spread" end of docs/conventions.md's interval). μ and μ₂ are computed from the
 * full distributions as given.
 */
import { InvalidValueError } from '../core/errors.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import type { ChildLaw } from './child-law.js';
import { createChildTable, type RankedProbabilities } from './child-table.js';
import { tableLaw } from './table-law.js';

export interface EmpiricalLawOptions {
  /** Explicit tokens kept per distribution (default 4096: exact for trees up to 4097 nodes). */
  readonly keepTop?: number;
  /** Where the distributions came from, for error messages and the description (e.g. a file name). */
  readonly source?: string;
}

/** Largest |Σ p − 1| accepted before renormalising a recorded distribution. */
const NORMALISATION_TOLERANCE = 1e-3;

/**
 * The empirical law over `distributions` (each equally likely).
 * @example empiricalLaw([{kind: 'dense', logProbs: Float64Array.of(Math.log(0.75), Math.log(0.25))}]).mu // H(3/4, 1/4) ≈ 0.5623
 */
export function empiricalLaw(distributions: readonly TokenDistribution[], options: EmpiricalLawOptions = {}): ChildLaw {
  const source = options.source ?? 'empirical bank';
  const keepTop = options.keepTop ?? 4096;
  if (!(Number.isSafeInteger(keepTop) && keepTop >= 1)) throw new RangeError(`empiricalLaw: keepTop must be a positive integer, got ${keepTop}`);
  if (distributions.length === 0) throw new InvalidValueError('empirical bank', '(empty)', 'needs at least one recorded distribution', source);
  const entries: RankedProbabilities[] = [];
  let mu = 0;
  let mu2 = 0;
  distributions.forEach((dist, i) => {
    const where = `${source} #${i + 1}`;
    const ranked = rankedProbabilities(dist, where);
    mu += ranked.entropy / distributions.length;
    mu2 += ranked.secondLogMoment / distributions.length;
    entries.push(truncate(ranked, keepTop));
  });
  return tableLaw({
    table: createChildTable(entries, source),
    description: { kind: 'empirical', source, distributions: distributions.length },
    moments: { mu, mu2 },
    exactRanks: keepTop,
  });
}

/** A recorded distribution as decreasing probabilities plus a uniform tail, with its H and Σ p ln² p. */
export interface Ranked {
  /** Explicit probabilities, decreasing, normalised together with the tail. */
  readonly probs: Float64Array;
  readonly tailCount: number;
  readonly tailProb: number;
  readonly entropy: number;
  readonly secondLogMoment: number;
}

/** Normalises and ranks one recorded distribution (sparse tails spread uniformly over unlisted tokens). */
export function rankedProbabilities(dist: TokenDistribution, where: string): Ranked {
  let probs: Float64Array;
  let tailCount = 0;
  let tailMass = 0;
  if (dist.kind === 'dense') {
    const values: number[] = [];
    for (let i = 0; i < dist.logProbs.length; i++) {
      const lp = dist.logProbs[i]!;
      if (Number.isNaN(lp) || lp > 1e-9) throw new InvalidValueError('log-probability', lp, `token ${i} must be <= 0`, where);
      if (lp > Number.NEGATIVE_INFINITY) values.push(Math.exp(lp));
    }
    probs = Float64Array.from(values).sort().reverse();
  } else {
    probs = new Float64Array(dist.logProbs.length);
    for (let k = 0; k < probs.length; k++) {
      const lp = dist.logProbs[k]!;
      if (Number.isNaN(lp) || lp > 1e-9) throw new InvalidValueError('log-probability', lp, `rank ${k} must be <= 0`, where);
      probs[k] = Math.exp(lp);
    }
    probs = probs.filter((p) => p > 0);
    tailMass = dist.tailMass;
    tailCount = dist.vocabSize - dist.logProbs.length;
    if (!(tailMass >= 0)) throw new InvalidValueError('tail mass', tailMass, 'must be >= 0', where);
    if (tailMass > 0 && tailCount <= 0) throw new InvalidValueError('tail mass', tailMass, 'is positive but every token of the vocabulary is listed', where);
    if (tailMass === 0) tailCount = 0;
  }
  let total = tailMass;
  for (const p of probs) total += p;
  if (!(Math.abs(total - 1) <= NORMALISATION_TOLERANCE)) throw new InvalidValueError('distribution', total, 'probabilities must sum to 1', where);
  for (let k = 0; k < probs.length; k++) probs[k]! /= total;
  const tailProb = tailCount > 0 ? tailMass / total / tailCount : 0;
  let entropy = 0;
  let secondLogMoment = 0;
  for (const p of probs) {
    const l = Math.log(p);
    entropy -= p * l;
    secondLogMoment += p * l * l;
  }
  if (tailCount > 0) {
    const l = Math.log(tailProb);
    entropy -= tailCount * tailProb * l;
    secondLogMoment += tailCount * tailProb * l * l;
  }
  return { probs, tailCount, tailProb, entropy, secondLogMoment };
}

function truncate(r: Ranked, keepTop: number): RankedProbabilities {
  if (r.probs.length <= keepTop) return { probs: r.probs, tailCount: r.tailCount, tailProb: r.tailProb };
  // Lump the dropped explicit tokens and the old tail into one uniform tail of the same mass.
  let dropped = r.tailCount * r.tailProb;
  for (let k = keepTop; k < r.probs.length; k++) dropped += r.probs[k]!;
  const count = r.probs.length - keepTop + r.tailCount;
  return { probs: r.probs.subarray(0, keepTop), tailCount: count, tailProb: dropped / count };
}
