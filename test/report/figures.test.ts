import { describe, expect, it } from 'vitest';
import {
  acceptedLengthFigure,
  curveValueAt,
  cutAtTop,
  cutToRange,
  speedupFigure,
  taskOracleFigure,
  dodgeLabels,
  FIGURE_WIDTH,
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

describe('figure layout (readable at 100% zoom)', () => {
  it('the y axis follows the measured curves, and an off-scale bound says so with its value', () => {
    const options = acceptedLengthFigure(curves);
    const domain = (options.y as { domain: [number, number] }).domain;
    // The largest measured value is the oracle's upper band edge at P = 64: 1 + 0.9·6 + 1.96·0.05.
    const top = 1 + 0.9 * 6 + 1.96 * 0.05;
    expect(domain[1]).toBeCloseTo(top * 1.06 + 0.05, 12);
    // ln P/0.5 at P = 64 is 8.32 > the top: the estimate's curve is cut there and labelled with its value.
    const svg = renderPlotSvg(options);
    expect(svg).toContain(`ln P / μ (Corollary 1) ↑ (off scale: ${Number((Math.log(64) / 0.5).toPrecision(3))} at P = 64)`);
    expect(svg).toContain('font-size:12px');
    expect(options.width).toBe(FIGURE_WIDTH);
  });

  it('cutAtTop ends a curve exactly on the top edge, interpolated in log P', () => {
    const rows = [1, 2, 4].map((P) => ({ P, mean: P, lo: P, hi: P }));
    const cut = cutAtTop(rows, 3);
    expect(cut).toHaveLength(3);
    // Between (2, 2) and (4, 4): the value 3 is reached at t = 1/2 of the log step, P = 2·√2.
    expect(cut[2]!.P).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(cut[2]!.mean).toBe(3);
  });

  it('dodgeLabels keeps order, spacing and the frame', () => {
    const labels = [5, 5.05, 5.1, 1, 9.99].map((y) => ({ y, labelY: 0 }));
    const out = dodgeLabels(labels, 0.5, 0, 10);
    const ys = out.map((l) => l.labelY);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(0.5 - 1e-12);
    expect(Math.max(...ys)).toBeLessThanOrEqual(10);
    expect(ys[0]).toBe(1); // an isolated label stays on its line
  });

  it('the Lemma 7 figure has one panel per drafter and labels every point with its task', () => {
    const points = ['q-greedy', 'eagle', 'sequoia'].flatMap((drafter, d) => ['code', 'math', 'qa'].map((task, t) => ({ task, drafter, estimate: 2.4 + 0.05 * t, measured: 3 + 0.1 * t + 0.05 * d })));
    const svg = renderPlotSvg(lemma7Figure(points, 60));
    for (const d of ['q-greedy', 'eagle', 'sequoia']) expect(svg).toContain(`drafter: ${d}`);
    // 3 drafters × 3 tasks, each named at its point.
    expect(svg.match(/>(code|math|qa)</g)?.length).toBe(9);
    // Each axis fitted to its own values: the estimates (2.4–2.5) and the measurements (3.0–3.3) do not share a domain.
    const options = lemma7Figure(points, 60);
    expect((options.x as { domain: number[] }).domain[1]).toBeLessThan((options.y as { domain: number[] }).domain[0]!);
  });

  it('the histogram names its unit', () => {
    expect(renderPlotSvg(entropyHistogramFigure({ edges: [0, 1, 2], counts: [1, 1] }))).toContain('share of positions (%)');
  });
});

describe('cutToRange', () => {
  it('starts a curve where it enters from below, on the edge', () => {
    // ln P / 0.5 is 0 at P = 1 and 2·ln 2 ≈ 1.386 at P = 2: it reaches 1 at ln P = 0.5, P = e^0.5.
    const rows = [1, 2, 4].map((P) => ({ P, mean: Math.log(P) / 0.5, lo: 0, hi: 0 }));
    const cut = cutToRange(rows, 1, 10);
    expect(cut[0]!.P).toBeCloseTo(Math.exp(0.5), 12);
    expect(cut[0]!.mean).toBe(1);
    expect(cut.slice(1).map((r) => r.P)).toEqual([2, 4]);
  });
});

describe('taskOracleFigure and speedupFigure', () => {
  it('taskOracleFigure labels each task and needs two tasks to compare', () => {
    const task = (f: (P: number) => number) => ({ stats: undefined as never, curves: { oracle: curve(f, 0.1) } });
    const svg = renderPlotSvg(taskOracleFigure({ code: task((P) => 1 + Math.log2(P)), math: task((P) => 1 + 0.5 * Math.log2(P)) })!);
    expect(svg).toContain('>code<');
    expect(svg).toContain('>math<');
    expect(svg.match(/aria-label="line"/g)?.length).toBe(2);
    expect(taskOracleFigure({ code: task((P) => P) })).toBeUndefined();
  });

  it('speedupFigure plots E[X]·T(1)/T(P) (Wald, eq. 1) and marks the best P', () => {
    // T_v(k) = 10 + k ms, free drafting: speedup(P) = E[X](P)·11/(10 + P). For the oracle
    // 1 + 0.9·log2 P: P = 8 gives 3.7·11/18 = 2.2611, P = 16 gives 4.6·11/26 = 1.9462, so the best is P = 8
    // (P = 4: 2.8·11/14 = 2.2, P = 2: 1.9·11/12 = 1.742, P = 32: 5.5·11/42 = 1.44).
    const options = speedupFigure({ oracle: curves.oracle }, { verifierMs: (k) => 10 + k, description: 'T = 10 + k ms' })!;
    const dots = (options.marks as { data?: unknown }[]).map((m) => m.data).find((d) => Array.isArray(d) && d.length === 1 && typeof (d[0] as { P?: unknown }).P === 'number') as { P: number; mean: number }[];
    expect(dots[0]!.P).toBe(8);
    expect(dots[0]!.mean).toBeCloseTo((3.7 * 11) / 18, 12);
    expect(renderPlotSvg(options)).toContain('speedup over plain decoding (T = 10 + k ms)');
  });
});
