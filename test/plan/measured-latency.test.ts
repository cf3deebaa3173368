import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../src/core/errors.js';
import { measuredLatency, parseLatencyCsv } from '../../src/plan/measured-latency.js';
import { REPO_ROOT } from '../helpers/cli.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/plan/verifier-latency.csv');

describe('parseLatencyCsv(text, file)', () => {
  it('reads k,ms rows after comments and a header, sorted by k', () => {
    const rows = parseLatencyCsv(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    expect(rows).toEqual([
      { k: 1, ms: 10 },
      { k: 8, ms: 10.2 },
      { k: 32, ms: 11 },
      { k: 64, ms: 16 },
      { k: 128, ms: 30 },
    ]);
    expect(parseLatencyCsv('4,2\n1,1\n', 't.csv')).toEqual([
      { k: 1, ms: 1 },
      { k: 4, ms: 2 },
    ]);
  });
  it('names file:line for bad rows', () => {
    expect(() => parseLatencyCsv('k,ms\n1,5\n2,abc\n', 't.csv')).toThrow(InputFileError);
    expect(() => parseLatencyCsv('k,ms\n1,5\n2,abc\n', 't.csv')).toThrow('t.csv:3: ms "abc" is not a positive number of milliseconds');
    expect(() => parseLatencyCsv('k,ms\n0,5\n', 't.csv')).toThrow('t.csv:2: k "0" is not a whole number of tokens >= 1');
    expect(() => parseLatencyCsv('1,5\n1,6\n', 't.csv')).toThrow('t.csv:2: k = 1 repeats line 1');
    expect(() => parseLatencyCsv('1,5,7\n', 't.csv')).toThrow('t.csv:1: expected 2 columns');
    expect(() => parseLatencyCsv('tokens,seconds\n1,5\n', 't.csv')).toThrow('t.csv:1: header "tokens,seconds" should be "k,ms"');
    expect(() => parseLatencyCsv('# nothing\n', 't.csv')).toThrow('t.csv: no "k,ms" rows');
    expect(() => parseLatencyCsv('1,-3\n', 't.csv')).toThrow('t.csv:1: ms "-3"');
  });
});

describe('measuredLatency(rows)', () => {
  const model = measuredLatency(parseLatencyCsv(readFileSync(FIXTURE, 'utf8'), FIXTURE), 'fixture');
  it('returns the measured values at measured k and interpolates linearly between', () => {
    expect(model.milliseconds(8)).toBe(10.2);
    // Between (32, 11) and (64, 16): 11 + 5·(48 − 32)/32 = 13.5.
    expect(model.milliseconds(48)).toBe(13.5);
    // Between (1, 10) and (8, 10.2): 10 + 0.2·(4 − 1)/7.
    expect(model.milliseconds(4)).toBeCloseTo(10 + (0.2 * 3) / 7, 12);
    expect(model.kind).toBe('measured');
  });
  it('extends the last segment beyond the table and says so', () => {
    // Last segment (64, 16) → (128, 30): slope 14/64; at 256: 30 + 128·14/64 = 58.
    expect(model.milliseconds(256)).toBe(58);
    expect(model.extrapolates(256)).toBe(true);
    expect(model.extrapolates(100)).toBe(false);
  });
  it('costs nothing for k = 0 and never decreases past the table when the last segment falls', () => {
    expect(model.milliseconds(0)).toBe(0);
    const falling = measuredLatency([{ k: 1, ms: 5 }, { k: 2, ms: 4 }], 'noisy');
    expect(falling.milliseconds(10)).toBe(4);
  });
});
