/**
 * One writer per run directory (issue 19 item 3): two `measure`/`report` runs into the same
 * directory used to both append every unit, and the results counted each twice. A run holds
 * `DIR/.specbound.lock` (created exclusively, holding its pid, host, start time and command)
 * while it writes the directory — measuring, then results.json, then the report's files
 * (`runMeasurementThen`, `measureAndBuildResults`' `finish`) — and a second run finds it and
 * stops with exit 2 naming the holder. `report RUN_DIR --out ELSEWHERE` locks ELSEWHERE, which it
 * writes, and RUN_DIR only when it has to measure or compute there (a finished run whose
 * results.json is current is only read, so it renders while another run holds RUN_DIR).
 *
 * A lock whose process is gone (SIGKILL, power loss) is taken over: its pid is checked on this
 * host with `kill(pid, 0)`. Breaking a stale lock is itself serialized by `.specbound.lock.break`
 * (created exclusively, content re-checked under it), so two runs finding the same stale lock
 * cannot both take it. A lock from another host cannot be checked and counts as held.
 *
 * Holding the lock, the run removes the temporary files that runs killed mid-write left behind
 * (`NAME.tmp-PID…` of writers whose pid is gone, in the directory and its `figures/`).
 *
 * A directory the run cannot write (read-only file system, no permission) is not locked: nothing
 * can be written there by this run, so it cannot damage it, and a complete run can still be read.
 */
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { asFileSystemError, SpecboundError } from '../core/errors.js';

export const LOCK_FILE = '.specbound.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command: string;
}

/** The directory is in use by another run. Exit 2: the user's situation, not a bug. */
export class RunDirectoryLockedError extends SpecboundError {
  constructor(dir: string, owner: LockOwner | undefined) {
    super(
      owner === undefined
        ? `${dir} is in use by another specbound run (${path.join(dir, LOCK_FILE)} exists); wait for it to finish`
        : `${dir} is in use by another specbound run: pid ${owner.pid} on ${owner.host}, started ${owner.started} (${owner.command}); wait for it to finish, or delete ${path.join(dir, LOCK_FILE)} if that process is gone`,
    );
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return undefined;
    return { pid: v.pid, host: v.host, started: String(v.started ?? '?'), command: String(v.command ?? '?') };
  } catch {
    return undefined;
  }
}

/** True when `owner`'s process may still run (another host, or a live pid here). */
function alive(owner: LockOwner): boolean {
  return owner.host !== hostname() || pidAlive(owner.pid);
}

/** True when process `pid` of this host may still run (this process, or `kill(pid, 0)` finds it). */
function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `file` exclusively with `text`; false when it exists. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } catch (err) {
    // An empty lock (disk full) would block every later run: leave none.
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  closeSync(fd);
  return true;
}

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * Runs `body` holding `dir`'s lock (lockRunDir), released when it settles: the whole of a job that
 * writes the directory (measure → results.json → report files), so a second run exits 2 at any
 * stage, not only while units are measured.
 */
export async function withRunDirLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const release = lockRunDir(dir);
  try {
    return await body();
  } finally {
    release();
  }
}

/**
 * Takes the run directory's lock (the directory must exist) and returns the function that
 * releases it; the lock is also released when the process exits (Ctrl-C included).
 * Throws RunDirectoryLockedError when another live run holds it.
 */
export function lockRunDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const breaker = `${file}.break`;
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: `specbound ${process.argv.slice(2).join(' ')}`.trim() };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      if (createExclusive(file, text)) {
        removeDeadWritersFiles(dir);
        return releaser(file);
      }
    } catch (err) {
      if (NOT_WRITABLE.has((err as NodeJS.ErrnoException).code ?? '')) return () => undefined;
      throw asFileSystemError(err, file);
    }
    const owner = readOwner(file);
    if (owner === undefined) {
      // Being written this instant (look again shortly), or unreadable and older than a few
      // seconds (a crash between create and write): stale.
      if (ageMs(file) > 5000) rmSync(file, { force: true });
      else if (attempt < 4) sleepSync(20);
      else throw new RunDirectoryLockedError(dir, undefined);
      continue;
    }
    if (alive(owner)) throw new RunDirectoryLockedError(dir, owner);
    // Stale: break it under the breaker lock, re-checking that it is still the same stale lock.
    const breakerOwner = readOwner(breaker);
    if (breakerOwner !== undefined && !alive(breakerOwner)) rmSync(breaker, { force: true });
    if (createExclusive(breaker, text)) {
      try {
        const again = readOwner(file);
        if (again !== undefined && again.pid === owner.pid && again.host === owner.host && again.started === owner.started) rmSync(file, { force: true });
      } finally {
        rmSync(breaker, { force: true });
      }
    } else {
      sleepSync(20);
    }
  }
  throw new RunDirectoryLockedError(dir, readOwner(file));
}

/** Temporary files of the writers (`x.tmp-PID`, `.x.tmp-PID-RANDOM`) whose process is gone. */
function removeDeadWritersFiles(dir: string): void {
  for (const folder of [dir, path.join(dir, 'figures')]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = /\.tmp-(\d+)(?:-[a-z0-9]+)?$/.exec(name);
      if (m === null) continue;
      if (!pidAlive(Number(m[1]))) rmSync(path.join(folder, name), { force: true });
    }
  }
}

function releaser(file: string): () => void {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    const owner = readOwner(file);
    if (owner?.pid === process.pid && owner.host === hostname()) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return release;
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
