import { describe, expect, it } from 'vitest';
import {
  acceptedLengthFigure,
  curveValueAt,
  entropyHistogramFigure,
  lemma7Figure,
  lemma7Points,
  temperatureBoundsFigure,
  temperatureEntropyFigure,
} from '../../src/report/figures.js';
import { renderPlotSvg, roundSvgNumbers } from '../../src/report/svg.js';
import type { Curves } from '../../src/results/results-schema.js';

// Hand-made curves of the shape a report has; the values are the functions written beside each
// (not measured), chosen so the figure is easy to read in review.
const budgets = [1, 2, 4, 8, 16, 32, 64];
const curve = (f: (P: number) => number, se?: number) => budgets.map((P) => ({ P, mean: f(P), ...(se === undefined ? {} : { se }) }));
const curves: Curves = {
  oracle: curve((P) => 1 + 0.9 * Math.log2(P), 0.05),
  oracleAncestral: curve((P) => 1 + 0.88 * Math.log2(P)),
  iid: curve((P) => 1 + 0.8 * Math.log2(P), 0.03),
  theorem1: curve((P) => Math.min(P, 1.5 + 1.2 * Math.log2(P))),
  limit: curve((P) => Math.log(P) / 0.5),
  drafters: { 'q-greedy': curve((P) => 1 + 0.6 * Math.log2(P), 0.04), chain: curve((P) => 1 + 0.5 * Math.log2(Math.min(P, 8))) },
};

describe('renderPlotSvg', () => {
  it('renderPlotSvg(options) returns one standalone svg element with its namespace', () => {
    const svg = renderPlotSvg(acceptedLengthFigure(curves));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('renderPlotSvg(options) gives the same bytes twice (no randomness in Plot or linkedom)', () => {
    expect(renderPlotSvg(acceptedLengthFigure(curves))).toBe(renderPlotSvg(acceptedLengthFigure(curves)));
  });

  it('roundSvgNumbers(markup, 1) rounds decimals and leaves integers and -0 clean', () => {
    expect(roundSvgNumbers('<path d="M0,159.99999999999997L1.25,2L-0.04,3"/>', 1)).toBe('<path d="M0,160L1.3,2L0,3"/>');
  });
});

describe('acceptedLengthFigure', () => {
  it('acceptedLengthFigure(curves) draws one line per curve and labels each in the legend', () => {
    const svg = renderPlotSvg(acceptedLengthFigure(curves));
    // oracle, iid, theorem1, limit + 2 drafters + oracleAncestral = 7 lines (the y = 1 rule is a rule mark).
    expect(svg.match(/aria-label="line"/g)?.length).toBe(7);
    for (const label of ['oracle E[X*]', 'i.i.d. optimum', 'Theorem 1 bound', 'ln P / μ', 'drafter: q-greedy', 'drafter: chain']) {
      expect(svg).toContain(label);
    }
    // Bands (area marks) for the curves that carry standard errors: oracle, iid, q-greedy.
    expect(svg.match(/aria-label="area"/g)?.length).toBe(3);
  });

  it('acceptedLengthFigure(curves) matches its SVG snapshot', async () => {
    await expect(roundSvgNumbers(renderPlotSvg(acceptedLengthFigure(curves)))).toMatchFileSnapshot('__snapshots__/accepted-length.svg');
  });

  it('acceptedLengthFigure omits curves that are absent or empty', () => {
    const svg = renderPlotSvg(acceptedLengthFigure({ oracle: curves.oracle, iid: [], drafters: {} }));
    expect(svg.match(/aria-label="line"/g)?.length).toBe(1);
    expect(svg).not.toContain('i.i.d. optimum');
  });
});

describe('lemma7Figure', () => {
  const report = {
    tasks: {
      code: { stats: undefined as never, curves: { lemma7: curves.limit, drafters: { 'q-greedy': curve((P) => 1 + 0.7 * Math.log2(P)) } } },
      story: { stats: undefined as never, curves: { lemma7: curve((P) => Math.log(P) / 0.8), drafters: { 'q-greedy': curve((P) => 1 + 0.5 * Math.log2(P)) } } },
      noLemma: { stats: undefined as never, curves: { drafters: { 'q-greedy': curves.oracle } } },
    },
  };

  it('curveValueAt(curve, P) takes the point with the largest budget ≤ P', () => {
    expect(curveValueAt(curves.limit, 60)).toBeCloseTo(Math.log(32) / 0.5, 12);
    expect(curveValueAt(curves.limit, 64)).toBeCloseTo(Math.log(64) / 0.5, 12);
    expect(curveValueAt(curves.limit, 0)).toBeUndefined();
  });

  it('lemma7Points(report, P) pairs each task’s drafter value with its Lemma 7 estimate, skipping tasks without one', () => {
    const points = lemma7Points(report, 16);
    expect(points.map((p) => p.task)).toEqual(['code', 'story']);
    expect(points[0]!.estimate).toBeCloseTo(Math.log(16) / 0.5, 12);
    expect(points[0]!.measured).toBeCloseTo(1 + 0.7 * 4, 12);
  });

  it('lemma7Figure(points, P) matches its SVG snapshot', async () => {
    const svg = roundSvgNumbers(renderPlotSvg(lemma7Figure(lemma7Points(report, 60), 60)));
    expect(svg).toContain('>code<');
    await expect(svg).toMatchFileSnapshot('__snapshots__/lemma7.svg');
  });
});

describe('entropyHistogramFigure', () => {
  it('entropyHistogramFigure(histogram) draws one bar per bin and marks μ', async () => {
    const raw = renderPlotSvg(entropyHistogramFigure({ edges: [0, 0.5, 1, 1.5, 2], counts: [50, 30, 15, 5] }, { mu: 0.6 }));
    expect(raw).toContain('μ = 0.600');
    const svg = roundSvgNumbers(raw);
    expect(svg.match(/<rect /g)?.length).toBe(4);
    await expect(svg).toMatchFileSnapshot('__snapshots__/entropy-histogram.svg');
  });
});

describe('temperature sweep figures', () => {
  // μ(T) rising with T as for any non-degenerate model; bounds from the same formulas' shape.
  const sweep = [0.3, 0.6, 0.9, 1.2, 1.5].map((T) => ({ temperature: T, mu: 0.4 * T * T, mu2: T * T, theorem1: 2 + 2 / T, limit: Math.log(64) / (0.4 * T * T), P: 64 }));

  it('temperatureEntropyFigure(sweep) matches its SVG snapshot', async () => {
    await expect(roundSvgNumbers(renderPlotSvg(temperatureEntropyFigure(sweep)))).toMatchFileSnapshot('__snapshots__/temperature-entropy.svg');
  });

  it('temperatureBoundsFigure(sweep) draws Theorem 1 and ln P/μ at the sweep’s P and matches its snapshot', async () => {
    const svg = roundSvgNumbers(renderPlotSvg(temperatureBoundsFigure(sweep)));
    expect(svg).toContain('E[X] at P = 64');
    expect(svg.match(/aria-label="line"/g)?.length).toBe(2);
    await expect(svg).toMatchFileSnapshot('__snapshots__/temperature-bounds.svg');
  });
});
