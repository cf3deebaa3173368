/**
 * The promise of issue 13, as properties: build FULL distributions, cut them to random top-k lists
 * (sometimes with the server's extra sampled entry below the k-th, `tailCap` set as the importers
 * do), and check that what we print from the cut data is true of the full data:
 * - the full μ, μ₂, μ_CE, π₀ lie inside the printed intervals (and inside the CIs);
 * - the printed Theorem 1 value is ≥ the bound of the full data at every budget;
 * - the printed ln P/μ and Lemma 7 ranges contain the full data's (clamped) values;
 * - every transform either refuses or gives exactly the full data's transformed statistics.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DenseDistribution, SparseDistribution, TokenDistribution } from '../../src/distribution/index.js';
import { crossEntropyIntervals, crossEntropyTerms } from '../../src/distribution/cross-entropy.js';
import { entropy, exactTransform, secondLogMoment, TailDependentError, withTemperature, withTopK, withTopP } from '../../src/distribution/index.js';
import { StatsAccumulator } from '../../src/stats/index.js';
import { boundsFor } from '../../src/results/trace-stats.js';

const BUDGETS = [1, 2, 3, 5, 8, 16, 64, 256, 1024];

/** A full distribution from raw weights: p ∝ w^sharpness (sharpness spreads or peaks it). */
function full(weights: number[], sharpness: number): DenseDistribution {
  const w = weights.map((x) => Math.pow(x, sharpness));
  const z = w.reduce((a, b) => a + b, 0);
  return { kind: 'dense', logProbs: Float64Array.from(w, (x) => Math.log(x / z)) };
}

/** The top `k` of `d` as a server returns them; with `extra`, one lower-ranked token is listed too. */
function cut(d: DenseDistribution, k: number, extra: number | undefined): SparseDistribution {
  const order = Array.from(d.logProbs.keys()).sort((a, b) => d.logProbs[b]! - d.logProbs[a]! || a - b);
  const listed = order.slice(0, k);
  let tailCap: number | undefined;
  if (extra !== undefined && k + extra < order.length) {
    listed.push(order[k + extra]!);
    tailCap = Math.exp(d.logProbs[order[k - 1]!]!);
  }
  const logProbs = Float64Array.from(listed, (i) => d.logProbs[i]!);
  const mass = logProbs.reduce((a, l) => a + Math.exp(l), 0);
  const out: SparseDistribution = { kind: 'sparse', vocabSize: d.logProbs.length, ids: Int32Array.from(listed), logProbs, tailMass: Math.max(0, 1 - mass) };
  return tailCap === undefined ? out : { ...out, tailCap };
}

// Probability ratios stay above 1e-12 (weights ≥ 0.01, power ≤ 6): a token below double rounding
// of 1 − Σ p would be a tail the cut data cannot see at all (tail mass 0 after rounding).
const weightsArb = fc.array(fc.double({ min: 1e-2, max: 1, noNaN: true }), { minLength: 3, maxLength: 48 });
const positionArb = fc.record({
  p: weightsArb,
  sharpness: fc.double({ min: 0.3, max: 6, noNaN: true }),
  k: fc.integer({ min: 1, max: 40 }),
  extra: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
});

