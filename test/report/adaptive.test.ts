import { describe, expect, it } from 'vitest';
import { adaptiveFigure, adaptiveFindings, adaptiveTable, greedyTable } from '../../src/report/adaptive.js';
import { renderPlotSvg } from '../../src/report/svg.js';
import type { AdaptiveSection, GreedySection } from '../../src/results/adaptive-schema.js';

// A hand-made section (values chosen, not measured): fixed 2.5 [2.4, 2.6] at P = 8, adaptive 2.75
// [2.6, 2.9], gain 1.1 [1.05, 1.15] → "10%" and "5% to 15%".
const summary: AdaptiveSection['overall'] = {
  positions: 100,
  sequences: 10,
  fixed: { P: 8, meanTokens: 3.375, throughput: { estimate: 2.5, ci95: [2.4, 2.6] } },
  adaptive: { meanBudget: 6.5, meanTokens: 3.5, iterations: 4, throughput: { estimate: 2.75, ci95: [2.6, 2.9] } },
  gain: { estimate: 1.1, ci95: [1.05, 1.15] },
  fixedCurve: [1, 2, 4, 8, 16].map((P) => ({ P, meanBudget: P, meanTokens: 1 + Math.log2(P), throughput: (1 + Math.log2(P)) / (1 + 0.05 * (P - 1)) })),
  frontier: [0, 1, 2, 3].map((k) => ({ lambda: k, meanBudget: 16 / 2 ** k, meanTokens: 4 - k / 2, throughput: 2 + k / 4 })),
  drafters: {
    'cost-aware': {
      points: [{ parameter: 1, meanBudget: 4, meanTokens: 2, throughput: 1.7 }, { parameter: 2, meanBudget: 3, meanTokens: 1.9, throughput: 1.8 }],
      best: { parameter: 2, meanBudget: 3, meanTokens: 1.9, throughput: 1.8, throughputCi95: [1.7, 1.9] },
      calibratedLambda: 1.5,
    },
  },
  fixedDrafters: { chain: { P: 4, meanTokens: 2, throughput: 1.739 } },
};
const section: AdaptiveSection = {
  latency: { label: 'linear:0.05', unit: 'T(1)', description: 'T(P) = T(1)·(1 + 0.05·(P - 1)) (each drafted node costs 0.05 of a plain decoding step)' },
  overall: summary,
  tasks: { code: summary },
};

describe('report: adaptive budgets', () => {
  it('one sentence with the gain of adaptivity and its interval, and the best adaptive drafter against the oracle', () => {
    const f = adaptiveFindings({ adaptive: section, config: { temperature: 1 } as never });
    expect(f).toHaveLength(2);
    expect(f[0]).toContain('the best fixed budget P = 8 gives 2.5 [2.4, 2.6] tokens per T(1)');
    expect(f[0]).toContain('reaches 2.75 [2.6, 2.9] at a mean budget of 6.5: adaptivity could gain at most 10% (95% CI 5% to 15%, 10 sequences resampled)');
    // 1.8 / 2.75 = 65.45…%
    expect(f[1]).toContain('cost-aware at threshold 2, reaches 1.8 [1.7, 1.9] tokens per T(1) at a mean budget of 3, 65.5% of the adaptive oracle');
    expect(f[1]).toContain('the best fixed-budget drafter, chain at P = 4, reaches 1.74');
  });

  it('the figure draws fixed P, the adaptive oracle and each adaptive drafter with a legend', () => {
    const svg = renderPlotSvg(adaptiveFigure(section));
    expect(svg).toContain('adaptive oracle (P chosen per step knowing p)');
    expect(svg).toContain('fixed P: oracle E[X*](P) / T(P)');
    expect(svg).toContain('adaptive drafter: cost-aware');
    expect(svg).toContain('tokens per T(1)');
  });

  it('tables: per task and overall; greedy rows in engine units', () => {
    const t = adaptiveTable(section);
    expect(t.rows.map((r) => r[0])).toEqual(['code', 'all']);
    expect(t.rows[1]).toEqual(['all', '8', '2.5 [2.4, 2.6]', '2.75 [2.6, 2.9]', '6.5', '10% [5%, 15%]', '1.8 (3)', '1.74 (4)']);
    const g: GreedySection = { speedOfLight: 'P', rows: [{ drafter: 'chain', P: 3, perPositionMean: 2.2, decoding: { steps: 10, meanAcceptanceLength: 2.4, perPositionAcceptance: [0.8, 0.6] } }] };
    expect(greedyTable(g).rows[0]).toEqual(['chain', '3', '2', '2.2', '2.4', '10', '0.8', '0.6']);
    const f = adaptiveFindings({ greedy: g, config: { temperature: 0 } as never });
    expect(f[0]).toContain('the speed-of-light is E[X*](P) = P');
    expect(f[1]).toContain('k = 2: 2.4');
  });
});
