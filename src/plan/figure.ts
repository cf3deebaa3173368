/**
 * The planner's figure: speedup against P (log axis when the budgets span more than a factor
 * of 16), the planned curve solid, the ceiling dashed when known (the simulated i.i.d. optimum, a
 * run's oracle, or Theorem 1), a deployment's
 * measured point when given, and the chosen P marked with a dot and its label. Rendered with the
 * report layer's headless Plot (`renderPlotSvg`), so it is one standalone SVG.
 */
import * as Plot from '@observablehq/plot';
import { legendMarks, type SeriesStyle } from '../report/figures.js';
import { renderPlotSvg } from '../report/svg.js';
import type { Plan } from './planner.js';

export interface PlanFigureOptions {
  readonly width?: number;
  readonly height?: number;
  /** A deployment's budget and its speedup under the same latency model. */
  readonly deployment?: { readonly P: number; readonly speedup: number };
  readonly title?: string;
}

export function planFigureSvg(result: Plan, options: PlanFigureOptions = {}): string {
  const points = result.curve;
  const Ps = points.map((p) => p.P);
  const logX = Math.max(...Ps) / Math.min(...Ps) > 16;
  const ceiling = points.filter((p) => p.ceilingSpeedup !== undefined).map((p) => ({ P: p.P, speedup: p.ceilingSpeedup! }));
  const legend: SeriesStyle[] = [{ label: `speedup (${result.best.speedupKind})`, color: '#e15759' }];
  const marks: Plot.Markish[] = [
    Plot.ruleY([1], { stroke: '#bbbbbb' }),
    Plot.line(points, { x: 'P', y: 'speedup', stroke: '#e15759', strokeWidth: 2 }),
  ];
  if (ceiling.length > 0) {
    legend.push({ label: result.ceilingLabel ?? 'Theorem 1 ceiling (bound)', color: '#1f77b4', dash: '6,4' });
    marks.push(Plot.line(ceiling, { x: 'P', y: 'speedup', stroke: '#1f77b4', strokeDasharray: '6,4' }));
  }
  if (options.deployment !== undefined) {
    legend.push({ label: 'deployment (measured)', color: '#2ca02c' });
    marks.push(Plot.dot([options.deployment], { x: 'P', y: 'speedup', fill: '#2ca02c', r: 5, symbol: 'square' }));
  }
  const best = result.best;
  marks.push(
    Plot.dot([best], { x: 'P', y: 'speedup', fill: '#111111', r: 5 }),
    Plot.text([best], {
      x: 'P',
      y: 'speedup',
      text: (d: typeof best) => `best P = ${d.P}: ${d.speedup.toFixed(2)}×`,
      dy: -12,
      fontWeight: 'bold',
    }),
    ...legendMarks(legend, 'top-left'),
  );
  return renderPlotSvg({
    width: options.width ?? 640,
    height: options.height ?? 400,
    marginTop: 20 + 13 * legend.length,
    x: { type: logX ? 'log' : 'linear', label: 'budget P (draft-tree nodes including the root)' },
    y: { label: 'speedup over plain decoding', grid: true, zero: false },
    marks,
  });
}
