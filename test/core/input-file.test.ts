import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../src/core/errors.js';
import { readInputFile, readInputFileSync, readInputJson } from '../../src/core/input-file.js';

describe('readInputFile and friends (the one "read or InputFileError")', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'specbound-input-'));

  it('reads text, bytes and JSON', async () => {
    const file = path.join(dir, 'a.json');
    writeFileSync(file, '{"x": [1, 2]}');
    expect(await readInputFile(file)).toBe('{"x": [1, 2]}');
    expect(readInputFileSync(file).length).toBe(13);
    expect(await readInputJson(file)).toEqual({ x: [1, 2] });
  });

  it('names the file and the reason in one line: missing (with the caller\'s hint), a directory, not JSON', async () => {
    const missing = path.join(dir, 'nope.json');
    await expect(readInputFile(missing)).rejects.toThrow(new InputFileError(missing, undefined, 'no such file'));
    await expect(readInputFile(missing, { missingHint: '(run `specbound report RUN_DIR` first)' })).rejects.toThrow(`${missing}: no such file (run \`specbound report RUN_DIR\` first)`);
    expect(() => readInputFileSync(dir)).toThrow(`${dir}: is a directory, expected a file`);
    await expect(readInputFile(dir)).rejects.toThrow(`${dir}: is a directory, expected a file`);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"x": ');
    await expect(readInputJson(bad)).rejects.toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(`));
  });
});
