/**
 * The browser build's stand-in for linkedom: the report figure builders share a module with the
 * headless SVG renderer (node only), which the page never calls; the page renders with the real DOM.
 */
export function parseHTML(): never {
  throw new Error('linkedom is not available in the browser; render with Plot.plot directly');
}
