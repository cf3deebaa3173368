/**
 * Reads text from a file path or an http(s) URL (a live `/metrics` or `/server_info` endpoint).
 * A missing file is an InputFileError (exit 2); an unreachable or failing URL an
 * ExternalServiceError (exit 1). `fetchImpl` is injectable for tests.
 */
import { readFile } from 'node:fs/promises';
import { ExternalServiceError, InputFileError } from '../core/errors.js';

export interface ReadTextOptions {
  readonly fetchImpl?: typeof fetch;
  /** Per-request timeout, ms (default 10 s). */
  readonly timeoutMs?: number;
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

export async function readTextSource(location: string, options: ReadTextOptions = {}): Promise<string> {
  if (isUrl(location)) {
    const fetchImpl = options.fetchImpl ?? fetch;
    let response: Response;
    try {
      response = await fetchImpl(location, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000), headers: { accept: 'text/plain, application/json' } });
    } catch (err) {
      const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new ExternalServiceError(location, `could not connect (${why})`, { cause: err });
    }
    if (!response.ok) throw new ExternalServiceError(location, `HTTP ${response.status} ${response.statusText}`.trim());
    return response.text();
  }
  try {
    return await readFile(location, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(location, undefined, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(err)})`);
  }
}
