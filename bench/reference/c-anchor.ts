/**
 * Builds and runs the C anchor of the i.i.d. simulator (bench/reference/calibrated-enumerator.c,
 * our own C port of the best-first enumerator on a table law) for bench/sim.bench.ts and its test.
 * The C file is compiled when a C compiler (`cc`) is on the PATH, into a fresh temporary
 * directory, with `-O3 -march=native -ffp-contract=off` (no fused multiply-add: JavaScript rounds
 * every operation, and the anchor must compute the same numbers). The law reaches it as text on
 * stdin: the table law's ChildTable and cumulative weights, each number in JavaScript's shortest
 * round-trip form, so C reads back exactly the same doubles.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildLaw } from '../../src/sim/child-law.js';

export const C_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'calibrated-enumerator.c');
export const C_FLAGS = ['-O3', '-march=native', '-ffp-contract=off'] as const;

/** A compiled anchor, or why there is none. */
export type CAnchorBuild =
  | { readonly binary: string; readonly compiler: string; dispose(): void }
  | { readonly skipped: string; /** True when a compiler ran and rejected the file (a bug, not a missing tool). */ readonly compileFailed: boolean };

/** Compiles the C anchor into a temporary directory; `skipped` says why when no compiler works. */
export function buildCAnchor(compiler = 'cc'): CAnchorBuild {
  const version = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) return { skipped: `no C compiler (\`${compiler} --version\` failed: ${version.error?.message ?? `exit ${version.status}`})`, compileFailed: false };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'specbound-c-anchor-'));
  const binary = path.join(dir, 'calibrated-enumerator');
  const build = spawnSync(compiler, [...C_FLAGS, '-o', binary, C_SOURCE], { encoding: 'utf8' });
  if (build.error !== undefined || build.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `\`${compiler} ${C_FLAGS.join(' ')}\` failed: ${(build.stderr || build.error?.message || '').trim().split('\n')[0] ?? ''}`, compileFailed: true };
  }
  return {
    binary,
    compiler: `${(version.stdout.split('\n')[0] ?? compiler).trim()} ${C_FLAGS.join(' ')}`,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The table of a verifier-only table law as the C anchor reads it (see calibrated-enumerator.c). */
export function lawTableText(law: ChildLaw): string {
  const spec = law.spec;
  if (spec.kind !== 'table' || spec.table.values !== undefined) throw new Error(`the C anchor simulates verifier-only table laws, not ${law.description.kind}`);
  const { table, cumulativeWeights } = spec;
  const count = table.offsets.length;
  const lines = [`${count} ${cumulativeWeights === null ? 0 : 1}`];
  if (cumulativeWeights !== null) lines.push(Array.from(cumulativeWeights, String).join(' '));
  for (let d = 0; d < count; d++) lines.push(`${table.offsets[d]} ${table.lengths[d]} ${table.tailCounts[d]} ${table.tailProbs[d]}`);
  lines.push(`${table.probs.length}`, Array.from(table.probs, String).join(' '));
  return `${lines.join('\n')}\n`;
}

export interface CAnchorTiming {
  readonly trees: number;
  readonly nodes: number;
  /** CPU seconds of the simulation inside the C process (not its start-up or table parsing). */
  readonly cpuSeconds: number;
  readonly nodesPerSecond: number;
  readonly checksum: number;
}

export interface CAnchorCurve {
  readonly mean: number[];
  readonly sumSquares: number[];
}

function runC(binary: string, args: readonly string[], table: string): unknown {
  const run = spawnSync(binary, args, { input: table, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.error !== undefined || run.status !== 0) throw new Error(`C anchor ${args.join(' ')}: ${run.error?.message ?? `exit ${run.status}: ${run.stderr.trim()}`}`);
  return JSON.parse(run.stdout) as unknown;
}

/** `trees` trees of P nodes in chunks of 64 (the production path of simulateIid), timed in C. */
export function timeCAnchor(binary: string, table: string, seed: number, P: number, trees: number): CAnchorTiming {
  return runC(binary, ['bench', String(seed), String(P), String(trees)], table) as CAnchorTiming;
}

/** What simulateChunk(workspace, seed, 0, 0, trees) returns as mean and sumSquares, computed in C. */
export function checkCAnchor(binary: string, table: string, seed: number, P: number, trees: number): CAnchorCurve {
  return runC(binary, ['check', String(seed), String(P), String(trees)], table) as CAnchorCurve;
}
