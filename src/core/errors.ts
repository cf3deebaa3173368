/**
 * The one error hierarchy users can cause. Every error a user can trigger (a bad flag, a
 * malformed line in a data file, an unreachable server) is a `SpecboundError`: its message is
 * one line that names the offending value and where it came from, and the CLI prints it as
 * `specbound: <message>` and exits with `exitCode`. Anything else is a programming error.
 */
export class SpecboundError extends Error {
  /** Process exit code the CLI uses for this error (2 = bad input, 1 = runtime failure). */
  readonly exitCode: number;
  constructor(message: string, options?: { exitCode?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options?.exitCode ?? 2;
  }
}

/** Formats a value for an error message: strings quoted, numbers as written. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    // What JSON cannot write (a cycle, a BigInt inside): the value's own toString is all there is.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return String(value);
  }
}

/**
 * A value that breaks a documented precondition: `invalid mu2: 0.5 (must be >= mu^2 = 0.64 by Jensen's inequality)`.
 * `source` says where the value came from (`--mu2`, `preset llama3.1-8b`, `trace.jsonl:12`).
 */
export class InvalidValueError extends SpecboundError {
  readonly parameter: string;
  readonly value: unknown;
  constructor(parameter: string, value: unknown, reason: string, source?: string) {
    super(`invalid ${parameter}${source === undefined ? '' : ` (from ${source})`}: ${show(value)} (${reason})`);
    this.parameter = parameter;
    this.value = value;
  }
}

/** A problem inside an input file, located as `file:line`. */
export class InputFileError extends SpecboundError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, problem: string) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${problem}`);
    this.file = file;
    this.line = line;
  }
}

/** A failure talking to something outside the process (a model server, a metrics URL). Exit code 1. */
export class ExternalServiceError extends SpecboundError {
  readonly endpoint: string;
  constructor(endpoint: string, problem: string, options?: { cause?: unknown; exitCode?: number }) {
    super(`${endpoint}: ${problem}`, { exitCode: options?.exitCode ?? 1, cause: options?.cause });
    this.endpoint = endpoint;
  }
}

/**
 * What the user's environment can do to a file operation, worded for the one-line error: a full
 * disk, a read-only or forbidden place, a folder that is not there. These are not bugs in
 * specbound, so they exit 2 like bad input.
 */
const FILE_SYSTEM_CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
};

/** A file operation refused by the environment: `cannot write /out/report.json: no space left on device (ENOSPC)`. */
export class FileSystemError extends SpecboundError {
  readonly path: string;
  readonly code: string;
  constructor(action: string, file: string, code: string, options?: { cause?: unknown }) {
    super(`cannot ${action} ${file}: ${FILE_SYSTEM_CAUSES[code] ?? code} (${code})`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.path = file;
    this.code = code;
  }
}

/** The errno code of an error when it is one of the environment's causes above, else undefined. */
export function fileSystemCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in FILE_SYSTEM_CAUSES ? code : undefined;
}

/**
 * `err` as a FileSystemError naming `file` when the environment caused it (ENOSPC, EROFS, EACCES,
 * …), else `err` unchanged. Writers wrap their failures with it: Node's `write` errors carry no path.
 */
export function asFileSystemError(err: unknown, file: string, action = 'write'): unknown {
  if (err instanceof SpecboundError) return err;
  const code = fileSystemCode(err);
  return code === undefined ? err : new FileSystemError(action, file, code, { cause: err });
}
