/**
 * Maps a URL path below a served root to a file, refusing anything that could leave the root:
 * `..` segments (raw or percent-encoded, including `%2e%2e` and `..%2f`), backslashes, NUL bytes,
 * absolute paths, and symlinks whose target lies outside the root. Returns null when refused or
 * missing; the server answers 404 in both cases so a probe learns nothing.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export async function resolveInside(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // A second decoding pass catches double-encoded dots (`%252e%252e`) that a proxy could decode.
  let twice = decoded;
  try {
    twice = decodeURIComponent(decoded);
  } catch {
    /* not double-encoded */
  }
  for (const candidate of [urlPath, decoded, twice]) {
    if (candidate.includes('\0') || candidate.includes('\\')) return null;
    if (candidate.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  }
  if (path.isAbsolute(decoded.replace(/^\/+/, '')) || /^[a-zA-Z]:/.test(decoded.replace(/^\/+/, ''))) return null;
  const rootReal = await realpath(root).catch(() => null);
  if (rootReal === null) return null;
  const joined = path.resolve(rootReal, `.${path.posix.sep}${decoded.replace(/^\/+/, '')}`);
  if (!isWithin(rootReal, joined)) return null;
  const real = await realpath(joined).catch(() => null);
  if (real === null || !isWithin(rootReal, real)) return null;
  const info = await stat(real).catch(() => null);
  return info === null ? null : real;
}

export function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
