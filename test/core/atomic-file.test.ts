import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTemporary, temporaryPathFor, writeFileAtomic, writeFileAtomicSync } from '../../src/core/atomic-file.js';
import { FileSystemError } from '../../src/core/errors.js';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'specbound-atomic-'));

describe('writeFileAtomic / writeFileAtomicSync (temporary file, fsync, rename)', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new text');
    expect(readFileSync(file, 'utf8')).toBe('new text');
    writeFileAtomicSync(file, new Uint8Array([104, 105]));
    expect(readFileSync(file, 'utf8')).toBe('hi');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('a failed write is one line naming the target (FileSystemError for EISDIR); the temporary file is removed and the old target kept', async () => {
    const dir = tempDir();
    // The target is a directory: the rename over it fails after the temporary file was written.
    const target = path.join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep'), 'x');
    for (const write of [() => writeFileAtomic(target, 'data'), () => Promise.resolve().then(() => writeFileAtomicSync(target, 'data'))]) {
      const err = await write().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(FileSystemError);
      expect((err as Error).message).toBe(`cannot write ${target}: it is a folder (EISDIR)`);
      expect(readdirSync(dir)).toEqual(['taken']);
      expect(readdirSync(target)).toEqual(['keep']);
    }
  });

  it('a folder that does not exist is named as such', async () => {
    const file = path.join(tempDir(), 'no', 'such', 'out.txt');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(`cannot write ${file}: its folder does not exist (ENOENT)`);
    expect(() => writeFileAtomicSync(file, 'x')).toThrow(`cannot write ${file}: its folder does not exist (ENOENT)`);
  });

  it('temporary names sit beside the target, hidden, and differ per call; commitTemporary renames one into place', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'trace.jsonl');
    const [a, b] = [temporaryPathFor(file), temporaryPathFor(file)];
    expect(path.dirname(a)).toBe(dir);
    expect(path.basename(a).startsWith('.trace.jsonl.tmp-')).toBe(true);
    expect(a).not.toBe(b);
    writeFileSync(a, 'streamed');
    await commitTemporary(a, file);
    expect(readdirSync(dir)).toEqual(['trace.jsonl']);
    expect(readFileSync(file, 'utf8')).toBe('streamed');
  });
});
