/**
 * THE assembly of the project's WebAssembly text: splices the shared fragment
 * src/core/wasm/fdlibm-exp.wat into a kernel (its `@NAME` constants anywhere, its body at a
 * `;; #splice fdlibm-exp {…}` line; the fragment's header says how), then assembles it with wabt.
 * The kernels' tests compare the result with the embedded binaries (and regenerate them with
 * SPECBOUND_UPDATE_WASM=1).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import wabt from 'wabt';
import { REPO_ROOT } from './cli.js';

const FRAGMENT = path.join(REPO_ROOT, 'src/core/wasm/fdlibm-exp.wat');
const DIRECTIVE = /^([ \t]*);; #splice fdlibm-exp (\{.*\})[ \t]*$/gm;

/** The kernel's text with the fragment spliced in (throws on an unknown constant or placeholder). */
export function spliceWat(kernel: string, fragment: string): string {
  const constants = new Map<string, string>();
  const body: string[] = [];
  for (const line of fragment.split('\n')) {
    const c = /^;; @const ([A-Z0-9]+) (\S+)$/.exec(line);
    if (c !== null) constants.set(c[1]!, c[2]!);
    else if (line.trim() !== '' && !line.trimStart().startsWith(';;')) body.push(line.trim());
  }
  // @NAME in code (not in a ;; comment) becomes the constant's value
  const withConstants = kernel
    .split('\n')
    .map((line) => {
      const at = line.indexOf(';;');
      const code = at < 0 ? line : line.slice(0, at);
      const replaced = code.replace(/@([A-Z][A-Z0-9]*)\b/g, (_, name: string) => {
        const value = constants.get(name);
        if (value === undefined) throw new Error(`unknown fdlibm-exp constant @${name}`);
        return value;
      });
      return at < 0 ? replaced : replaced + line.slice(at);
    })
    .join('\n');
  return withConstants.replace(DIRECTIVE, (_, indent: string, json: string) => {
    const { lanes, ...shared } = JSON.parse(json) as { lanes: Record<string, string>[] } & Record<string, string>;
    const lines: string[] = [];
    for (const statement of body) {
      for (const lane of lanes) {
        const bound = { ...shared, ...lane };
        lines.push(
          indent +
            statement.replace(/\{([A-Za-z0-9]+)\}/g, (_m, key: string) => {
              const v = bound[key];
              if (v === undefined) throw new Error(`#splice fdlibm-exp: no binding for {${key}}`);
              return v;
            }),
        );
      }
    }
    return lines.join('\n');
  });
}

/** The repository's .wat file at `relativePath`, spliced and assembled: its binary in base64. */
export async function assembleWat(relativePath: string): Promise<string> {
  const text = spliceWat(await readFile(path.join(REPO_ROOT, relativePath), 'utf8'), await readFile(FRAGMENT, 'utf8'));
  const w = await wabt();
  const mod = w.parseWat(path.basename(relativePath), text, { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer).toString('base64');
  } finally {
    mod.destroy();
  }
}
