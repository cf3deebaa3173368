/** Plain-text tables with aligned columns (numbers right-aligned), for the CLI, the planner and the benchmarks. */
import { formatNumber } from './format-number.js';

export type Cell = string | number | boolean | null | undefined;

/** Renders rows under headers with aligned columns (numbers right-aligned, 4 significant digits). */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const numeric = headers.map((_, i) => rows.every((r) => r[i] === undefined || r[i] === null || typeof r[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] === true ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

function cellText(c: Cell): string {
  if (c === undefined || c === null) return '';
  if (typeof c === 'number') return formatNumber(c);
  return String(c);
}
