/**
 * The two extreme shapes of the unknown tail of a top-k distribution (docs/conventions.md, "Top-k truncated
 * distributions"). The tail mass r = 1 − Σ top-k is known, its shape is not; the V − k unlisted
 * tokens each have probability ≤ c, the k-th listed probability (otherwise they would be listed).
 *
 * - concentrated: as few tokens as allowed, m = ⌊r/c⌋ tokens of probability c and one of the
 *   remainder r − m·c. This vector majorizes every feasible tail.
 * - spread: r/(V − k) on each of the V − k unlisted tokens; majorized by every feasible tail.
 *
 * Which end is the minimum: entropy h(t) = −t ln t is concave, so Σ h(tᵢ) is Schur-concave and is
 * smallest at the concentrated tail and largest at the spread one. For the second log-moment
 * g(t) = t (ln t)², g''(t) = 2(1 + ln t)/t is negative for t < 1/e, so g is concave there too; at
 * most one tail token can exceed 1/e (two would need p_k + 2/e ≤ 1 with p_k > 1/e, i.e. 3/e ≤ 1,
 * false), and the concentrated end stays the minimum and the spread end the maximum (checked by a
 * randomized test against arbitrary feasible tails in test/distribution/tail-shapes.test.ts).
 */

/** Tail token probability cap and slots of a top-k distribution, used by both shapes. */
export interface TailShape {
  /** Number m of tokens at probability `cap` in the concentrated tail. */
  readonly fullTokens: number;
  /** Probability of every full token (≥ the k-th listed probability when the tail would not fit). */
  readonly cap: number;
  /** The one leftover token of the concentrated tail, r − m·cap (0 when none). */
  readonly remainder: number;
  /** Probability of each of the V − k tokens in the spread tail (0 when no tail). */
  readonly spreadEach: number;
  /** V − k. */
  readonly slots: number;
}

/**
 * Shapes of a tail of mass `tailMass` over `slots` = V − k unlisted tokens, each at most
 * `smallestListed` (the k-th listed probability; pass `tailMass` when nothing is listed). When the
 * tail cannot fit under the cap (r > (V − k)·c, an inconsistent input), the cap rises to r/(V − k).
 */
export function tailShape(tailMass: number, slots: number, smallestListed: number): TailShape {
  if (!(tailMass > 0) || slots <= 0) return { fullTokens: 0, cap: 0, remainder: 0, spreadEach: 0, slots: Math.max(0, slots) };
  const spreadEach = tailMass / slots;
  const cap = Math.min(tailMass, Math.max(smallestListed, spreadEach));
  let fullTokens = Math.floor(tailMass / cap);
  let remainder = tailMass - fullTokens * cap;
  if (fullTokens > slots) fullTokens = slots;
  if (remainder < tailMass * 1e-15) remainder = 0;
  return { fullTokens, cap, remainder, spreadEach, slots };
}

/** Σ f(t) over the concentrated tail. */
export function concentratedTailSum(s: TailShape, f: (t: number) => number): number {
  return (s.fullTokens > 0 ? s.fullTokens * f(s.cap) : 0) + (s.remainder > 0 ? f(s.remainder) : 0);
}

/** Σ f(t) over the spread tail. */
export function spreadTailSum(s: TailShape, f: (t: number) => number): number {
  return s.spreadEach > 0 ? s.slots * f(s.spreadEach) : 0;
}

/** −t ln t (0 at t = 0). */
export function entropyTerm(t: number): number {
  return t > 0 ? -t * Math.log(t) : 0;
}

/** t (ln t)² (0 at t = 0). */
export function secondLogMomentTerm(t: number): number {
  if (!(t > 0)) return 0;
  const l = Math.log(t);
  return t * l * l;
}
