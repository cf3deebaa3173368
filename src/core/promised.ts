/**
 * `promised(() => body)` runs `body` now and returns its value (or what it threw) as a promise:
 * exactly an `async` function's body without an `await`, for interface methods that are
 * asynchronous by contract but synchronous in an implementation (lint's require-await).
 */
export function promised<T>(body: () => T | PromiseLike<T>): Promise<T> {
  // The executor runs synchronously, and a throw inside it rejects the promise with the thrown value.
  return new Promise<T>((resolve) => resolve(body()));
}
