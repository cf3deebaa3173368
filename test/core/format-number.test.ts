import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/core/format-number.js';
import { VERSION } from '../../src/core/version.js';
import { formatValue } from '../../src/report/tables.js';
import { runCli } from '../helpers/cli.js';

describe('formatNumber(v, digits)', () => {
  it('gives `digits` significant digits, fixed in [1e-3, 1e7), exponent outside (values by hand)', () => {
    expect(formatNumber(Math.PI)).toBe('3.142');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(1234567)).toBe('1235000');
    expect(formatNumber(12345678)).toBe('1.235e+7');
    expect(formatNumber(0.00123456, 3)).toBe('0.00123');
    expect(formatNumber(0.000123456, 3)).toBe('1.23e-4');
    expect(formatNumber(-0.5)).toBe('-0.5');
    expect(formatNumber(0)).toBe('0');
    expect([formatNumber(NaN), formatNumber(Infinity)]).toEqual(['NaN', 'Infinity']);
  });

  it("is what the report's tables use (with their own placeholder for a missing value)", () => {
    expect(formatValue(Math.PI)).toBe(formatNumber(Math.PI, 3));
    expect(formatValue(undefined)).toBe('–');
  });
});

describe('VERSION', () => {
  it('is package.json\'s version, and `specbound --version` prints it', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
