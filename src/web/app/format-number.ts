/** Numbers for the page: 4 significant digits, '—' for missing or non-finite values (no DOM). */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Number(v.toPrecision(digits)).toString();
}
