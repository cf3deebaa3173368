/**
 * A fixed set of child distributions, each stored as probabilities sorted in decreasing order
 * (rank k = the k-th most probable child) followed by an optional uniform tail: `tailCounts[d]`
 * further children of probability `tailProbs[d]` each. The uniform tail lets a law describe a
 * huge vocabulary (a top-k distribution whose remaining mass is spread over V − k tokens)
 * without storing it. Rank order is what the best-first enumerator needs; token ids are ranks.
 */
import { InvalidValueError } from '../core/errors.js';

export interface ChildTable {
  /** Explicit probabilities of every entry, back to back, each entry in decreasing order. */
  readonly probs: Float64Array;
  /** Start of entry d in `probs`. */
  readonly offsets: Int32Array;
  /** Number of explicit probabilities of entry d. */
  readonly lengths: Int32Array;
  /** Number of children in the uniform tail of entry d (0 if none). */
  readonly tailCounts: Float64Array;
  /** Probability of each tail child of entry d (≤ its last explicit probability). */
  readonly tailProbs: Float64Array;
  /**
   * Drafter tables only: the verifier's probability p of each explicit child, while `probs` holds
   * the drafter's q that orders them. Drafter tables have no tails.
   */
  readonly values?: Float64Array;
}

/** One distribution to put in a table: explicit decreasing probabilities and an optional uniform tail. */
export interface RankedProbabilities {
  readonly probs: ArrayLike<number>;
  readonly tailCount?: number;
  readonly tailProb?: number;
}

/** Relative tolerance on Σ p = 1 for distributions handed to a table. */
const SUM_TOLERANCE = 1e-6;

/**
 * Packs distributions into a `ChildTable`, checking each is sorted, positive and sums to 1.
 * `source` names where the distributions came from, for error messages.
 */
export function createChildTable(entries: readonly RankedProbabilities[], source = 'child distribution'): ChildTable {
  if (entries.length === 0) throw new InvalidValueError('law', '(empty)', 'needs at least one child distribution', source);
  let total = 0;
  for (const e of entries) total += e.probs.length;
  const probs = new Float64Array(total);
  const offsets = new Int32Array(entries.length);
  const lengths = new Int32Array(entries.length);
  const tailCounts = new Float64Array(entries.length);
  const tailProbs = new Float64Array(entries.length);
  let at = 0;
  entries.forEach((e, d) => {
    const where = entries.length === 1 ? source : `${source} #${d + 1}`;
    const n = e.probs.length;
    const tailCount = e.tailCount ?? 0;
    const tailProb = tailCount > 0 ? (e.tailProb ?? 0) : 0;
    if (n === 0 && tailCount === 0) throw new InvalidValueError('distribution', '(empty)', 'has no children', where);
    let sum = tailCount * tailProb;
    let prev = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const p = e.probs[k]!;
      if (!(p > 0 && p <= 1)) throw new InvalidValueError('probability', p, `rank ${k} must be in (0, 1]`, where);
      if (p > prev) throw new InvalidValueError('probability', p, `rank ${k} is larger than rank ${k - 1}; children must be sorted by decreasing probability`, where);
      prev = p;
      sum += p;
      probs[at + k] = p;
    }
    if (tailCount > 0 && !(tailProb > 0 && tailProb <= prev)) {
      throw new InvalidValueError('tail probability', tailProb, 'must be positive and at most the last explicit probability', where);
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw new InvalidValueError('distribution', sum, 'probabilities must sum to 1', where);
    offsets[d] = at;
    lengths[d] = n;
    tailCounts[d] = tailCount;
    tailProbs[d] = tailProb;
    at += n;
  });
  return { probs, offsets, lengths, tailCounts, tailProbs };
}

/** The entropy H = −Σ p ln p and second log-moment Σ p (ln p)² of one distribution, in nats. */
export interface EntropyMoments {
  readonly entropy: number;
  readonly secondLogMoment: number;
}

/** H and Σ p (ln p)² of entry d of a table (explicit part and uniform tail). */
export function tableEntryMoments(table: ChildTable, d: number): EntropyMoments {
  const off = table.offsets[d]!;
  const n = table.lengths[d]!;
  let entropy = 0;
  let secondLogMoment = 0;
  for (let k = 0; k < n; k++) {
    const p = table.probs[off + k]!;
    const l = Math.log(p);
    entropy -= p * l;
    secondLogMoment += p * l * l;
  }
  const count = table.tailCounts[d]!;
  if (count > 0) {
    const p = table.tailProbs[d]!;
    const l = Math.log(p);
    entropy -= count * p * l;
    secondLogMoment += count * p * l * l;
  }
  return { entropy, secondLogMoment };
}

/** Number of children (explicit + tail) of entry d. */
export function tableEntrySize(table: ChildTable, d: number): number {
  return table.lengths[d]! + table.tailCounts[d]!;
}
