/** JSON on stdout for the CLI (tables: core/text-table.ts; numbers: core/format-number.ts). Progress and warnings go to stderr. */

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
