/**
 * Writes a report's files into a directory: `report.json` (validated against `ReportSchema`),
 * `report.md` with `figures/*.svg` beside it, and the self-contained `report.html`. Each file is
 * written atomically (core/atomic-file.ts).
 */
import { writeFileAtomicSync as writeAtomic } from '../core/atomic-file.js';
import path from 'node:path';
import { makeDirectory } from '../core/make-directory.js';
import { renderReportFigures, type SpeedupLatency } from './figures.js';
import { renderHtml } from './html.js';
import { renderMarkdown, type FigureFiles } from './markdown.js';
import { ReportSchema, type Report } from '../results/results-schema.js';

export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
  readonly figures: readonly string[];
}

/** What rendering needs beyond the results: the latency model of the speedup figure (none: no such figure). */
export interface RenderOptions {
  readonly latency?: SpeedupLatency;
}

export function writeReport(report: Report, dir: string, options: RenderOptions = {}): WrittenReport {
  const valid = ReportSchema.parse(report);
  makeDirectory(path.join(dir, 'figures'));
  const figures = renderReportFigures(valid, 60, options.latency);
  const files: Record<string, string> = {};
  const written: string[] = [];
  for (const [name, svg] of Object.entries(figures)) {
    if (svg === undefined) continue;
    const rel = `figures/${name.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}.svg`;
    writeAtomic(path.join(dir, rel), `${svg}\n`);
    files[name] = rel;
    written.push(path.join(dir, rel));
  }
  const json = path.join(dir, 'report.json');
  const markdown = path.join(dir, 'report.md');
  const html = path.join(dir, 'report.html');
  writeAtomic(json, `${JSON.stringify(valid, null, 1)}\n`);
  writeAtomic(markdown, renderMarkdown(valid, files as unknown as FigureFiles));
  writeAtomic(html, renderHtml(valid, figures));
  return { json, markdown, html, figures: written };
}
