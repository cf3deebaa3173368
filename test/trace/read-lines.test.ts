import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/trace/read-lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'read-lines-'));

async function collect(file: string): Promise<{ text: string; line: number }[]> {
  const out: { text: string; line: number }[] = [];
  for await (const l of readLines(file)) out.push({ text: l.text, line: l.line });
  return out;
}

describe('readLines', () => {
  it('returns lines longer than a read chunk (64 KB) whole, with CRLF, blank lines and a last line without newline', async () => {
    // A 1 MB line spans ~16 chunks of the file stream; a \r falls at a chunk's end for line 3
    // (65,535 'y' + '\r' = 65,536 bytes, the stream's highWaterMark), so its newline starts the next chunk.
    const long = 'x'.repeat(1_000_003);
    const edge = 'y'.repeat(65_535);
    const text = `${long}\n\n${edge}\r\nshort\r\n${'é'.repeat(40_000)}\nlast`;
    const expected = [
      { text: long, line: 1 },
      { text: edge, line: 3 },
      { text: 'short', line: 4 },
      { text: 'é'.repeat(40_000), line: 5 },
      { text: 'last', line: 6 },
    ];
    const plain = path.join(dir, 'long.txt');
    writeFileSync(plain, text);
    expect(await collect(plain)).toEqual(expected);
    const gz = path.join(dir, 'long.txt.gz');
    writeFileSync(gz, gzipSync(text));
    expect(await collect(gz)).toEqual(expected);
  });

  it('strips a final \\r of a last line without newline and skips a trailing blank', async () => {
    const f = path.join(dir, 'cr.txt');
    writeFileSync(f, 'a\n  \nb\r');
    expect(await collect(f)).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 3 },
    ]);
  });
});