describe('top-k data: printed intervals and bounds hold for the full distributions (fast-check)', () => {
  it('full mu, mu2 inside the intervals; printed Theorem 1 >= full bound; ln P/mu range contains the full value', () => {
    fc.assert(
      fc.property(fc.array(positionArb, { minLength: 1, maxLength: 12 }), (positions) => {
        const exact = new StatsAccumulator();
        const topK = new StatsAccumulator();
        positions.forEach((pos, i) => {
          const d = full(pos.p, pos.sharpness);
          const k = Math.min(pos.k, pos.p.length - 1);
          exact.add({ sequence: i % 3 }, d);
          topK.add({ sequence: i % 3 }, cut(d, k, pos.extra));
        });
        const f = exact.summary({ resamples: 50 });
        const t = topK.summary({ resamples: 50 });
        const tol = 1e-9;
        expect(f.mu.estimate).toBeGreaterThanOrEqual(t.mu.interval[0] - tol);
        expect(f.mu.estimate).toBeLessThanOrEqual(t.mu.interval[1] + tol);
        expect(f.mu2.estimate).toBeGreaterThanOrEqual(t.mu2.interval[0] - tol);
        expect(f.mu2.estimate).toBeLessThanOrEqual(t.mu2.interval[1] + tol);
        // The CI carries the tail too: it contains the whole interval.
        expect(t.mu.ci95[0]).toBeLessThanOrEqual(t.mu.interval[0] + tol);
        expect(t.mu.ci95[1]).toBeGreaterThanOrEqual(t.mu.interval[1] - tol);
        const fb = boundsFor(f, BUDGETS);
        const tb = boundsFor(t, BUDGETS);
        if (fb.length === 0) return;
        expect(tb.length).toBe(fb.length);
        fb.forEach((row, j) => {
          expect(tb[j]!.reported).toBeGreaterThanOrEqual(row.reported - 1e-9);
          expect(row.limit.low).toBeGreaterThanOrEqual(tb[j]!.limit.low - tol);
          expect(row.limit.high).toBeLessThanOrEqual(tb[j]!.limit.high + tol);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('full mu_CE and pi0 inside the intervals when p, q or both are top-k; Lemma 7 range contains the full value', () => {
    const pairArb = fc.record({
      p: positionArb,
      q: fc.record({ noise: fc.array(fc.double({ min: 0.05, max: 3, noNaN: true }), { minLength: 48, maxLength: 48 }), zeros: fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }), k: fc.integer({ min: 1, max: 40 }) }),
      which: fc.constantFrom('p', 'q', 'both'),
    });
    fc.assert(
      fc.property(fc.array(pairArb, { minLength: 1, maxLength: 8 }), (pairs) => {
        const exact = new StatsAccumulator();
        const topK = new StatsAccumulator();
        let worstSensitivity = 0;
        pairs.forEach(({ p: pos, q: qs, which }, i) => {
          const d = full(pos.p, pos.sharpness);
          const V = pos.p.length;
          // A drafter: p perturbed, with some tokens at q = 0 (never proposed); at least one kept.
          const w = pos.p.map((x, j) => (qs.zeros[j] === true && j > 0 ? 0 : Math.pow(x, pos.sharpness) * qs.noise[j]!));
          const z = w.reduce((a, b) => a + b, 0);
          const q: DenseDistribution = { kind: 'dense', logProbs: Float64Array.from(w, (x) => (x > 0 ? Math.log(x / z) : -Infinity)) };
          const kp = Math.min(pos.k, V - 1);
          const kq = Math.min(qs.k, V - 1);
          const pCut: TokenDistribution = which === 'q' ? d : cut(d, kp, pos.extra);
          const qCut: TokenDistribution = which === 'p' ? q : cut(q, kq, undefined);
          exact.add({ sequence: i }, d, q);
          topK.add({ sequence: i }, pCut, qCut);
          // Per position too: the exact terms lie in the position's intervals.
          // Tolerance (hand derivation): the cut data's tail mass is 1 − Σ exp(log p) over ≤ V listed
          // entries, so it carries a rounding error δ ≤ V·2⁻⁵² (V exps and V − 1 additions, each
          // ≤ 2⁻⁵³ of a sum ≤ 1). μ_CE = Σ_{q>0} p·(−ln q) / C with C = 1 − π₀ the covered mass, and
          // moving δ of mass onto a token changes it by at most δ·(max(−ln q) + μ_CE)/C. (Seen: a
          // point interval 1.09e-8 from the truth at C = 1.0e-7, −ln q = 11.3, V = 5; the old
          // tolerance 1e-15/C ignored the −ln q factor.)
          const e = crossEntropyTerms(d, q);
          const iv = crossEntropyIntervals(pCut, qCut);
          const covered = 1 - e.missingMass;
          const delta = V * 2 ** -52;
          const maxNegLogQ = -Math.min(...Array.from(q.logProbs).filter(Number.isFinite));
          const tol = (x: number) => Math.max(1, Math.abs(x)) * 1e-9 + (delta * (maxNegLogQ + Math.abs(x))) / covered;
          expect(e.missingMass).toBeGreaterThanOrEqual(iv.missingMass[0] - 1e-9);
          expect(e.missingMass).toBeLessThanOrEqual(iv.missingMass[1] + 1e-9);
          if (!Number.isNaN(e.crossEntropy)) {
            worstSensitivity = Math.max(worstSensitivity, (delta * (maxNegLogQ + Math.abs(e.crossEntropy))) / covered);
            expect(e.crossEntropy).toBeGreaterThanOrEqual(iv.crossEntropy[0] - tol(e.crossEntropy));
            expect(e.crossEntropy).toBeLessThanOrEqual(iv.crossEntropy[1] + tol(e.crossEntropy));
          }
        });
        const f = exact.summary({ resamples: 20 });
        const t = topK.summary({ resamples: 20 });
        expect(f.pi0!.estimate).toBeGreaterThanOrEqual(t.pi0!.interval[0] - 1e-9);
        expect(f.pi0!.estimate).toBeLessThanOrEqual(t.pi0!.interval[1] + 1e-9);
        // q > 0 at token 0, so the full μ_CE is defined at every position; the mean carries the
        // positions' rounding (at most the worst position's, derived above).
        const tolCE = Math.max(1, f.muCE!.estimate) * 1e-9 + worstSensitivity;
        expect(f.muCE!.estimate).toBeGreaterThanOrEqual(t.muCE!.interval[0] - tolCE);
        expect(f.muCE!.estimate).toBeLessThanOrEqual(t.muCE!.interval[1] + tolCE);
        const fb = boundsFor(f, BUDGETS);
        const tb = boundsFor(t, BUDGETS);
        fb.forEach((row, j) => {
          if (row.lemma7 === undefined || tb[j]?.lemma7 === undefined) return;
          // ln P/μ_CE carries μ_CE's relative rounding.
          const rel = 1e-8 + (worstSensitivity === 0 ? 0 : (2 * worstSensitivity) / f.muCE!.estimate);
          expect(row.lemma7.low).toBeGreaterThanOrEqual(tb[j].lemma7.low * (1 - rel));
          expect(row.lemma7.high).toBeLessThanOrEqual(tb[j].lemma7.high * (1 + rel));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('every transform of top-k data either refuses or equals the full distribution transformed', () => {
    const specArb = fc.record({
      temperature: fc.option(fc.constantFrom(0, 0.3, 0.8, 1, 1.5), { nil: undefined }),
      topK: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      topP: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
    });
    let refused = 0;
    let exactRuns = 0;
    fc.assert(
      fc.property(positionArb, specArb, (pos, spec) => {
        const d = full(pos.p, pos.sharpness);
        const k = Math.min(pos.k, pos.p.length - 1);
        let truth: TokenDistribution = d;
        if (spec.temperature !== undefined) truth = withTemperature(truth, spec.temperature);
        if (spec.topK !== undefined) truth = withTopK(truth, spec.topK);
        if (spec.topP !== undefined) truth = withTopP(truth, spec.topP);
        let got: TokenDistribution;
        try {
          got = exactTransform(cut(d, k, pos.extra), spec);
        } catch (err) {
          expect(err).toBeInstanceOf(TailDependentError);
          refused++;
          return;
        }
        exactRuns++;
        // Exact: a point interval equal to the full transformed statistics.
        if (got.kind === 'sparse' && got.tailMass > 0 && got.ids.length < got.vocabSize) {
          // Identity transform on top-k data: the data are returned as they are (no transform asked).
          expect(spec.temperature === undefined || spec.temperature === 1).toBe(true);
          expect(spec.topK).toBeUndefined();
          return;
        }
        expect(entropy(got)).toBeCloseTo(entropy(truth), 7); // a tail below 1e-16 rounds to 0 yet weighs ~1e-9 after T = 1.5
        expect(secondLogMoment(got)).toBeCloseTo(secondLogMoment(truth), 6);
      }),
      { numRuns: 500 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(exactRuns).toBeGreaterThan(0);
  });
});
