/**
 * Temperature, top-k and top-p (applied in that order, as engines do) for statistics that must stay
 * true: the result is exact, or the call refuses. A complete distribution is always exact. For
 * top-k data the unknown tail decides most transforms, and no interval between the two tail shapes
 * of `tail-shapes.ts` is safe for them (the tempered entropy of a real tail often lies outside the
 * two shapes' values: 586 of 20 000 random cases at T ∈ [0.3, 2], checked while writing this).
 * What top-k data DO determine exactly:
 * - top-k' for k' ≤ the listed tokens at or above the tail's cap (those are the true top k'),
 *   after any temperature (temperature keeps the order, and renormalising over the kept tokens
 *   cancels the unknown normaliser);
 * - top-p when the listed tokens above the cap reach mass p (probabilities are the true ones);
 * - temperature 0 (the most probable token, when it is listed above the cap).
 * Anything else throws `TailDependentError` naming the flag.
 */
import { withTemperature } from './temperature.js';
import { withTopK, withTopP } from './truncation.js';
import type { SparseDistribution, TokenDistribution } from './distribution.js';
import { tailCapOf } from './distribution.js';

export interface TransformSpec {
  readonly temperature?: number | undefined;
  readonly topK?: number | undefined;
  readonly topP?: number | undefined;
}

/** A transform that the listed tokens of a top-k distribution do not determine. */
export class TailDependentError extends Error {
  constructor(
    readonly flag: '--temperature' | '--top-k' | '--top-p',
    readonly value: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** True when no transform is asked for. */
export function isIdentity(spec: TransformSpec): boolean {
  return (spec.temperature === undefined || spec.temperature === 1) && spec.topK === undefined && (spec.topP === undefined || spec.topP === 1);
}

/**
 * `d` transformed by `spec`, exactly, or TailDependentError.
 * @example exactTransform(top2of10, { topK: 1 }) // the most probable listed token, probability 1
 */
export function exactTransform(d: TokenDistribution, spec: TransformSpec): TokenDistribution {
  if (isIdentity(spec)) return d;
  if (d.kind === 'dense' || !(d.tailMass > 0) || d.ids.length >= d.vocabSize) return plain(d, spec);
  const determined = listedAboveCap(d);
  const T = spec.temperature;
  if (spec.topK !== undefined && spec.topK <= determined) {
    const kept = keepListed(d, spec.topK);
    return plain(kept, spec.topP === undefined ? { temperature: T } : { temperature: T, topP: spec.topP });
  }
  if (T !== undefined && T !== 1) {
    if (T === 0 && determined >= 1) return plain(keepListed(d, 1), {});
    throw new TailDependentError(
      '--temperature',
      T,
      `depends on the unknown tail of a top-${d.ids.length} distribution (mass ${d.tailMass.toPrecision(3)} unlisted): ` +
        `no interval between the tail's extreme shapes is safe; add --top-k k with k <= ${determined} (exact), or use full distributions`,
    );
  }
  if (spec.topK !== undefined) {
    throw new TailDependentError('--top-k', spec.topK, `keeps tokens beyond the ${determined} listed at or above the unlisted tokens' cap (top-k data determine top-k' only for k' <= ${determined})`);
  }
  if (spec.topP !== undefined && spec.topP < 1) {
    let mass = 0;
    for (let i = 0; i < determined; i++) mass += Math.exp(d.logProbs[i]!);
    if (mass >= spec.topP * (1 - 1e-12)) return plain(keepListed(d, determined), { topP: spec.topP / mass });
    throw new TailDependentError('--top-p', spec.topP, `reaches into the unknown tail: the listed tokens hold only ${mass.toPrecision(4)} of the mass`);
  }
  return d;
}

/** The usual transforms (exact for a complete distribution). */
function plain(d: TokenDistribution, spec: TransformSpec): TokenDistribution {
  let out = d;
  if (spec.temperature !== undefined) out = withTemperature(out, spec.temperature);
  if (spec.topK !== undefined) out = withTopK(out, spec.topK);
  if (spec.topP !== undefined && spec.topP < 1) out = withTopP(out, Math.min(1, spec.topP));
  return out;
}

/** How many listed tokens (in order) have probability ≥ the cap on the unlisted ones: the true top ones. */
function listedAboveCap(d: SparseDistribution): number {
  const logCap = Math.log(tailCapOf(d));
  let n = 0;
  while (n < d.ids.length && d.logProbs[n]! >= logCap) n++;
  return n;
}

/** The first `k` listed tokens renormalised: a complete distribution over them (tail 0). */
function keepListed(d: SparseDistribution, k: number): SparseDistribution {
  let mass = 0;
  for (let i = 0; i < k; i++) mass += Math.exp(d.logProbs[i]!);
  const shift = Math.log(mass);
  const logProbs = new Float64Array(k);
  for (let i = 0; i < k; i++) logProbs[i] = d.logProbs[i]! - shift;
  return { kind: 'sparse', vocabSize: d.vocabSize, ids: d.ids.slice(0, k), logProbs, tailMass: 0 };
}
