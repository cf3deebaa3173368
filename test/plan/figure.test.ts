import { describe, expect, it } from 'vitest';
import { limitCurve, theorem1Curve } from '../../src/plan/accepted-curve.js';
import { planFigureSvg } from '../../src/plan/figure.js';
import { plan } from '../../src/plan/planner.js';
import { FIXTURE_STATS } from './report-fixture.js';

describe('planFigureSvg(plan)', () => {
  const curve = limitCurve(FIXTURE_STATS, 128);
  const result = plan({
    curve,
    ceiling: theorem1Curve(FIXTURE_STATS, curve.points.map((p) => p.P)),
    stats: FIXTURE_STATS,
    verifier: { kind: 'estimate', description: 'test', milliseconds: (k) => 10 + 0.1 * k },
    drafter: 'ngram',
    draftModel: 'd',
    eagleHead: 'h',
  });
  it('is a standalone SVG with the chosen P labelled and the dashed ceiling', () => {
    const svg = planFigureSvg(result, { deployment: { P: 4, speedup: 1.5 } });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain(`best P = ${result.best.P}: ${result.best.speedup.toFixed(2)}×`);
    expect(svg).toContain('stroke-dasharray="6,4"');
    expect(svg).toContain('Theorem 1 ceiling (bound)');
    expect(svg).toContain('deployment (measured)');
    expect(svg).toContain('budget P (draft-tree nodes including the root)');
  });
  it('is deterministic', () => {
    expect(planFigureSvg(result)).toBe(planFigureSvg(result));
  });
});
