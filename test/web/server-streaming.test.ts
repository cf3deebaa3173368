/**
 * `specbound serve` streams the files it serves instead of reading them whole (issue 19 leftover):
 * a 3 GiB sparse file — larger than Node can read into one Buffer (readFile refuses files over
 * 2 GiB, ERR_FS_FILE_TOO_LARGE), so the old whole-file read answered 404 — is served with its
 * exact Content-Length, its first bytes arrive, and a client that leaves closes the descriptor.
 * Content-Length and a weak ETag come from fstat; If-None-Match answers 304.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer, fileEtag, listen } from '../../src/web/server.js';

let tmp: string;
let server: http.Server;
let port: number;
const BIG = 3 * 2 ** 30;
const payload = randomBytes(5 * 2 ** 20 + 123);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specbound-web-stream-'));
  const run = path.join(tmp, 'runs', 'run-a');
  await mkdir(run, { recursive: true });
  await mkdir(path.join(tmp, 'assets'));
  await writeFile(path.join(tmp, 'assets', 'index.html'), '<!doctype html><title>app</title>');
  // Sparse: 3 GiB of zeros with one marked byte at 1 MiB, no disk blocks used.
  const big = await open(path.join(run, 'big.json'), 'w');
  await big.truncate(BIG);
  await big.write(Buffer.from('X'), 0, 1, 2 ** 20);
  await big.close();
  await writeFile(path.join(run, 'trace.md'), payload);
  // A fixed mtime, so the ETag is known: 1,700,000,000,000 ms.
  await utimes(path.join(run, 'trace.md'), 1_700_000_000, 1_700_000_000);
  server = createWebServer({ assetsDir: path.join(tmp, 'assets'), runsDir: path.join(tmp, 'runs') });
  await listen(server, 0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

/** Descriptors of this process open on files below `dir` (Linux /proc). */
function openBelow(dir: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

function request(method: string, urlPath: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function body(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.skipIf(!process.platform.startsWith('linux'))('serve streams files (issue 19)', () => {
  it('serves a file with exact bytes, Content-Length and a weak ETag from fstat; If-None-Match gives 304 with no body', async () => {
    const res = await request('GET', '/runs/run-a/trace.md');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(payload.length));
    // jshttp/etag's stat tag: W/"<size hex>-<mtime ms hex>" = W/"50007b-18bcfe56800".
    expect(res.headers['etag']).toBe(`W/"${(5 * 2 ** 20 + 123).toString(16)}-${(1_700_000_000_000).toString(16)}"`);
    expect(res.headers['etag']).toBe('W/"50007b-18bcfe56800"');
    expect(fileEtag(payload.length, 1_700_000_000_000)).toBe(res.headers['etag']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const got = await body(res);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));

    const again = await request('GET', '/runs/run-a/trace.md', { 'If-None-Match': 'W/"50007b-18bcfe56800"' });
    expect(again.statusCode).toBe(304);
    expect((await body(again)).length).toBe(0);
    const stale = await request('GET', '/runs/run-a/trace.md', { 'If-None-Match': 'W/"50007b-18bcfe56801"' });
    expect(stale.statusCode).toBe(200);
    expect((await body(stale)).length).toBe(payload.length);
  });

  it('serves a 3 GiB file (too large to read whole): HEAD gives its size; a GET streams it, and a client that leaves releases the descriptor', async () => {
    const runDir = path.join(tmp, 'runs', 'run-a');
    const before = openBelow(runDir);
    const head = await request('HEAD', '/runs/run-a/big.json');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(BIG));
    head.resume();

    const heapBefore = process.memoryUsage().arrayBuffers;
    const res = await request('GET', '/runs/run-a/big.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(BIG));
    // Read the first 2 MiB (the marked byte is at 1 MiB), then leave.
    const first: Buffer[] = [];
    let got = 0;
    for await (const c of res) {
      first.push(c as Buffer);
      got += (c as Buffer).length;
      if (got >= 2 * 2 ** 20) break;
    }
    const head2 = Buffer.concat(first);
    expect(head2[2 ** 20]).toBe('X'.charCodeAt(0));
    expect(head2.subarray(0, 2 ** 20).every((b) => b === 0)).toBe(true);
    // Streaming holds stream buffers, not the file: far below its 3 GiB (the old code could not even allocate it).
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(256 * 2 ** 20);
    // The server noticed the client leaving and closed the file.
    for (let i = 0; i < 100 && openBelow(runDir) > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(openBelow(runDir)).toBe(before);
    // And goes on serving.
    const next = await request('GET', '/runs/run-a/trace.md');
    expect(next.statusCode).toBe(200);
    expect((await body(next)).length).toBe(payload.length);
  });
});
