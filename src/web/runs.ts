/**
 * Run directories the web page may show: the immediate subdirectories of `--runs` (or the
 * directory itself) that hold a `report.json` valid against ReportSchema. Plans written by
 * `specbound plan --json > DIR/plan.json` sit beside it and are listed too.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ReportSchema } from '../results/results-schema.js';
import { readRegularFile, resolveInside } from './safe-path.js';

export interface RunSummary {
  /** URL-safe name: the directory name under the runs root ("." for the root itself). */
  readonly name: string;
  readonly target: string;
  readonly draft: string | null;
  readonly prompts: string;
  readonly mu: number;
  readonly modified: string;
  readonly files: readonly string[];
}

export async function listRuns(runsRoot: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  const own = await summarizeRun(runsRoot, '.');
  if (own !== null) out.push(own);
  const entries = await readdir(runsRoot, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = await resolveInside(runsRoot, e.name);
    if (dir === null) continue;
    const s = await summarizeRun(dir, e.name);
    if (s !== null) out.push(s);
  }
  return out;
}

async function summarizeRun(dir: string, name: string): Promise<RunSummary | null> {
  const file = path.join(dir, 'report.json');
  const bytes = await readRegularFile(file);
  if (bytes === null) return null;
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const report = ReportSchema.safeParse(parsed);
  if (!report.success) return null;
  const info = await stat(file);
  // FIFOs, sockets and devices named like report files are not offered (symlinks are, and are
  // checked when served).
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.(json|svg|html|md)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const { config, stats } = report.data;
  return {
    name,
    target: config.target,
    draft: config.draft ?? null,
    prompts: config.prompts,
    mu: stats.overall.mu.estimate,
    modified: info.mtime.toISOString(),
    files,
  };
}
