import { describe, expect, it } from 'vitest';
import { parseBudgetList, parseInteger, parseNumber } from '../../src/cli/parse.js';
import { InvalidValueError } from '../../src/core/errors.js';

describe('parseBudgetList(flag, text)', () => {
  it('reads lists, sorts and removes duplicates', () => {
    expect(parseBudgetList('--P', '64,8,16,8')).toEqual([8, 16, 64]);
  });
  it('expands an arithmetic range with both ends included', () => {
    expect(parseBudgetList('--P', '2..6')).toEqual([2, 3, 4, 5, 6]);
    expect(parseBudgetList('--P', '10..40:+10')).toEqual([10, 20, 30, 40]);
  });
  it('expands a geometric range 2..1024:x2 into the 10 powers of two (2^1..2^10)', () => {
    expect(parseBudgetList('--P', '2..1024:x2')).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
  });
  it('rejects P = 0, decimals, reversed ranges and empty items, naming the flag and value', () => {
    for (const bad of ['0', '1.5', '9..3', '8,,16', 'abc', '2..8:x1']) {
      expect(() => parseBudgetList('--P', bad)).toThrow(InvalidValueError);
    }
    expect(() => parseBudgetList('--P', '0')).toThrow('invalid --P: "0" (P counts the root, so P >= 1)');
  });
});

describe('parseNumber / parseInteger', () => {
  it('accept finite numbers and reject junk with the flag name', () => {
    expect(parseNumber('--mu', '0.25')).toBe(0.25);
    expect(() => parseNumber('--mu', 'NaN')).toThrow('invalid --mu: "NaN" (not a finite number)');
    expect(() => parseNumber('--mu', '0', { min: 0, exclusiveMin: true })).toThrow('must be > 0');
    expect(parseInteger('--samples', '12', { min: 1 })).toBe(12);
    expect(() => parseInteger('--samples', '1e3')).toThrow('not an integer');
  });
});
