/** Drawing one token from a distribution with a seeded Rng (inverse CDF). */
import type { Rng } from '../core/rng.js';
import type { TokenDistribution } from './distribution.js';

/**
 * A token id drawn from `d` by inverse CDF with one `rng.next()` (dense: cumulative sum over ids
 * 0..V−1; sparse: over the listed ids in rank order). For a sparse distribution a draw that lands
 * in the tail returns a uniformly chosen unlisted id (the tail taken as spread evenly), using
 * further draws of `rng`.
 */
export function sampleToken(d: TokenDistribution, rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  if (d.kind === 'dense') {
    const lp = d.logProbs;
    let last = -1;
    for (let i = 0; i < lp.length; i++) {
      const l = lp[i]!;
      if (l > -Infinity) {
        acc += Math.exp(l);
        last = i;
        if (u < acc) return i;
      }
    }
    return last; // rounding: Σ p slightly below 1
  }
  const ids = d.ids;
  for (let i = 0; i < ids.length; i++) {
    acc += Math.exp(d.logProbs[i]!);
    if (u < acc) return ids[i]!;
  }
  const slots = d.vocabSize - ids.length;
  if (!(d.tailMass > 0) || slots <= 0) return ids.length > 0 ? ids[ids.length - 1]! : 0;
  const listed = new Set(ids);
  for (;;) {
    const t = rng.int(d.vocabSize);
    if (!listed.has(t)) return t;
  }
}
