/**
 * A measured latency table: a CSV of `k,ms` rows (an optional header line `k,ms`; `#` comments
 * and blank lines ignored), e.g. written by `specbound profile -o table.csv` or timed on a real
 * server. Between measured k it interpolates linearly; beyond the last row it extends the last
 * segment's slope (never decreasing) and reports that the value was extrapolated; below the first
 * row it uses the first row. Errors name `file:line`.
 */
import { InputFileError } from '../core/errors.js';
import type { LatencyModel } from './latency.js';

export interface LatencyRow {
  readonly k: number;
  readonly ms: number;
}

export interface MeasuredLatency extends LatencyModel {
  readonly rows: readonly LatencyRow[];
  /** True when `milliseconds(k)` had to extrapolate past the table. */
  extrapolates(k: number): boolean;
}

/** Parses `k,ms` CSV text. `file` names the source in errors. */
export function parseLatencyCsv(text: string, file: string): LatencyRow[] {
  const rows: LatencyRow[] = [];
  const seen = new Map<number, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const lineNo = i + 1;
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (rows.length === 0 && seen.size === 0 && /^[a-z_]/i.test(cells[0] ?? '')) {
      if (cells.length < 2 || cells[0]!.toLowerCase() !== 'k' || !/^ms|millis/i.test(cells[1]!)) {
        throw new InputFileError(file, lineNo, `header ${JSON.stringify(line)} should be "k,ms"`);
      }
      continue;
    }
    if (cells.length !== 2) throw new InputFileError(file, lineNo, `expected 2 columns "k,ms", found ${cells.length}: ${JSON.stringify(line)}`);
    const k = Number(cells[0]);
    const ms = Number(cells[1]);
    if (!Number.isInteger(k) || k < 1 || cells[0] === '') throw new InputFileError(file, lineNo, `k ${JSON.stringify(cells[0])} is not a whole number of tokens >= 1`);
    if (!Number.isFinite(ms) || ms <= 0 || cells[1] === '') throw new InputFileError(file, lineNo, `ms ${JSON.stringify(cells[1])} is not a positive number of milliseconds`);
    const previous = seen.get(k);
    if (previous !== undefined) throw new InputFileError(file, lineNo, `k = ${k} repeats line ${previous}`);
    seen.set(k, lineNo);
    rows.push({ k, ms });
  }
  if (rows.length === 0) throw new InputFileError(file, undefined, 'no "k,ms" rows');
  return rows.sort((a, b) => a.k - b.k);
}

/** A latency model from measured rows (sorted by k, as `parseLatencyCsv` returns them). */
export function measuredLatency(rows: readonly LatencyRow[], description: string): MeasuredLatency {
  if (rows.length === 0) throw new Error('measuredLatency needs at least one row');
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const milliseconds = (k: number): number => {
    if (k <= 0) return 0;
    if (k <= first.k) return first.ms;
    if (k >= last.k) {
      if (rows.length === 1) return last.ms;
      const before = rows[rows.length - 2]!;
      const slope = Math.max(0, (last.ms - before.ms) / (last.k - before.k));
      return last.ms + slope * (k - last.k);
    }
    let lo = 0;
    let hi = rows.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.k <= k) lo = mid;
      else hi = mid;
    }
    const a = rows[lo]!;
    const b = rows[hi]!;
    return a.ms + ((b.ms - a.ms) * (k - a.k)) / (b.k - a.k);
  };
  const model: MeasuredLatency = {
    kind: 'measured',
    description,
    rows,
    milliseconds,
    extrapolates: (k) => k > last.k || k < first.k,
    // A table timed one sequence at a time: at batch B a pass carries B·k tokens, read at k' = B·k
    // (the KV-cache reads of B separate sequences are not in the table; the description says so).
    atBatch: (b) => {
      if (b === 1) return model;
      return {
        kind: 'measured',
        description: `${description}, read at B·k tokens for batch ${b} (KV reads of ${b} sequences not timed)`,
        rows,
        milliseconds: (k: number) => milliseconds(b * k),
        extrapolates: (k: number) => b * k > last.k || b * k < first.k,
      };
    },
  };
  return model;
}
