import { describe, expect, it } from 'vitest';
import { EXP_CHECK_ARGUMENTS, matchesMathExp } from '../../src/core/math-exp-check.js';

describe('matchesMathExp (the one check that a WebAssembly exp is this runtime’s Math.exp)', () => {
  it('accepts Math.exp itself and refuses a result one ulp off, a wrong sign of zero or a short answer', () => {
    expect(matchesMathExp((xs) => xs.map(Math.exp))).toBe(true);
    for (let j = 0; j < EXP_CHECK_ARGUMENTS.length; j++) {
      const oneUlpOff = (xs: readonly number[]): number[] =>
        xs.map((x, i) => {
          const e = Math.exp(x);
          if (i !== j) return e;
          // the next double above e (bit pattern + 1): differs from Math.exp by exactly one ulp
          const b = new Float64Array([e]);
          const u = new BigUint64Array(b.buffer);
          u[0] = u[0]! + 1n;
          return b[0]!;
        });
      expect(matchesMathExp(oneUlpOff)).toBe(false);
    }
    // exp(−745.2·(1 + 15·2⁻⁴⁰)) is +0 (below u_threshold); −0 is another answer
    expect(Math.exp(EXP_CHECK_ARGUMENTS.at(-1)!)).toBe(0);
    expect(matchesMathExp((xs) => xs.map((x) => (x < -745.2 ? -0 : Math.exp(x))))).toBe(false);
    expect(matchesMathExp((xs) => xs.slice(1).map(Math.exp))).toBe(false);
  });

  it('its arguments reach every branch of fdlibm’s exp (boundaries from e_exp.c’s high-word tests)', () => {
    const abs = EXP_CHECK_ARGUMENTS.map(Math.abs);
    // hx = high word of |x|; fdlibm: hx < 0x3e300000 → 1 + x; hx ≤ 0x3fd62e42 → k = 0; hx < 0x3FF0A2B2 → k = ±1;
    // x < u_threshold = −745.13321910194110842 → 0; k < −1021 (x < −708.39…) → subnormal scaling
    const hx = (x: number): number => new Uint32Array(new Float64Array([x]).buffer)[1]! & 0x7fffffff;
    expect(abs.some((a) => a !== 0 && hx(a) < 0x3e300000)).toBe(true);
    expect(abs.some((a) => hx(a) >= 0x3e300000 && hx(a) <= 0x3fd62e42)).toBe(true);
    expect(abs.some((a) => hx(a) > 0x3fd62e42 && hx(a) < 0x3ff0a2b2)).toBe(true);
    expect(abs.some((a) => a > 1.5 && a < 708.39)).toBe(true);
    expect(abs.some((a) => a > 708.4 && a < 745.13321910194110842)).toBe(true);
    expect(abs.some((a) => a > 745.13321910194110842)).toBe(true);
    expect(Object.is(EXP_CHECK_ARGUMENTS[0], -0)).toBe(true);
  });
});
