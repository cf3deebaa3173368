/**
 * Flag parsers shared by every command. Each throws InvalidValueError naming the flag and value,
 * which the CLI prints as one line with exit code 2.
 */
import { InvalidValueError } from '../core/errors.js';

/** A finite number: `--mu 0.5`. */
export function parseNumber(flag: string, text: string, check?: { min?: number; max?: number; exclusiveMin?: boolean }): number {
  const t = text.trim();
  const v = t === '' ? Number.NaN : Number(t);
  if (!Number.isFinite(v)) throw new InvalidValueError(flag, text, 'not a finite number');
  if (check?.min !== undefined) {
    if (check.exclusiveMin === true ? v <= check.min : v < check.min) {
      throw new InvalidValueError(flag, text, `must be ${check.exclusiveMin === true ? '>' : '>='} ${check.min}`);
    }
  }
  if (check?.max !== undefined && v > check.max) throw new InvalidValueError(flag, text, `must be <= ${check.max}`);
  return v;
}

/** An integer: `--samples 8`. */
export function parseInteger(flag: string, text: string, check?: { min?: number; max?: number }): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new InvalidValueError(flag, text, 'not an integer');
  const v = Number(t);
  if (!Number.isSafeInteger(v)) throw new InvalidValueError(flag, text, 'too large');
  if (check?.min !== undefined && v < check.min) throw new InvalidValueError(flag, text, `must be >= ${check.min}`);
  if (check?.max !== undefined && v > check.max) throw new InvalidValueError(flag, text, `must be <= ${check.max}`);
  return v;
}

/** Largest list `parseBudgetList` will expand, so a typo like `1..1e9` fails fast. */
export const MAX_BUDGET_LIST = 100_000;

/**
 * Budgets P (tree nodes including the root, P ≥ 1): a comma-separated list of integers and
 * ranges. `8,16,32` · `2..1024` (every integer) · `2..1024:x2` (×2 each step, the end included
 * when hit) · `10..100:+10` (step 10). Sorted ascending, duplicates removed.
 */
export function parseBudgetList(flag: string, text: string): number[] {
  const out = new Set<number>();
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new InvalidValueError(flag, text, 'empty item; expected e.g. 8,16,32 or 2..1024:x2');
  const budget = (s: string): number => {
    if (!/^\d+$/.test(s)) throw new InvalidValueError(flag, text, `"${s}" is not a whole number of tree nodes`);
    const v = Number(s);
    if (v < 1) throw new InvalidValueError(flag, text, 'P counts the root, so P >= 1');
    if (!Number.isSafeInteger(v)) throw new InvalidValueError(flag, text, `"${s}" is too large`);
    return v;
  };
  for (const part of parts) {
    const m = /^(\S+?)\.\.(\S+?)(?::([x+])(\S+))?$/.exec(part);
    if (m === null) {
      out.add(budget(part));
    } else {
      const lo = budget(m[1]!);
      const hi = budget(m[2]!);
      if (hi < lo) throw new InvalidValueError(flag, text, `range ${part} ends before it starts`);
      const kind = m[3] ?? '+';
      const step = m[4] === undefined ? 1 : Number(m[4]);
      if (!Number.isFinite(step) || (kind === 'x' ? step <= 1 : step <= 0 || !Number.isInteger(step))) {
        throw new InvalidValueError(flag, text, kind === 'x' ? `ratio in ${part} must be > 1` : `step in ${part} must be a positive integer`);
      }
      for (let v = lo; v <= hi; v = kind === 'x' ? Math.max(v + 1, Math.round(v * step)) : v + step) {
        out.add(v);
        if (out.size > MAX_BUDGET_LIST) throw new InvalidValueError(flag, text, `more than ${MAX_BUDGET_LIST} budgets`);
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}
