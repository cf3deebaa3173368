import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { AdaptiveProblem, curveAt } from '../../src/adaptive/dinkelbach.js';
import { adaptiveGain } from '../../src/adaptive/adaptive-gain.js';
import { constantLatency, linearLatency, parseLatencySpec } from '../../src/adaptive/latency-curve.js';

/** f(P) = Σ_{k<P} a^k: a chain whose every node is accepted with probability a given its parent. */
function geometric(a: number, PMax: number): number[] {
  const out: number[] = [];
  let s = 0;
  for (let k = 0; k < PMax; k++) out.push((s += a ** k));
  return out;
}

/** Exhaustive search over every policy (PMax^n of them): the best Σ f / Σ T. */
function bruteForce(curves: number[][], costs: Float64Array): number {
  const n = curves.length;
  const PMax = costs.length;
  let best = -Infinity;
  const choice = new Array<number>(n).fill(1);
  for (;;) {
    let x = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      x += curveAt(curves[i]!, choice[i]!);
      t += costs[choice[i]! - 1]!;
    }
    best = Math.max(best, x / t);
    let i = 0;
    while (i < n && choice[i] === PMax) choice[i++] = 1;
    if (i === n) return best;
    choice[i]!++;
  }
}

describe('AdaptiveProblem (Dinkelbach over per-position E[X*_t](P))', () => {
  it('two kinds of positions, linear T: the closed form', () => {
    // Hand derivation. Easy positions: f_E(P) = 1 + 0.5 + … + 0.5^(P−1); hard: f_H(P) = 1 (nothing
    // is ever accepted); half of each; T(P) = 1 + 0.09·(P − 1); P-max 8.
    // Hard positions pick P = 1 at any λ > 0. For easy positions P = E, R(E) = (f_E(E) + 1)/(T(E) + 1):
    //   E = 3: 2.75/2.18 = 1.26147, E = 4: 2.875/2.27 = 1.26652, E = 5: 2.9375/2.36 = 1.24470,
    // so R* = 2.875/2.27, and at λ = R* (λ·0.09 = 0.11399) the 4th node's marginal 0.125 is worth
    // its cost and the 5th's 0.0625 is not: the policy is E → 4, H → 1, consistent.
    // Best fixed P: (f_E(P) + 1)/2 / T(P) = 1, 1.25/1.09, 1.375/1.18 = 1.16525, 1.4375/1.27, … → P = 3.
    const PMax = 8;
    const easy = geometric(0.5, PMax);
    const hard = new Array<number>(PMax).fill(1);
    const T = linearLatency(PMax, 0.09).costs;
    const problem = new AdaptiveProblem([easy, hard, easy, hard], [0, 0, 1, 1], T);
    const star = problem.dinkelbach();
    expect(star.lambda).toBeCloseTo(2.875 / 2.27, 12);
    expect(problem.choose(0, star.lambda)).toBe(4);
    expect(problem.choose(1, star.lambda)).toBe(1);
    expect(star.policy.budget / star.policy.positions).toBe(2.5);
    const fixed = problem.bestFixed();
    expect(fixed.P).toBe(3);
    expect(fixed.throughput).toBeCloseTo(1.375 / 1.18, 12);
    expect(star.lambda / fixed.throughput).toBeCloseTo(2.875 / 2.27 / (1.375 / 1.18), 12);
  });

  it('always-accepted against never-accepted positions: R* = (P-max + 1)/(2 + c(P-max − 1))', () => {
    // Hand derivation: f_E(P) = P, f_H(P) = 1, T(P) = 1 + c(P − 1), c = 0.1, P-max 11. Adaptive: P-max on
    // easy, 1 on hard (easy's marginal 1 > λc while λ < 10): R* = 12/(1 + 2 + 1) … = (11 + 1)/(2 + 1) = 4.
    // Fixed: (P + 1)/2 / (1 + 0.1(P − 1)) rises with P (1 − 2c > 0): P = 11 gives 12/4 = 3. Gain 4/3.
    const PMax = 11;
    const easy = Array.from({ length: PMax }, (_, i) => i + 1);
    const problem = new AdaptiveProblem([easy, [1]], [0, 1], linearLatency(PMax, 0.1).costs);
    expect(problem.dinkelbach().lambda).toBeCloseTo(4, 12);
    expect(problem.bestFixed()).toEqual({ P: 11, throughput: 3, meanTokens: 6 });
  });

  it("the paper's constant T: the largest P is best, fixed or adaptive, and adaptivity gains nothing", () => {
    const curves = [geometric(0.3, 16), geometric(0.9, 16), geometric(0.6, 9)];
    const problem = new AdaptiveProblem(curves, [0, 1, 2], constantLatency(16).costs);
    const mean = (curveAt(curves[0]!, 16) + curveAt(curves[1]!, 16) + curveAt(curves[2]!, 16)) / 3;
    expect(problem.bestFixed().throughput).toBeCloseTo(mean, 12);
    expect(problem.dinkelbach().lambda).toBeCloseTo(mean, 12);
  });

  it('matches an exhaustive search over every policy, and is never below the best fixed P (property)', () => {
    const curveArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 0, maxLength: 4 }).map((inc) => {
      const out = [1];
      for (const d of inc) out.push(out[out.length - 1]! + d);
      return out;
    });
    fc.assert(
      fc.property(
        fc.array(curveArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (curves, costList) => {
          const costs = Float64Array.from(costList);
          const problem = new AdaptiveProblem(curves, curves.map((_, i) => i), costs);
          const star = problem.dinkelbach().lambda;
          const exact = bruteForce(curves, costs);
          expect(Math.abs(star - exact)).toBeLessThanOrEqual(1e-9 * exact);
          expect(star).toBeGreaterThanOrEqual(problem.bestFixed().throughput * (1 - 1e-12));
          for (const lambda of [0, 0.3 * star, star, 2 * star]) {
            const s = problem.policyAt(lambda);
            expect(s.tokens - lambda * s.time).toBeGreaterThanOrEqual(problem.bestFixedLagrangian(lambda) - 1e-9);
          }
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });

  it('a measured (non-monotone) latency table: a larger P that is cheaper and no worse is chosen', () => {
    // T(2) = 3 > T(3) = 2: P = 2 is dominated by P = 3 (f(3) ≥ f(2), cheaper), so no policy uses it.
    const costs = Float64Array.of(1, 3, 2);
    const problem = new AdaptiveProblem([[1, 1.5, 1.6]], [0], costs);
    for (const lambda of [0, 0.05, 0.1, 0.3, 1, 10]) expect(problem.choose(0, lambda)).not.toBe(2);
    expect(problem.dinkelbach().lambda).toBeCloseTo(bruteForce([[1, 1.5, 1.6]], costs), 12);
  });
});

describe('adaptiveGain (sequence bootstrap)', () => {
  it('every resample keeps adaptive >= fixed, so the gain interval starts at or above 1; intervals contain the estimates', () => {
    const rng = createRng(5);
    const curves: number[][] = [];
    const seq: number[] = [];
    for (let s = 0; s < 30; s++) {
      for (let k = 0; k < 6; k++) {
        curves.push(geometric(0.15 + 0.8 * rng.next(), 32));
        seq.push(s);
      }
    }
    const g = adaptiveGain(new AdaptiveProblem(curves, seq, linearLatency(32, 0.05).costs), createRng(1), 200);
    expect(g.gain.ci95[0]).toBeGreaterThanOrEqual(1);
    expect(g.gain.estimate).toBeGreaterThan(1);
    for (const e of [g.fixed.throughput, g.adaptive.throughput, g.gain]) {
      expect(e.ci95[0]).toBeLessThanOrEqual(e.estimate);
      expect(e.ci95[1]).toBeGreaterThanOrEqual(e.estimate);
    }
    // The frontier's best throughput is R* (its λ = R* point is the Dinkelbach policy).
    expect(Math.max(...g.frontier.map((p) => p.throughput))).toBeCloseTo(g.adaptive.throughput.estimate, 12);
    // Mean budget falls as time gets dearer.
    for (let i = 1; i < g.frontier.length; i++) expect(g.frontier[i]!.meanBudget).toBeLessThanOrEqual(g.frontier[i - 1]!.meanBudget);
  });
});

describe('parseLatencySpec', () => {
  it('reads constant and linear:C, and names the flag on bad input', () => {
    expect(Array.from(parseLatencySpec('linear:0.5', 3).costs)).toEqual([1, 1.5, 2]);
    expect(Array.from(parseLatencySpec('constant', 2).costs)).toEqual([1, 1]);
    expect(() => parseLatencySpec('linear:-1', 3)).toThrow(/--latency.*>= 0/);
    expect(() => parseLatencySpec('roofline', 3)).toThrow(/--latency.*expected constant or linear:C/);
  });
});
