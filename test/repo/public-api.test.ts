/**
 * The library entry, as a user gets it: the package is built with tsc (as `npm run build` does)
 * into a temporary copy of the package, installed into a consumer's node_modules, and the
 * README's "Library" snippet is run there with plain Node — no tsx, no source files.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibratedLaw, simulateIid } from '../../src/sim/index.js';
import { getPreset, reportedBound } from '../../src/theory/index.js';
import { REPO_ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
let consumer: string;

async function node(script: string): Promise<string> {
  const file = path.join(consumer, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  const { stdout } = await run(process.execPath, [file], { cwd: consumer });
  return stdout;
}

/** The ```ts block under "## Library" in the README. */
function readmeLibrarySnippet(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const m = /## Library\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (m === null) throw new Error('README has no ## Library ts block');
  return m[1]!;
}

beforeAll(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'specbound-package-'));
  const pkg = path.join(root, 'pkg');
  mkdirSync(pkg);
  copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(pkg, 'package.json'));
  // The package's own dependencies resolve from the repository's node_modules.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')], { cwd: REPO_ROOT });
  consumer = path.join(root, 'consumer');
  mkdirSync(path.join(consumer, 'node_modules'), { recursive: true });
  symlinkSync(pkg, path.join(consumer, 'node_modules', 'specbound'), 'dir');
}, 240_000);

describe("the built package (import { reportedBound } from 'specbound')", () => {
  it("runs the README's snippet: Theorem 1 for the llama3.1-8b preset at P = 60", async () => {
    const snippet = readmeLibrarySnippet();
    expect(snippet).toMatch(/^import \{[^}]*\breportedBound\b[^}]*\} from 'specbound';$/m);
    // The snippet's last expression, printed.
    const lines = snippet.trim().split('\n');
    const last = lines.pop()!.replace(/;\s*\/\/.*$/, '').replace(/;$/, '');
    const out = await node(`${lines.join('\n')}\nconsole.log(JSON.stringify(${last}));\n`);
    const expected = reportedBound(getPreset('llama3.1-8b'), 60);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(expected)));
    // The value the README quotes.
    expect(expected.value).toBeCloseTo(23.33, 2);
  });

  it('carries the version from package.json and runs the simulator on worker threads from dist/', async () => {
    const out = await node(
      "import { VERSION, calibratedLaw, simulateIid } from 'specbound';\n" +
        "const r = await simulateIid({ law: calibratedLaw({ mu: 0.683, mu2: 1.618 }), maxNodes: 8, trees: 256, seed: 3, workers: 2, chunkSize: 64 });\n" +
        'console.log(JSON.stringify({ VERSION, rows: r.rows.length, mean8: r.rows.at(-1).mean }));\n',
    );
    const r = JSON.parse(out) as { VERSION: string; rows: number; mean8: number };
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.VERSION).toBe(pkg.version);
    expect(r.rows).toBe(8);
    // The simulator is bit-identical for any worker count (sim/simulate-iid.ts): the source, in this thread, gives the same mean.
    const here = await simulateIid({ law: calibratedLaw({ mu: 0.683, mu2: 1.618 }), maxNodes: 8, trees: 256, seed: 3, workers: 1, chunkSize: 64 });
    expect(r.mean8).toBe(here.rows.at(-1)!.mean);
  });

  it('exports only the public entry: internal modules are not importable', async () => {
    const out = await node(
      "try { await import('specbound/dist/cli/main.js'); console.log('imported'); } catch (e) { console.log(e.code); }\n",
    );
    expect(out.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
