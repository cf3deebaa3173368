/** Numbers for the page: core/format-number.ts (4 significant digits), '—' for missing or non-finite values (no DOM). */
import { formatNumber } from '../../core/format-number.js';

export function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : formatNumber(v, digits);
}
