import { describe, expect, it } from 'vitest';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { createRng, deriveSeed } from '../../src/core/rng.js';

describe('createRng(seed, ...keys)', () => {
  it('gives the same numbers for the same seed and keys, and different ones for other keys', () => {
    const a = createRng(7, 3);
    const b = createRng(7, 3);
    const c = createRng(7, 4);
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
  });
  it('makes the first draw uniform across small seeds, keyed or not (regression: raw seeds gave ≈ 1)', () => {
    // For 2000 independent U(0,1): mean 0.5 with s.d. sqrt(1/12/2000) = 0.0065, so ±0.03 is > 4 s.d.;
    // the share above 0.99 is Binomial(2000, 0.01): mean 20, s.d. 4.4, so < 45 is > 5 s.d.
    for (const make of [(s: number) => createRng(s), (s: number) => createRng(s, 0)]) {
      const first = Array.from({ length: 2000 }, (_, s) => make(s).next());
      const mean = first.reduce((x, y) => x + y, 0) / first.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
      expect(first.filter((x) => x > 0.99).length).toBeLessThan(45);
    }
  });
  it('int(n) stays in [0, n)', () => {
    const r = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(6);
      expect(v >= 0 && v < 6 && Number.isInteger(v)).toBe(true);
    }
  });
  it("draws exactly pure-rand's xoroshiro128plus + uniformFloat64 stream seeded by deriveSeed(seed, ...keys)", () => {
    // The stream every seeded result in the repository (and the C anchor, bench/reference/) depends on.
    for (const [seed, keys] of [[1, []], [1, [0]], [7, [3]], [123456789, [5, 2 ** 31 + 3]]] as [number, number[]][]) {
      const g = xoroshiro128plus(deriveSeed(seed, ...keys) | 0);
      const r = createRng(seed, ...keys);
      for (let i = 0; i < 100; i++) {
        if (i % 3 === 2) expect(r.int(1000)).toBe(Math.floor(uniformFloat64(g) * 1000));
        else expect(r.next()).toBe(uniformFloat64(g));
      }
    }
  });
  it('rejects a non-integer seed', () => {
    expect(() => createRng(1.5)).toThrow('seed must be an integer');
  });
});

describe('deriveSeed(seed, ...keys)', () => {
  it('separates keys and seeds into distinct 32-bit values', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 50; s++) for (let k = 0; k < 50; k++) seen.add(deriveSeed(s, k));
    expect(seen.size).toBe(2500);
  });
});

describe('deriveSeed is not symmetric in seed and key', () => {
  it('gives (3, 5) and (5, 3) different streams', () => {
    expect(deriveSeed(3, 5)).not.toBe(deriveSeed(5, 3));
    expect(createRng(3, 5).next()).not.toBe(createRng(5, 3).next());
  });
});
