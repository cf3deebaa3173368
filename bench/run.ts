/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `run(): Promise<BenchResult[]>`),
 * prints a table and then one JSON document. `npm run bench -- sim stats` runs only the files
 * whose names contain one of the words.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { formatTable } from '../src/cli/output.js';

export interface BenchResult {
  /** What was measured, e.g. "dense estimator V=128256". */
  readonly name: string;
  readonly value: number;
  /** e.g. "GB/s/core", "nodes/s/core", "tokens/s". */
  readonly unit: string;
  /** The issue's target, when it sets one (same unit). */
  readonly target?: number;
  /** What limits it, or how it was measured. */
  readonly notes?: string;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const all: (BenchResult & { file: string })[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { run: () => Promise<BenchResult[]> };
  for (const r of await mod.run()) all.push({ file: f, ...r });
}
console.log(
  formatTable(
    ['file', 'benchmark', 'value', 'unit', 'target', 'notes'],
    all.map((r) => [r.file.replace('.bench.ts', ''), r.name, r.value, r.unit, r.target, r.notes ?? '']),
  ),
);
console.log(JSON.stringify({ node: process.version, cpus: os.cpus()[0]?.model ?? 'unknown', results: all }, null, 2));
