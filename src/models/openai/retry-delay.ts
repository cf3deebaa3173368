/**
 * How long to wait before retry number `retry` (0-based): the server's `retry-after-ms` or
 * `retry-after` (seconds or an HTTP date) when it gives one between 0 and 60 s, otherwise capped
 * exponential backoff `min(base·2^retry, cap)` minus up to 25% jitter (the openai client's rule,
 * with a configurable base and cap).
 */
export const MAX_RETRY_AFTER_MS = 60_000;

export function retryDelayMs(
  retry: number,
  options: { baseMs: number; capMs: number },
  random: () => number,
  headers?: { get(name: string): string | null },
): number {
  const fromServer = retryAfterMs(headers);
  if (fromServer !== undefined) return fromServer;
  const delay = Math.min(options.baseMs * 2 ** retry, options.capMs);
  return delay * (1 - 0.25 * random());
}

/** The server's requested wait, when it sends a usable `retry-after-ms` or `retry-after`. */
export function retryAfterMs(headers?: { get(name: string): string | null }): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0 && v <= MAX_RETRY_AFTER_MS) return v;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  const v = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - Date.now();
  return Number.isFinite(v) && v >= 0 && v <= MAX_RETRY_AFTER_MS ? v : undefined;
}
