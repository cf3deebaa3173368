/**
 * Seeded randomness. Every random result in specbound comes from an `Rng` passed in by the
 * caller, so the same seed gives the same numbers. Streams are derived from (seed, key...)
 * by hashing, so work split across workers draws the same numbers whatever the split.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

export interface Rng {
  /** Uniform in [0, 1), 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** SplitMix32-style integer hash: mixes a 32-bit state into a well-spread 32-bit value. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Derives the seed of an independent stream from a master seed and any number of integer keys. */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let h = mix32(seed >>> 0);
  // Multiply the running hash before mixing in the next key: a plain h ^ mix32(k) would be
  // symmetric, giving (seed 3, key 5) the same stream as (seed 5, key 3).
  for (const k of keys) h = mix32((Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + mix32(k >>> 0) + Math.floor(k / 2 ** 32)) | 0);
  return h;
}

/**
 * The generator behind `createRng`: a class, not an object of closures, because the simulator
 * makes one per tree (hundreds of thousands per second): one small object per stream, and no
 * per-call function objects (which tsx's keepNames, used by `npm run bench`, also renames one
 * Object.defineProperty at a time). Methods must be called on the instance (`rng.next()`).
 */
class SeededRng implements Rng {
  private readonly g: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }

  next(): number {
    return uniformFloat64(this.g);
  }

  int(n: number): number {
    return Math.floor(uniformFloat64(this.g) * n);
  }
}

/** A seeded generator (xoroshiro128+ from pure-rand). `keys` select an independent stream. */
export function createRng(seed: number, ...keys: number[]): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  // Always hash: pure-rand fills the state as (−1, ~seed, seed, 0), so a small raw seed would make
  // the first draws ≈ 1 (seed 1 → 0.99999998); a mixed seed makes them uniform.
  return new SeededRng(deriveSeed(seed, ...keys) | 0);
}

/** The default seed of every command that takes `--seed`. */
export const DEFAULT_SEED = 1;
