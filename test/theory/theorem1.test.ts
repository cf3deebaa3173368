import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  expectedNodesAboveProbabilityBound,
  reportedBound,
  theorem1ClosedForm,
  theorem1Coefficients,
  theorem1Integral,
  theorem1ValidFrom,
} from '../../src/theory/index.js';
import { InvalidValueError } from '../../src/core/errors.js';

/** Entropy statistics of real models: μ in (0.01, 5) nats, μ₂ = μ²·(1 + s) with s ≥ 0 (Jensen). */
const statsArb = fc
  .record({ mu: fc.double({ min: 0.01, max: 5, noNaN: true }), spread: fc.double({ min: 0, max: 50, noNaN: true }) })
  .map(({ mu, spread }) => ({ mu, mu2: mu * mu * (1 + spread) }));

describe('theorem1Coefficients(stats)', () => {
  it('gives a = (mu + mu2)/mu^2 and b = 1 - 1/mu', () => {
    // Hand: mu = 0.5, mu2 = 1 → a = 1.5/0.25 = 6, b = 1 − 2 = −1.
    expect(theorem1Coefficients({ mu: 0.5, mu2: 1 })).toEqual({ a: 6, b: -1 });
  });
});

describe('theorem1ClosedForm(stats, P)', () => {
  it('matches hand-derived values', () => {
    // mu = 1, mu2 = 2: a = 3, b = 0. At P = 3e: 3·ln(3e/3) + 3 + 0 = 6.
    expect(theorem1ClosedForm({ mu: 1, mu2: 2 }, 3 * Math.E)).toBeCloseTo(6, 12);
    // mu = 0.5, mu2 = 1: a = 6, b = −1. At P = 6e² − 1: 6·ln(6e²/6) + 6 − 1 = 12 + 5 = 17.
    expect(theorem1ClosedForm({ mu: 0.5, mu2: 1 }, 6 * Math.E ** 2 - 1)).toBeCloseTo(17, 10);
  });
  it("reproduces the Llama-3.1-8B example: P = 60 gives 23.3 (mu = 0.683, mu2 = 2.960, Table 1 mean row)", () => {
    // a = 3.643/0.466489 = 7.80940, b = −0.464129; 7.80940·ln(60.464129/7.80940) + 7.34527 = 23.3289.
    expect(theorem1ClosedForm({ mu: 0.683, mu2: 2.96 }, 60)).toBeCloseTo(23.3289, 3);
  });
  it('equals the numerical integral of e^-t min(P, a e^t + b) wherever the theorem applies (property)', () => {
    fc.assert(
      fc.property(statsArb, fc.double({ min: 0, max: 12, noNaN: true }), (stats, logExtra) => {
        const P = Math.ceil(theorem1ValidFrom(stats) * Math.exp(logExtra));
        const closed = theorem1ClosedForm(stats, P);
        const integral = theorem1Integral(stats, P);
        expect(Math.abs(closed - integral)).toBeLessThan(1e-6 * Math.max(1, closed));
      }),
      { numRuns: 300 },
    );
  });
});

describe('reportedBound(stats, P)', () => {
  it('is the trivial bound P below 1 + mu2/mu^2, and the integral form agrees (it is P there too)', () => {
    fc.assert(
      fc.property(statsArb, (stats) => {
        const from = theorem1ValidFrom(stats);
        fc.pre(from >= 2);
        const P = Math.floor(from - 1e-9);
        const r = reportedBound(stats, P);
        expect(r.theoremApplies).toBe(false);
        expect(r.value).toBe(P);
        expect(theorem1Integral(stats, P)).toBeCloseTo(P, 8);
      }),
      { numRuns: 200 },
    );
  });
  it('applies exactly from P = 1 + mu2/mu^2, where the closed form equals P (continuity at the boundary)', () => {
    // mu = 1, mu2 = 2 → boundary 1 + 2 = 3 = a + b; closed form at 3: 3·ln(3/3) + 3 = 3.
    expect(theorem1ValidFrom({ mu: 1, mu2: 2 })).toBe(3);
    expect(reportedBound({ mu: 1, mu2: 2 }, 3)).toEqual({ value: 3, theoremApplies: true, closedForm: 3 });
    expect(reportedBound({ mu: 1, mu2: 2 }, 2)).toMatchObject({ value: 2, theoremApplies: false });
  });
  it('never exceeds P and never decreases in P (property)', () => {
    fc.assert(
      fc.property(statsArb, fc.integer({ min: 1, max: 5000 }), (stats, P) => {
        const here = reportedBound(stats, P).value;
        expect(here).toBeLessThanOrEqual(P);
        expect(reportedBound(stats, P + 1).value).toBeGreaterThanOrEqual(here - 1e-9);
      }),
      { numRuns: 300 },
    );
  });
  it('notes that below the boundary the closed form lies under the true optimum at P = 1 (docs/conventions.md pitfall)', () => {
    // At P = 1 the optimum is exactly 1 (the root). mu = 0.683, mu2 = 2.96: closed form at 1 is
    // 7.8094·ln(1.4641/7.8094) + 7.3453 = −5.728 < 1, so it is not a bound there.
    const r = reportedBound({ mu: 0.683, mu2: 2.96 }, 1);
    expect(r.closedForm).toBeCloseTo(-5.7282, 3);
    expect(r.value).toBe(1);
  });
  it('rejects budgets that are not integers >= 1 and statistics that break Jensen, naming the value', () => {
    expect(() => reportedBound({ mu: 1, mu2: 2 }, 0)).toThrow(InvalidValueError);
    expect(() => reportedBound({ mu: 1, mu2: 2 }, 2.5)).toThrow('invalid P: 2.5');
    expect(() => reportedBound({ mu: 0.5, mu2: 0.2 }, 8)).toThrow('invalid mu2: 0.2 (must be >= mu^2 = 0.25');
    expect(() => reportedBound({ mu: 0, mu2: 1 }, 8)).toThrow('invalid mu: 0');
    expect(() => reportedBound({ mu: Number.NaN, mu2: 1 }, 8)).toThrow('invalid mu');
  });
});

describe('expectedNodesAboveProbabilityBound(stats, t) (Lemma 3)', () => {
  it('is a·e^t + b', () => {
    // mu = 1, mu2 = 2: a = 3, b = 0 → 3e at t = 1.
    expect(expectedNodesAboveProbabilityBound({ mu: 1, mu2: 2 }, 1)).toBeCloseTo(3 * Math.E, 12);
  });
  it('is at least 1 at t = 0 (the root alone has V = 0), since a + b = 1 + mu2/mu^2', () => {
    fc.assert(
      fc.property(statsArb, (s) => {
        expect(expectedNodesAboveProbabilityBound(s, 0)).toBeGreaterThanOrEqual(1);
      }),
    );
  });
  it('bounds an exactly countable case: uniform over 2 tokens, N(t) = 2^(floor(t/ln2)+1) - 1', () => {
    // Uniform over 2: every node at depth d has V = d·ln 2, so N(t) = Σ_{d ≤ t/ln2} 2^d.
    // mu = ln 2, mu2 = ln² 2 → a = (ln2 + ln²2)/ln²2 = 1/ln2 + 1, b = 1 − 1/ln2.
    const stats = { mu: Math.LN2, mu2: Math.LN2 ** 2 };
    for (const t of [0, 0.5, 1, 2, 3.3, 7]) {
      const exact = 2 ** (Math.floor(t / Math.LN2 + 1e-12) + 1) - 1;
      expect(expectedNodesAboveProbabilityBound(stats, t)).toBeGreaterThanOrEqual(exact);
    }
  });
});
