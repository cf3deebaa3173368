/**
 * THE way specbound writes a file: the bytes go to a temporary file beside the target, are
 * fsync'ed, and the temporary file is renamed over the target. Readers see the old file or the
 * whole new one, never half of one, and a crash or a full disk leaves the target untouched. On
 * failure the temporary file is removed, and the error is one line naming the target: a
 * FileSystemError when the environment caused it (`cannot write report.md: no space left on
 * device (ENOSPC)`), else an InputFileError.
 *
 * Streaming writers (trace-writer.ts, gguf-file.ts) write the temporary file themselves and
 * finish with `commitTemporary` / `removeTemporary`.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { asFileSystemError, InputFileError } from './errors.js';

/** A fresh temporary name beside `file` (same directory, so the rename is atomic), hidden and unique per process and call. */
export function temporaryPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

/** The one-line error for a failed write of `file`: a FileSystemError for the environment's causes (ENOSPC, EROFS, EACCES, a missing folder…), else an InputFileError. */
export function writeFailure(file: string, err: unknown): Error {
  const e = asFileSystemError(err, file);
  return e instanceof Error && e !== err ? e : new InputFileError(file, undefined, `cannot write: ${err instanceof Error ? err.message : String(err)}`);
}

/** Writes all of `bytes` at the file's position: write(2) may write less than asked when the disk fills, without an error (then ENOSPC). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const n = writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    done += n;
  }
}

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** Writes `data` to `file` atomically (temporary file, fsync, rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporaryPathFor(file);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(bytesOf(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await removeTemporary(tmp);
    throw writeFailure(file, err);
  }
}

/** Writes `data` to `file` atomically, synchronously (temporary file, fsync, rename). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = temporaryPathFor(file);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, bytesOf(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself is unusable: nothing was left behind
    }
    throw writeFailure(file, err);
  }
}

/** Finishes a streamed temporary file: fsync, then rename it over `file` (removing it on failure). */
export async function commitTemporary(tmp: string, file: string): Promise<void> {
  try {
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await removeTemporary(tmp);
    throw writeFailure(file, err);
  }
}

/** Removes a temporary file if it exists (never throws). */
export async function removeTemporary(tmp: string): Promise<void> {
  await rm(tmp, { force: true }).catch(() => undefined);
}

/**
 * Writes `bytes` to `file` (`'a'` appends, `'w'` replaces) and flushes them to disk, all or
 * nothing: when the disk fills mid-write the file is cut back to its previous length, so a reader
 * never sees half an entry, and the error names the file (FileSystemError). The unit log and the
 * run trace append through this.
 */
export function writeAllOrNothing(file: string, bytes: Uint8Array, flags: 'a' | 'w' = 'a'): void {
  try {
    const fd = openSync(file, flags);
    const before = fstatSync(fd).size;
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } catch (err) {
      try {
        ftruncateSync(fd, before);
      } catch {
        /* the next run cuts an incomplete entry off anyway */
      }
      throw err;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw asFileSystemError(err, file);
  }
}
