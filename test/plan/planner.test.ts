import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deploymentChainCurve, limitCurve, runCurve, theorem1Curve, type AcceptedCurve } from '../../src/plan/accepted-curve.js';
import { drafterLatency } from '../../src/plan/drafter-latency.js';
import { combineKinds, type LatencyModel } from '../../src/plan/latency.js';
import { measuredLatency } from '../../src/plan/measured-latency.js';
import { plan } from '../../src/plan/planner.js';
import { chainShape } from '../../src/plan/tree-shape.js';
import { reportedBound } from '../../src/theory/index.js';
import { CHAIN, FIXTURE_STATS, fixtureReport } from './report-fixture.js';

const names = { draftModel: 'draft', eagleHead: 'head' };

/** A latency model from a function (kind measured, like a table). */
const latency = (f: (k: number) => number): LatencyModel => ({ kind: 'measured', description: 'test', milliseconds: (k) => (k <= 0 ? 0 : f(k)) });

describe('plan({curve, verifier, drafter})', () => {
  it('finds the same optimum as a brute force over every P (ngram: free drafting)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (increments, base, slope) => {
          // A concave-ish E[X](P): each extra node adds at most 1 token, so 1 ≤ E[X] ≤ P.
          let x = 1;
          const curve: AcceptedCurve = {
            name: 'test',
            description: 'random',
            points: [1, ...increments.map((_, i) => i + 2)].map((P) => {
              if (P > 1) x += increments[P - 2]!;
              return { P, expectedAccepted: x, kind: 'measured' as const };
            }),
          };
          const verifier = latency((k) => base + slope * Math.max(0, k - 8));
          const result = plan({ curve, verifier, drafter: 'ngram', ...names });
          // Brute force, written out independently: speedup = E[X]·T(1) / T(P).
          let bestSpeedup = -Infinity;
          for (const p of curve.points) {
            const s = (p.expectedAccepted * verifier.milliseconds(1)) / verifier.milliseconds(p.P);
            if (s > bestSpeedup) bestSpeedup = s;
          }
          expect(result.best.speedup).toBeCloseTo(bestSpeedup, 10);
          expect(result.curve.length).toBe(curve.points.length);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('charges a chain drafter (P − 1)·T_draft(1) and still agrees with a brute force', () => {
    const curve = runCurve(fixtureReport(), 'chain', 'chain', 64, 'fixture');
    const verifier = latency((k) => 20 + 0.05 * k);
    const draftPass = latency(() => 1.5);
    const result = plan({ curve, verifier, draftPass, drafter: 'chain', ...names });
    // By hand over the fixture's chain curve (P = 1, 2, 4, …, 64):
    // speedup(P) = E[X]·20.05 / (20 + 0.05P + 1.5(P − 1)).
    const hand = [1, 2, 4, 8, 16, 32, 64].map((P, i) => (CHAIN[i]! * 20.05) / (20 + 0.05 * P + 1.5 * (P - 1)));
    const bestIndex = hand.indexOf(Math.max(...hand));
    expect(result.best.P).toBe([1, 2, 4, 8, 16, 32, 64][bestIndex]);
    expect(result.best.speedup).toBeCloseTo(hand[bestIndex]!, 12);
    expect(result.curve.map((p) => p.drafterMs)).toEqual([0, 1.5, 4.5, 10.5, 22.5, 46.5, 94.5]);
    expect(result.tree.shape).toBe('chain');
  });
  it('labels speedups: measured E[X] and measured latency are measured; a bound stays a bound; an estimate stays an estimate', () => {
    expect(combineKinds('measured', 'measured')).toBe('measured');
    expect(combineKinds('measured', 'estimate')).toBe('estimate');
    expect(combineKinds('bound', 'estimate')).toBe('bound');
    const verifier = latency(() => 10);
    const fromBound = plan({ curve: theorem1Curve(FIXTURE_STATS, [1, 2, 8]), verifier, drafter: 'ngram', ...names });
    expect(fromBound.best.kind).toBe('bound');
    const fromLimit = plan({ curve: limitCurve(FIXTURE_STATS, 8), verifier, drafter: 'ngram', ...names });
    expect(fromLimit.best.speedupKind).toBe('estimate');
  });
  it('attaches the Theorem 1 ceiling and its speedup at every budget', () => {
    const verifier = latency(() => 10);
    const curve = limitCurve(FIXTURE_STATS, 64);
    const result = plan({ curve, ceiling: theorem1Curve(FIXTURE_STATS, curve.points.map((p) => p.P)), stats: FIXTURE_STATS, verifier, drafter: 'ngram', ...names });
    const at64 = result.curve.find((p) => p.P === 64)!;
    expect(at64.ceiling).toBe(reportedBound(FIXTURE_STATS, 64).value);
    // Flat verifier, free drafting: speedup = E[X], so the ceiling speedup is the bound itself.
    expect(at64.ceilingSpeedup).toBeCloseTo(at64.ceiling!, 12);
    for (const p of result.curve) expect(p.speedup).toBeLessThanOrEqual(p.ceilingSpeedup! + 1e-12);
  });
  it('prices a million tokens from the GPU-hour price and tokens/s', () => {
    // T_v = 10 ms flat, ngram (free), E[X](P) = ln P / 0.683 clamped: at P = 64, E[X] = 6.089;
    // best at the largest P. Without speculation: 100 tokens/s → $3.6/h /3600 /100 ·1e6 = $10.
    const result = plan({ curve: limitCurve(FIXTURE_STATS, 64), verifier: latency(() => 10), drafter: 'ngram', usdPerGpuHour: 3.6, ...names });
    expect(result.cost!.withoutSpeculation).toBeCloseTo(10, 12);
    expect(result.cost!.withSpeculation).toBeCloseTo(10 / (Math.log(64) / 0.683), 10);
    expect(result.best.P).toBe(64);
    expect(result.notes.join(' ')).toMatch(/largest budget considered/);
  });
  it('recommends no speculation when a pass over P tokens costs P times one', () => {
    const result = plan({ curve: limitCurve(FIXTURE_STATS, 32), verifier: latency((k) => 5 * k), drafter: 'ngram', ...names });
    expect(result.best.P).toBe(1);
    expect(result.configs.vllm).toEqual({});
    expect(result.configs.notes[0]).toMatch(/does not pay/);
  });
});

describe('plan({shapeTarget})', () => {
  it("calibrates the tree shape to a run's oracle value instead of to mu", () => {
    const curve = runCurve(fixtureReport(), 'oracle', 'eagle', 64, 'fixture');
    const verifier = latency(() => 10);
    const draftPass = latency(() => 0.1);
    const result = plan({ curve, stats: FIXTURE_STATS, shapeTarget: { P: 64, expectedAccepted: 6.3, label: 'oracle' }, verifier, draftPass, drafter: 'eagle', ...names });
    expect(result.tree.basis).toMatch(/calibrated to oracle = 6.3 at P = 64/);
    // Flat latency and nearly free drafting: the best P is the largest, where the calibrated
    // static tree's own E[X] reproduces the oracle's 6.3.
    expect(result.best.P).toBe(64);
    expect(result.tree.expectedAccepted).toBeCloseTo(6.3, 6);
  });
});

describe('drafterLatency(kind, draftPass, shapeAt)', () => {
  it('runs depth passes of top_k tokens for trees and is free for ngram', () => {
    const pass = measuredLatency([{ k: 1, ms: 1 }, { k: 4, ms: 2 }], 't');
    const tree = drafterLatency('eagle', pass, () => ({ shape: 'tree', depth: 5, topK: 4, expectedAccepted: 3 }));
    expect(tree.milliseconds(20)).toBe(10);
    expect(tree.milliseconds(1)).toBe(0);
    const chain = drafterLatency('chain', pass, (P) => chainShape(P));
    expect(chain.milliseconds(6)).toBe(5);
    expect(drafterLatency('ngram', undefined, (P) => chainShape(P)).milliseconds(50)).toBe(0);
  });
});

describe('deploymentChainCurve(perPosition, PMax)', () => {
  it('sums per-position acceptance up to the budget, then extends with the last conditional rate', () => {
    // r = (0.6, 0.45, 0.36): E[X](2) = 1.6, (3) = 2.05, (4) = 2.41 measured; conditional rate
    // 0.36/0.45 = 0.8, so (5) adds 0.288: 2.698 (estimate).
    const c = deploymentChainCurve([0.6, 0.45, 0.36], 5, 'test');
    expect(c.points.map((p) => p.expectedAccepted)).toEqual([1, 1.6, expect.closeTo(2.05, 12), expect.closeTo(2.41, 12), expect.closeTo(2.698, 12)]);
    expect(c.points.map((p) => p.kind)).toEqual(['measured', 'measured', 'measured', 'measured', 'estimate']);
  });
});
