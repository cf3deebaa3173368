/**
 * Reading a file the user named: the one place that turns "cannot read" into an InputFileError
 * (exit 2, one line naming the file), e.g. `report.json: no such file (run \`specbound report RUN_DIR\` first)`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputFileError } from './errors.js';

export interface ReadInputOptions {
  /** Appended to the reason when the file does not exist, e.g. `(run \`specbound report RUN_DIR\` first)`. */
  readonly missingHint?: string;
}

/** Why a file could not be read, in words (`no such file`, …), else `cannot read (CODE)`. */
const READ_CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function failure(file: string, err: unknown, options: ReadInputOptions): InputFileError {
  const code = (err as NodeJS.ErrnoException).code;
  const known = code === undefined ? undefined : READ_CAUSES[code];
  const text = known ?? `cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  return new InputFileError(file, undefined, code === 'ENOENT' && options.missingHint !== undefined ? `${text} ${options.missingHint}` : text);
}

/** The file's text (UTF-8); throws InputFileError naming `file` when it cannot be read. */
export async function readInputFile(file: string, options: ReadInputOptions = {}): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw failure(file, err, options);
  }
}

/** The file's bytes, synchronously; throws InputFileError naming `file` when it cannot be read. */
export function readInputFileSync(file: string, options: ReadInputOptions = {}): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw failure(file, err, options);
  }
}

/** The file parsed as JSON; InputFileError when it cannot be read or is not JSON. */
export async function readInputJson(file: string, options: ReadInputOptions = {}): Promise<unknown> {
  const text = await readInputFile(file, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputFileError(file, undefined, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
