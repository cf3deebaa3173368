/**
 * The adaptive figure names its lines as the report's other figures do (issue 16 leftover): a
 * text label beside each line's right end (figures.ts `endLabelMark`, dodged apart), no in-frame
 * legend. Checked on the SVG (positions of the labels against the ends of the drawn paths) and,
 * when Debian's chromium is there, in a browser (real text widths: no two labels overlap and none
 * is cut off at the figure's edge).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adaptiveFigure } from '../../src/report/adaptive.js';
import { renderPlotSvg } from '../../src/report/svg.js';
import type { AdaptiveSection, AdaptiveSummary } from '../../src/results/adaptive-schema.js';
import { strategyColor } from '../../src/tree/strategies/registry.js';

// A hand-made section (values chosen, not measured) with the layout of a real one (the built-in
// pair at linear:0.05): every curve reaches the right edge at P = 64 except one adaptive drafter
// that stops at a mean budget of 8; two pairs of lines end close together (1.25 / 1.2 and
// 0.82 / 0.8 tokens per T(1)), so their labels must be pushed apart.
const budgets = [1, 2, 4, 8, 16, 32, 64];
const T = (P: number) => 1 + 0.05 * (P - 1);
const point = (P: number, tokens: number) => ({ P, meanBudget: P, meanTokens: tokens, throughput: tokens / T(P) });
const toEnd = <C extends { throughput: number }>(curve: C[], end: number): C[] => curve.map((p, i) => (i === curve.length - 1 ? { ...p, throughput: end } : p));
const summary: AdaptiveSummary = {
  positions: 800,
  sequences: 16,
  fixed: { P: 8, meanTokens: 3.6, throughput: { estimate: 2.67, ci95: [2.5, 2.8] } },
  adaptive: { meanBudget: 7, meanTokens: 3.7, iterations: 5, throughput: { estimate: 2.8, ci95: [2.7, 2.9] } },
  gain: { estimate: 1.05, ci95: [1.02, 1.08] },
  fixedCurve: toEnd(budgets.map((P) => point(P, 1 + 0.9 * Math.log(P))), 1.2),
  frontier: budgets.map((P, i) => ({ lambda: 3 - i * 0.4, meanBudget: P, meanTokens: 1 + Math.log(P), throughput: i === budgets.length - 1 ? 1.25 : (1 + Math.log(P)) / T(P) })),
  drafters: {
    'cost-aware': {
      points: [2, 6, 20, 60].map((b, i) => ({ parameter: i, meanBudget: b, meanTokens: 1 + 0.5 * Math.log(b), throughput: i === 3 ? 0.82 : (1 + 0.5 * Math.log(b)) / T(b) })),
      best: { parameter: 1, meanBudget: 6, meanTokens: 1.9, throughput: 1.53, throughputCi95: [1.45, 1.6] },
      calibratedLambda: 1.5,
    },
    'entropy-gate': {
      points: [1.5, 3, 8].map((b, i) => ({ parameter: i, meanBudget: b, meanTokens: 1 + 0.6 * Math.log(b), throughput: (1 + 0.6 * Math.log(b)) / T(b) })),
      best: { parameter: 2, meanBudget: 8, meanTokens: 2.25, throughput: 1.68, throughputCi95: [1.6, 1.75] },
      calibratedLambda: 1.5,
    },
  },
  fixedDrafters: {
    chain: { P: 4, meanTokens: 2, throughput: 1.74, curve: toEnd(budgets.map((P) => point(P, 1 + 0.4 * Math.log(P))), 0.5) },
    'q-greedy': { P: 8, meanTokens: 2.5, throughput: 1.8, curve: toEnd(budgets.map((P) => point(P, 1 + 0.5 * Math.log(P))), 0.8) },
  },
};
const section: AdaptiveSection = {
  latency: { label: 'linear:0.05', unit: 'T(1)', description: 'T(P) = T(1)·(1 + 0.05·(P - 1))' },
  overall: summary,
  tasks: {},
};

/** The lines: label, stroke colour (the figure's own styles: figures.ts/adaptive.ts, the strategy registry). */
const LINES = [
  { label: 'fixed P: oracle E[X*](P) / T(P)', color: '#999999' },
  { label: 'adaptive oracle (P chosen per step knowing p)', color: '#111111' },
  { label: 'fixed P, drafter: chain', color: strategyColor('chain') },
  { label: 'fixed P, drafter: q-greedy', color: strategyColor('q-greedy') },
  { label: 'adaptive drafter: cost-aware', color: strategyColor('cost-aware') },
  { label: 'adaptive drafter: entropy-gate', color: strategyColor('entropy-gate') },
];

const svg = renderPlotSvg(adaptiveFigure(section));
const width = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);

