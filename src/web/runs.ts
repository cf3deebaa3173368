/**
 * Run directories the web page may show: the immediate subdirectories of `--runs` (or the
 * directory itself) that hold a `report.json` (written by `specbound report`) or, for a run made
 * by `specbound measure` alone, a `results.json` — both valid against ReportSchema. Plans written
 * by `specbound plan --json > DIR/plan.json` sit beside it and are listed too.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ReportSchema } from '../results/results-schema.js';
import { readRegularFile, resolveInside } from './safe-path.js';

/** A curve reduced to what the runs list needs: E[X] at each measured budget. */
export type CurvePoints = readonly { readonly P: number; readonly mean: number }[];

export interface RunSummary {
  /** URL-safe name: the directory name under the runs root ("." for the root itself). */
  readonly name: string;
  /** The file holding the run's results: `report.json`, else `results.json`. */
  readonly resultsFile: string;
  readonly positions: number;
  readonly PMax: number;
  /** The real oracle E[X*](P) and each drafter's E[X](P), for the list's "at P" columns. */
  readonly oracle: CurvePoints;
  readonly drafters: Readonly<Record<string, CurvePoints>>;
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

/** The results file of a run directory: `report.json` when `specbound report` wrote one, else `results.json`. */
export const RESULTS_FILES = ['report.json', 'results.json'] as const;

async function summarizeRun(dir: string, name: string): Promise<RunSummary | null> {
  for (const resultsFile of RESULTS_FILES) {
    const summary = await summarizeFile(dir, name, resultsFile);
    if (summary !== null) return summary;
  }
  return null;
}

const points = (curve: readonly { P: number; mean: number }[] | undefined): CurvePoints => (curve ?? []).map((p) => ({ P: p.P, mean: p.mean }));

async function summarizeFile(dir: string, name: string, resultsFile: string): Promise<RunSummary | null> {
  const file = path.join(dir, resultsFile);
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
  const { config, stats, curves } = report.data;
  return {
    name,
    resultsFile,
    positions: stats.overall.positions,
    PMax: config.PMax,
    oracle: points(curves.oracle),
    drafters: Object.fromEntries(Object.entries(curves.drafters).map(([k, c]) => [k, points(c)])),
    target: config.target,
    draft: config.draft ?? null,
    prompts: config.prompts,
    mu: stats.overall.mu.estimate,
    modified: info.mtime.toISOString(),
    files,
  };
}
