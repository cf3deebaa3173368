/**
 * A run directory: `config.json` (what was asked), `units.jsonl` (one line per completed unit of
 * work, append-only), `results.json` (the finished measurement, `ReportSchema`-shaped) and the
 * trace. Files are written whole through a temporary file and a rename; the unit log is appended
 * a complete line at a time, and a line cut short by a kill is ignored and cut off on the next
 * run, so killing the process at any moment loses at most the unit in progress.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { asFileSystemError, InputFileError, InvalidValueError } from '../core/errors.js';
import { writeAllOrNothing } from '../core/atomic-file.js';
import { makeDirectory } from '../core/make-directory.js';

export const CONFIG_FILE = 'config.json';
export const UNITS_FILE = 'units.jsonl';
export const RESULTS_FILE = 'results.json';

/**
 * The files a run writes into its directory (the unit log, configuration, results, trace and
 * rendered report); `discardRun` removes exactly these, never anything else the directory holds.
 */
export const RUN_FILES = [CONFIG_FILE, UNITS_FILE, RESULTS_FILE, 'trace.jsonl.gz', 'report.json', 'report.md', 'report.html'] as const;

/** `--fresh`: removes a run's files (and its figures/*.svg) so the run starts over. */
export function discardRun(dir: string): void {
  try {
    for (const name of RUN_FILES) rmSync(path.join(dir, name), { force: true });
    const figures = path.join(dir, 'figures');
    if (existsSync(figures)) for (const f of readdirSync(figures)) if (f.endsWith('.svg')) rmSync(path.join(figures, f), { force: true });
  } catch (err) {
    throw asFileSystemError(err, dir);
  }
}

/** Creates the directory (and parents; a failure names its real cause) or checks that the path is a directory. */
export function ensureRunDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InvalidValueError('--out', dir, 'exists and is not a directory');
  makeDirectory(dir);
}

/** Reads a JSON file of the run directory, or undefined when absent. */
export function readJsonFile(file: string): unknown {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputFileError(file, undefined, `not valid JSON (${(err as Error).message.split('\n')[0]}); delete the file to start over`);
  }
}

/**
 * The unit log: reads the complete lines (a trailing partial line, from a kill mid-write, is cut
 * off so appends continue cleanly) and appends new ones.
 */
export class UnitLog {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, UNITS_FILE);
  }

  /** Complete lines, parsed, in file order, with their line numbers. A malformed complete line is an error naming file:line. */
  readAll(): { line: number; value: unknown }[] {
    if (!existsSync(this.file)) return [];
    const buf = readFileSync(this.file);
    const lastNewline = buf.lastIndexOf(0x0a);
    const completeLength = lastNewline + 1;
    if (completeLength < buf.length) truncateSync(this.file, completeLength);
    const text = buf.subarray(0, completeLength).toString('utf8');
    const out: { line: number; value: unknown }[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      try {
        out.push({ line: i + 1, value: JSON.parse(line) as unknown });
      } catch {
        throw new InputFileError(this.file, i + 1, 'not a complete JSON record; the run directory is damaged (delete the line or the directory)');
      }
    }
    return out;
  }

  /**
   * Appends one record as a line and flushes it to disk. When the disk is full mid-line the file
   * is cut back to its previous length (no half line is left) and the error names the file.
   */
  append(record: unknown): void {
    writeAllOrNothing(this.file, Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'));
  }
}
