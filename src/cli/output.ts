/** Plain-text tables and JSON for the CLI. Tables go to stdout; progress and warnings to stderr. */

export type Cell = string | number | boolean | null | undefined;

/** Formats a number for a table: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

/** Renders rows under headers with aligned columns (numbers right-aligned). */
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

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
