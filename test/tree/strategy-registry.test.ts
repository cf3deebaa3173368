import { describe, expect, it } from 'vitest';
import { openTreeSession } from '../../src/models/tree-session.js';
import { SERIES_STYLES, acceptedLengthFigure, drafterStyle, lemma7Figure } from '../../src/report/figures.js';
import { renderPlotSvg } from '../../src/report/svg.js';
import type { Curves } from '../../src/results/results-schema.js';
import { toRankPaths } from '../../src/tree/rank-paths.js';
import { MEDUSA_HEADS } from '../../src/tree/strategies/static.js';
import { STRATEGIES, STRATEGY_NAMES, createStrategy, measuredDynamicStrategies, measuredStaticStrategies, strategyColor, strategyEntry, type StrategyNeed } from '../../src/tree/strategies/registry.js';
import { dynamicStrategies } from '../../src/measure/run-measure.js';
import { staticTreePlans } from '../../src/measure/static-unit.js';
import { twoTokenModel } from './fake-models.js';

describe('the strategy registry', () => {
  it('has one entry per name, and each constructor builds the strategy of that name', () => {
    expect(new Set(STRATEGY_NAMES).size).toBe(STRATEGIES.length);
    for (const entry of STRATEGIES) {
      const strategy = entry.create({ acceptance: [0.6, 0.4], costs: [1, 1.05, 1.1] }, 'test');
      expect(strategy.name).toBe(entry.name);
      expect((entry.needs as readonly StrategyNeed[]).includes('acceptance'), entry.name).toBe(entry.kind === 'static');
    }
  });

  it('gives every strategy its own colour, none shared with the theory curves (the oracle keeps the oracle curve\'s)', () => {
    const colors = STRATEGIES.map((s) => s.color);
    expect(new Set(colors).size).toBe(colors.length);
    const theory = Object.entries(SERIES_STYLES).filter(([k]) => k !== 'oracle' && k !== 'oracleAncestral').map(([, s]) => s.color);
    for (const s of STRATEGIES) if (s.name !== 'oracle') expect(theory, s.name).not.toContain(s.color);
    expect(strategyColor('oracle')).toBe(SERIES_STYLES.oracle!.color);
    // A name no entry has still gets one colour, whatever figure it is drawn in.
    expect(strategyColor('eagle-old-run')).toBe(strategyColor('eagle-old-run'));
  });

  it('colours EAGLE by name: the same colour whether it is the first or the third drafter of a figure', () => {
    const curve = (slope: number) => [1, 2, 4, 8].map((P) => ({ P, mean: 1 + slope * Math.log2(P) }));
    const first: Partial<Curves> = { oracle: curve(0.9), drafters: { eagle: curve(0.5) } };
    const third: Partial<Curves> = { oracle: curve(0.9), drafters: { 'q-greedy': curve(0.6), chain: curve(0.4), eagle: curve(0.5) } };
    const eagle = drafterStyle('eagle').color;
    expect(eagle).toBe(strategyEntry('eagle').color);
    for (const svg of [renderPlotSvg(acceptedLengthFigure(first)), renderPlotSvg(acceptedLengthFigure(third))]) expect(svg).toContain(`stroke="${eagle}"`);
    // The Lemma 7 figure of eagle alone uses the same colour (position 0 there).
    const lemma7 = renderPlotSvg(lemma7Figure([{ task: 'code', drafter: 'eagle', estimate: 2, measured: 1.8 }], 60));
    expect(lemma7).toContain(`fill="${eagle}"`);
    expect(lemma7).not.toContain(`fill="${strategyEntry('q-greedy').color}"`);
  });

  it('measure measures the registry\'s measured strategies, dynamic and static, in registry order', () => {
    expect(dynamicStrategies(4).map((s) => s.name)).toEqual(['q-greedy', 'chain', 'eagle']);
    expect(measuredDynamicStrategies().map((s) => s.name)).toEqual(['q-greedy', 'chain', 'eagle']);
    expect(measuredStaticStrategies().map((s) => s.name)).toEqual(['sequoia', 'medusa']);
    expect(staticTreePlans([0.6, 0.4], [2, 8]).map((p) => `${p.strategy}@${p.P}`)).toEqual(['sequoia@2', 'medusa@2', 'sequoia@8', 'medusa@8']);
  });

  it('Medusa has one default, 4 heads, in `tree` (createStrategy) and in `measure` (its rank tree)', async () => {
    // p = (.6, .4) at every node and a = (.6, .4): unlimited, the greedy tree of 31 nodes reaches
    // depth 5 ([0,0,0,0,0] has .6^5 = .078, more than depth-4 paths such as [1,1,1,1] = .4^4 = .026);
    // with 4 heads it holds every rank path of depth <= 4 over ranks {0, 1} (2 + 4 + 8 + 16 = 30).
    const m = twoTokenModel(0.6);
    const a = [0.6, 0.4];
    expect(MEDUSA_HEADS).toBe(4);
    const built = await createStrategy('medusa', { acceptance: a }).build({ drafter: await openTreeSession(m, []), budget: 31 });
    const depth = Math.max(...toRankPaths(built).map((p) => p.length));
    expect(depth).toBe(MEDUSA_HEADS);
    const plan = staticTreePlans(a, [31]).find((p) => p.strategy === 'medusa')!;
    expect(toRankPaths(plan.rankTree).sort()).toEqual(toRankPaths(built).sort());
    const unlimited = await createStrategy('medusa', { acceptance: a, staticMaxDepth: 10 }).build({ drafter: await openTreeSession(m, []), budget: 31 });
    expect(Math.max(...toRankPaths(unlimited).map((p) => p.length))).toBeGreaterThan(MEDUSA_HEADS);
  });
});
