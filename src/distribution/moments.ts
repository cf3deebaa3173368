/**
 * Per-position entropy H(p) = −Σ p ln p (whose mean over positions is μ) and second log-moment
 * Σ p (ln p)² (mean μ₂), in nats. Dense distributions give exact values; sparse (top-k) ones give
 * an interval over the unknown tail shape (see `tail-shapes.ts`): [concentrated, spread].
 */
import type { SparseDistribution, TokenDistribution } from './distribution.js';
import { tailCapOf } from './distribution.js';
import { concentratedTailSum, entropyTerm, secondLogMomentTerm, spreadTailSum, tailShape } from './tail-shapes.js';

/** A lower and upper value [low, high]; low = high for complete distributions. */
export type Interval = [number, number];

/**
 * Entropy of one position in nats. For a sparse distribution this is the LOW end of
 * `entropyInterval` (tail concentrated into as few tokens as allowed).
 *
 * @example entropy(fromLogits(new Float64Array(4))) // → ln 4 ≈ 1.3863
 */
export function entropy(d: TokenDistribution): number {
  return d.kind === 'dense' ? denseSum(d.logProbs, 1) : entropyInterval(d)[0];
}

/**
 * Second log-moment Σ p (ln p)² of one position (nats²). For a sparse distribution this is the
 * LOW end of `secondLogMomentInterval`.
 *
 * @example secondLogMoment(fromLogits(new Float64Array(4))) // → (ln 4)² ≈ 1.9218
 */
export function secondLogMoment(d: TokenDistribution): number {
  return d.kind === 'dense' ? denseSum(d.logProbs, 2) : secondLogMomentInterval(d)[0];
}

/** [tail concentrated, tail spread] entropy; a point for dense or zero-tail distributions. */
export function entropyInterval(d: TokenDistribution): Interval {
  if (d.kind === 'dense') {
    const h = denseSum(d.logProbs, 1);
    return [h, h];
  }
  return sparseInterval(d, 1);
}

/** [tail concentrated, tail spread] second log-moment; a point for dense or zero-tail distributions. */
export function secondLogMomentInterval(d: TokenDistribution): Interval {
  if (d.kind === 'dense') {
    const m = denseSum(d.logProbs, 2);
    return [m, m];
  }
  return sparseInterval(d, 2);
}

/** Σ p·(−ln p)^power over finite log-probabilities. */
function denseSum(lp: Float64Array | Float32Array, power: 1 | 2): number {
  let s = 0;
  const n = lp.length;
  if (power === 1) {
    for (let i = 0; i < n; i++) {
      const l = lp[i]!;
      if (l > -Infinity) s -= Math.exp(l) * l;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const l = lp[i]!;
      if (l > -Infinity) s += Math.exp(l) * l * l;
    }
  }
  return s;
}

function sparseInterval(d: SparseDistribution, power: 1 | 2): Interval {
  const listed = denseSum(d.logProbs, power);
  const shape = tailShape(d.tailMass, d.vocabSize - d.ids.length, tailCapOf(d));
  const f = power === 1 ? entropyTerm : secondLogMomentTerm;
  return [listed + concentratedTailSum(shape, f), listed + spreadTailSum(shape, f)];
}
