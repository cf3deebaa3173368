import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concentratedTailSum, entropyTerm, secondLogMomentTerm, spreadTailSum, tailShape } from '../../src/distribution/index.js';

describe('tailShape(tailMass, slots, smallestListed)', () => {
  it('concentrated is the minimum and spread the maximum over arbitrary feasible tails (fast-check)', () => {
    // A feasible tail: `slots` values in [0, cap] summing to r. We build one by drawing weights and
    // water-filling, then check Σ f over it lies within [concentrated, spread] for f = −t ln t and
    // t ln² t. This is the randomized check of the majorization argument in tail-shapes.ts.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 0.95, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (slots, cap, weights, frac) => {
          // tail mass r feasible: r ≤ slots·cap, and r + cap ≤ 1 (the listed token of probability cap).
          const r = Math.min(slots * cap, 1 - cap) * frac;
          if (!(r > 1e-9)) return;
          const w = weights.slice(0, slots).map((x) => x + 1e-3);
          const tail = waterFill(w, r, cap);
          const shape = tailShape(r, slots, cap);
          for (const f of [entropyTerm, secondLogMomentTerm]) {
            const s = tail.reduce((a, t) => a + f(t), 0);
            expect(s).toBeGreaterThanOrEqual(concentratedTailSum(shape, f) - 1e-9);
            expect(s).toBeLessThanOrEqual(spreadTailSum(shape, f) + 1e-9);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tailShape(0.25, 5, 0.1) has 2 full tokens of 0.1 and a remainder 0.05 (hand)', () => {
    const s = tailShape(0.25, 5, 0.1);
    expect(s.fullTokens).toBe(2);
    expect(s.cap).toBe(0.1);
    expect(s.remainder).toBeCloseTo(0.05, 15);
    expect(s.spreadEach).toBeCloseTo(0.05, 15);
  });

  it('tailShape of a zero tail is empty', () => {
    const s = tailShape(0, 100, 0.1);
    expect(concentratedTailSum(s, entropyTerm)).toBe(0);
    expect(spreadTailSum(s, entropyTerm)).toBe(0);
  });
});

/** Values proportional to w, capped at `cap`, summing to r (assumes r ≤ w.length·cap). */
function waterFill(w: number[], r: number, cap: number): number[] {
  const out = new Array<number>(w.length).fill(0);
  let free = w.map((_, i) => i);
  let left = r;
  for (let iter = 0; iter < w.length + 1 && left > 1e-15 && free.length > 0; iter++) {
    const total = free.reduce((a, i) => a + w[i]!, 0);
    const next: number[] = [];
    let used = 0;
    for (const i of free) {
      const add = (left * w[i]!) / total;
      if (out[i]! + add >= cap) {
        used += cap - out[i]!;
        out[i] = cap;
      } else {
        out[i] = out[i]! + add;
        used += add;
        next.push(i);
      }
    }
    left -= used;
    free = next;
  }
  return out;
}
