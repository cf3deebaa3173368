import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spliceWat } from '../helpers/assemble-wat.js';
import { REPO_ROOT } from '../helpers/cli.js';

const FRAGMENT = path.join(REPO_ROOT, 'src/core/wasm/fdlibm-exp.wat');

describe('splicing src/core/wasm/fdlibm-exp.wat into a kernel', () => {
  it('puts the constants at @NAME (fdlibm e_exp.c values) and writes each statement lane after lane', async () => {
    const fragment = await readFile(FRAGMENT, 'utf8');
    const lane = (i: number): Record<string, string> => {
      const bound: Record<string, string> = { x: `X${i}`, k: `K${i}` };
      for (const k of ['hi', 'lo', 'r', 't', 'c', 'y']) bound[k] = `$${k}${i}`;
      return bound;
    };
    const shared = Object.fromEntries(['LN2HI', 'LN2LO', 'P1', 'P2', 'P3', 'P4', 'P5', 'ONE', 'TWO'].map((k) => [k, k.toLowerCase()]));
    const kernel = `(f64.const @P1) ;; @NOTACONSTANT in a comment stays\n  ;; #splice fdlibm-exp ${JSON.stringify({ lanes: [lane(0), lane(1)], ...shared })}\n`;
    const out = spliceWat(kernel, fragment).split('\n');
    // P1 = 0x3FC555555555553E (e_exp.c) = 0x1.555555555553ep-3
    expect(out[0]).toBe('(f64.const 0x1.555555555553ep-3) ;; @NOTACONSTANT in a comment stays');
    const sets = out.slice(1, -1).map((l) => /^ {2}\(local\.set (\$\w+)/.exec(l)?.[1]);
    expect(sets).toEqual(['$hi0', '$hi1', '$lo0', '$lo1', '$r0', '$r1', '$t0', '$t1', '$c0', '$c1', '$y0', '$y1']);
    expect(out[1]).toBe('  (local.set $hi0 (f64x2.sub X0 (f64x2.mul K0 ln2hi)))');
  });

  it('refuses an unknown constant or an unbound placeholder', async () => {
    const fragment = await readFile(FRAGMENT, 'utf8');
    expect(() => spliceWat('(f64.const @P9)', fragment)).toThrow('unknown fdlibm-exp constant @P9');
    expect(() => spliceWat(';; #splice fdlibm-exp {"lanes": [{"x": "X"}]}', fragment)).toThrow('no binding for {hi}');
  });
});
