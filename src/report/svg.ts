/**
 * Headless Observable Plot: renders Plot options to an SVG string without a browser, using
 * linkedom as the `document`. Used by `specbound report`, the planner and the web page, so
 * every figure of the product is produced by the same code and is testable as a snapshot.
 *
 * Output is deterministic (Plot's default class name is a constant, no randomness), so the
 * same data gives the same bytes.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Plot options without `document` (supplied here). */
export type PlotOptions = Omit<Plot.PlotOptions, 'document'>;

/**
 * Renders Observable Plot options to markup.
 *
 * The result is an `<svg>` element with its `xmlns` set (valid as a standalone `.svg` file),
 * unless the options ask for HTML parts (`title`, `subtitle`, `caption`, or a scale `legend`),
 * in which case Plot wraps the SVG in a `<figure>` and that HTML fragment is returned.
 *
 * @example renderPlotSvg({ marks: [Plot.lineY([1, 2, 3])] }) // '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400" …'
 */
export function renderPlotSvg(options: PlotOptions): string {
  // linkedom's declarations and Plot's `document` option name DOM types the node project does not load.
  const { document } = parseHTML('<!DOCTYPE html><html><head></head><body></body></html>') as unknown as { document: object };
  // The web project (DOM lib) needs this assertion; the node project, where `Document` is unresolved, does not.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const element = Plot.plot({ ...options, document } as Plot.PlotOptions) as unknown as {
    tagName: string;
    outerHTML: string;
    setAttribute(name: string, value: string): void;
    hasAttribute(name: string): boolean;
  };
  if (element.tagName.toLowerCase() === 'svg' && !element.hasAttribute('xmlns')) element.setAttribute('xmlns', SVG_NS);
  return element.outerHTML;
}

/**
 * Rounds every decimal number in markup to `digits` decimals (coordinates, path data), for
 * snapshot tests that must not break on the last floating-point digit.
 *
 * @example roundSvgNumbers('<path d="M0,159.99999999999997L1.25,2"/>', 1) // '<path d="M0,160L1.3,2"/>'
 */
export function roundSvgNumbers(markup: string, digits = 1): string {
  const factor = 10 ** digits;
  return markup.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (m) => {
    const v = Math.round(Number(m) * factor) / factor;
    return String(Object.is(v, -0) ? 0 : v);
  });
}
