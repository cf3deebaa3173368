/**
 * Reads text from a file path or an http(s) URL (a live `/metrics` or `/server_info` endpoint).
 * A missing file is an InputFileError (exit 2); an unreachable or failing URL an
 * ExternalServiceError (exit 1). `fetchImpl` is injectable for tests.
 */
import { ExternalServiceError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';

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
  return readInputFile(location);
}
