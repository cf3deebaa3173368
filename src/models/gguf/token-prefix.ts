/** Token-sequence prefixes, for the two gguf prefix caches (capi-engine.ts, gguf-model.ts). */

/** Whether `a` begins with `head`. */
export function startsWith(a: readonly number[], head: readonly number[]): boolean {
  for (let i = 0; i < head.length; i++) if (a[i] !== head[i]) return false;
  return true;
}

/** Length of the common prefix of `a` and `b`. */
export function commonLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
