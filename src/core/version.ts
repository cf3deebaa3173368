/**
 * The package version, read from package.json (the one place it is written): `specbound
 * --version`, the `generator` of results and the library's `VERSION`. This file sits at
 * src/core/ (run through tsx) or dist/core/ (built), both two levels below package.json.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version string');
  return pkg.version;
}

export const VERSION: string = readVersion();
