import { describe, expect, it } from 'vitest';
import { expNonPositive } from '../../src/core/exp-nonpositive.js';

/** Distance in units in the last place of `b` (Math.exp's value is within 1 ulp of eˣ in V8's fdlibm port). */
function ulps(a: number, b: number): number {
  return Math.abs(a - b) / (b * Number.EPSILON);
}

describe('expNonPositive', () => {
  it('is within 2 ulp of Math.exp on a dense grid of [−708, 0] and near 0', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = -708 * (i / 200_000) ** 2; // denser near 0, where softmax weights live
      worst = Math.max(worst, ulps(expNonPositive(x), Math.exp(x)));
    }
    for (let i = 1; i <= 1000; i++) worst = Math.max(worst, ulps(expNonPositive(-i * 1e-6), Math.exp(-i * 1e-6)));
    expect(worst).toBeLessThan(2);
  });

  it('is exact at 0 and at multiples of ln2/64 that land on table entries', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    // e^(−ln 2) = 1/2 to within the rounding of Math.LN2 itself (relative 2^−53·ln2).
    expect(ulps(expNonPositive(-Math.LN2), 0.5)).toBeLessThan(1);
  });

  it('flushes results below 2^−1022 to 0, keeps NaN, and gives Infinity above 0', () => {
    expect(expNonPositive(-708.39)).toBeGreaterThan(2 ** -1022);
    expect(expNonPositive(-708.4)).toBe(0); // e^−708.4 ≈ 2.2e−308 < 2^−1022 ≈ 2.23e−308
    expect(expNonPositive(-1e6)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
    expect(expNonPositive(Number.NaN)).toBeNaN();
    expect(expNonPositive(1e-9)).toBe(Infinity);
  });
});