/** The last point of the line drawn in `color` (Plot: `<g … stroke="C" … aria-label="line"><path d="M…L…">`). */
function lineEnd(color: string): { x: number; y: number } {
  const m = new RegExp(`<g[^>]*stroke="${color}"[^>]*aria-label="line"><path d="([^"]+)"`).exec(svg);
  expect(m, `a line stroked ${color}`).not.toBeNull();
  const pts = [...m![1]!.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((p) => ({ x: Number(p[1]), y: Number(p[2]) }));
  return pts[pts.length - 1]!;
}

/** The label text elements: the group of the end-label mark (translate(dx, 0)) and each text's translate. */
function labelsDrawn(): Map<string, { x: number; y: number; fill: string }> {
  const group = /<g transform="translate\(([\d.]+),0\)" text-anchor="start" aria-label="text">(.*?)<\/g>/.exec(svg);
  expect(group, 'one text mark of end labels').not.toBeNull();
  const dx = Number(group![1]);
  const out = new Map<string, { x: number; y: number; fill: string }>();
  for (const t of group![2]!.matchAll(/<text fill="([^"]+)" transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>([^<]*)<\/text>/g)) {
    out.set(t[4]!, { fill: t[1]!, x: Number(t[2]) + dx, y: Number(t[3]) });
  }
  return out;
}

describe('the adaptive figure labels its lines directly (issue 16)', () => {
  it('one text label per line, in the line colour, just right of the line end, at its height unless pushed apart', () => {
    const labels = labelsDrawn();
    expect([...labels.keys()].sort()).toEqual(LINES.map((l) => l.label).sort());
    for (const { label, color } of LINES) {
      const at = labels.get(label)!;
      const end = lineEnd(color);
      expect(at.fill, label).toBe(color);
      // Beside the end, to its right: 8 px (the shared mark's dx), a little more for a sweep that
      // stops short of the edge (cost-aware at 60 of 64: 8 + 8.9 px) and is labelled in the margin column.
      expect(at.x - end.x, label).toBeGreaterThanOrEqual(8);
      expect(at.x - end.x, label).toBeLessThanOrEqual(20);
      // Within one label spacing (14 px) of the line's end height.
      expect(Math.abs(at.y - end.y), label).toBeLessThanOrEqual(14.01);
    }
    // The entropy gate stops at a mean budget of 8: its label sits inside the frame beside that end, not in the margin.
    const gate = labels.get('adaptive drafter: entropy-gate')!;
    expect(gate.x).toBeLessThan(labels.get('adaptive oracle (P chosen per step knowing p)')!.x - 100);
    // Lines ending apart keep their label exactly at their height.
    expect(labels.get('fixed P, drafter: chain')!.y).toBeCloseTo(lineEnd(strategyColor('chain')).y, 2); // paths are rounded to 0.001 px
    // Labels never closer than the spacing (the two close pairs were pushed apart).
    const right = [...labels.values()].filter((l) => l.x > gate.x + 1).map((l) => l.y).sort((a, b) => a - b);
    for (let i = 1; i < right.length; i++) expect(right[i]! - right[i - 1]!).toBeGreaterThanOrEqual(13.99);
  });

  it('no legend: no swatch glyphs, no frame-anchored text, each label drawn once', () => {
    expect(svg).not.toContain('━━');
    expect(svg).not.toContain('╍╍');
    for (const { label } of LINES) expect(svg.split(`>${label}</text>`).length - 1, label).toBe(1);
    // The right margin holds the labels: the longest right-column label starts inside the figure with room to spare.
    expect(labelsDrawn().get('adaptive oracle (P chosen per step knowing p)')!.x).toBeLessThan(width - 250);
  });

  const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  it.skipIf(!existsSync(CHROMIUM))('in a browser: the labels do not overlap each other and none is cut off by the figure edge', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
      await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
      // A string, evaluated in the page (the test project has no DOM types).
      const boxes = await page.evaluate<{ name: string; left: number; right: number; top: number; bottom: number; frameWidth: number }[]>(`(() => {
        const names = ${JSON.stringify(LINES.map((l) => l.label))};
        const svgEl = document.querySelector('svg');
        const frame = svgEl.getBoundingClientRect();
        return [...svgEl.querySelectorAll('text')]
          .filter((t) => names.includes(t.textContent))
          .map((t) => {
            const r = t.getBoundingClientRect();
            return { name: t.textContent, left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top, bottom: r.bottom - frame.top, frameWidth: frame.width };
          });
      })()`);
      expect(boxes).toHaveLength(LINES.length);
      for (const b of boxes) {
        expect(b.right, b.name).toBeLessThanOrEqual(b.frameWidth);
        expect(b.left, b.name).toBeGreaterThanOrEqual(0);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          expect(overlap, `${a.name} / ${b.name}`).toBe(false);
        }
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
