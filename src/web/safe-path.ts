/**
 * Maps a URL path below a served root to a file, refusing anything that could leave the root:
 * `..` segments (raw or percent-encoded, including `%2e%2e` and `..%2f`), backslashes, NUL bytes,
 * absolute paths, and symlinks whose target lies outside the root. Returns null when refused or
 * missing; the server answers 404 in both cases so a probe learns nothing.
 *
 * `openRegularFile` is the only way the server opens what it serves (it streams the file from the
 * descriptor; `readRegularFile` reads small ones whole): it opens without blocking and accepts
 * only regular files, so a FIFO (which a shared run archive can unpack) or a device in
 * the runs directory is a 404 instead of a read that never returns (issue 19 item 5).
 */
import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
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

/** A regular file opened for reading, with what its descriptor's fstat said. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Opens `file` when it is a regular file, else null (missing, a directory, a FIFO, a socket, a
 * device). Opened with O_NONBLOCK, so opening a FIFO without a writer returns at once, and checked
 * with fstat on the opened descriptor, so a file swapped for a FIFO after an earlier stat is
 * caught too. The caller closes the handle (a read stream made from it with autoClose does).
 */
export async function openRegularFile(file: string): Promise<OpenedFile | null> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return null;
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    /* unreadable: refused below */
  }
  await handle.close();
  return null;
}

/** The bytes of `file` when it is a regular file, else null (`openRegularFile`); for small files the server parses (run summaries). */
export async function readRegularFile(file: string): Promise<Buffer | null> {
  const opened = await openRegularFile(file);
  if (opened === null) return null;
  try {
    return await opened.handle.readFile();
  } catch {
    return null;
  } finally {
    await opened.handle.close();
  }
}
