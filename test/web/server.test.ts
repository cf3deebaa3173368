import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, mkdir, symlink, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createWebServer, listen } from '../../src/web/server.js';
import { fixtureReport } from '../helpers/report-fixture.js';

let tmp: string;
let server: http.Server;
let port: number;

/** Raw request: the path is sent byte for byte (fetch would normalise `..`). */
function raw(method: string, rawPath: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers: { ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: 413, body: '' }) : reject(e)));
    req.end(body);
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specbound-web-'));
  const assets = path.join(tmp, 'assets');
  const runs = path.join(tmp, 'runs');
  const outside = path.join(tmp, 'outside');
  await mkdir(assets);
  await mkdir(path.join(runs, 'run-a'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(assets, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(path.join(runs, 'run-a', 'report.json'), JSON.stringify(fixtureReport()));
  await writeFile(path.join(tmp, 'secret.txt'), 'SECRET');
  await writeFile(path.join(outside, 'secret.txt'), 'SECRET');
  await writeFile(path.join(outside, 'report.json'), JSON.stringify(fixtureReport()));
  await symlink(outside, path.join(runs, 'link-out'));
  await symlink(path.join(tmp, 'secret.txt'), path.join(runs, 'run-a', 'secret-link.txt'));
  // FIFOs, as unpacking a shared run archive can create (issue 19 item 5): a file beside a report,
  // a run whose report.json is one, and an asset.
  await mkdir(path.join(runs, 'run-fifo'));
  for (const fifo of [path.join(runs, 'run-a', 'pipe.json'), path.join(runs, 'run-fifo', 'report.json'), path.join(assets, 'app.js')]) execFileSync('mkfifo', [fifo]);
  server = createWebServer({ assetsDir: assets, runsDir: runs, maxBodyBytes: 1024 });
  await listen(server, 0, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

describe('createWebServer({assetsDir, runsDir})', () => {
  it('serves the app and a run file', async () => {
    expect((await raw('GET', '/')).body).toContain('<title>app</title>');
    const r = await raw('GET', '/runs/run-a/report.json');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ version: 1 });
  });
  it('lists only run directories inside the root, not symlinks that leave it', async () => {
    const { runs } = JSON.parse((await raw('GET', '/api/runs')).body) as { runs: { name: string; target: string }[] };
    expect(runs.map((r) => r.name)).toEqual(['run-a']);
    expect(runs[0]!.target).toBe('builtin');
  });
  it.each([
    '/runs/../../etc/passwd',
    '/runs/../secret.txt',
    '/runs/%2e%2e/secret.txt',
    '/runs/%2E%2E/%2E%2E/etc/passwd',
    '/runs/..%2fsecret.txt',
    '/runs/run-a/..%2f..%2fsecret.txt',
    '/runs/%252e%252e/secret.txt',
    '/runs/..%5csecret.txt',
    '/runs//etc/passwd',
    '/runs/%2fetc%2fpasswd',
    '/runs/link-out/secret.txt',
    '/runs/link-out/report.json',
    '/runs/run-a/secret-link.txt',
    '/runs/run-a/%00report.json',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/etc/passwd',
  ])('refuses %s with 404', async (p) => {
    const r = await raw('GET', p);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('SECRET');
    expect(r.body).not.toContain('root:');
  });
  it('accepts only GET and HEAD, and refuses request bodies over the limit', async () => {
    expect((await raw('POST', '/api/runs', '{}')).status).toBe(405);
    expect((await raw('DELETE', '/runs/run-a/report.json')).status).toBe(405);
    expect((await raw('POST', '/api/runs', 'x'.repeat(5000))).status).toBe(413);
    expect((await raw('HEAD', '/runs/run-a/report.json')).status).toBe(200);
  });
});

describe('createWebServer: FIFOs in the served directories (issue 19 item 5)', () => {
  it('answers 404 for a FIFO at once, and keeps serving files while many FIFO requests are refused', async () => {
    const fifoRequests = Array.from({ length: 12 }, (_, i) => raw('GET', i % 2 === 0 ? '/runs/run-a/pipe.json' : '/app.js'));
    const file = raw('GET', '/runs/run-a/report.json');
    const answers = await Promise.all(fifoRequests);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 404));
    expect((await file).status).toBe(200);
    // Before the fix, readFile blocked a libuv thread per FIFO (4 in the pool), so this hung too.
    expect((await raw('GET', '/runs/run-a/report.json')).status).toBe(200);
  });
  it('lists neither a run whose report.json is a FIFO nor a FIFO among a run\'s files', async () => {
    const { runs } = JSON.parse((await raw('GET', '/api/runs')).body) as { runs: { name: string; files: string[] }[] };
    expect(runs.map((r) => r.name)).toEqual(['run-a']);
    expect(runs[0]!.files).toEqual(['report.json']); // pipe.json is a FIFO
  });
});

describe('createWebServer: Host header (issue 19 item 2)', () => {
  it.each(['attacker.example:8790', 'attacker.example', '127.0.0.1.nip.io', '192.168.1.10:8790'])('refuses Host %j with 403 on every route', async (host) => {
    for (const p of ['/api/runs', '/runs/run-a/report.json', '/']) {
      const r = await raw('GET', p, undefined, { Host: host });
      expect(r.status).toBe(403);
      expect(r.body).toContain('is not allowed');
      expect(r.body).not.toContain('builtin');
    }
  });
  it.each(['localhost:8790', '127.0.0.1', '[::1]:8790', 'runs.localhost'])('answers Host %j', async (host) => {
    expect((await raw('GET', '/api/runs', undefined, { Host: host })).status).toBe(200);
  });
  it('answers a host named in allowedHosts, and any IP literal when bound to every interface', async () => {
    const wide = createWebServer({ assetsDir: tmp, runsDir: tmp, host: '0.0.0.0', allowedHosts: ['runs.internal'] });
    await listen(wide, 0, '127.0.0.1');
    const widePort = (wide.address() as AddressInfo).port;
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: widePort, path: '/api/runs', headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    try {
      expect(await get('runs.internal:8790')).toBe(200);
      expect(await get('192.168.1.10:8790')).toBe(200);
      expect(await get('attacker.example')).toBe(403);
    } finally {
      await new Promise((r) => wide.close(r));
    }
  });
});

describe('specbound serve', () => {
  it('binds 127.0.0.1 by default', async () => {
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--port', '0'], { cwd: REPO_ROOT });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
    });
    child.kill('SIGTERM');
    expect(line).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+\//);
  });
  it('rejects a --runs path that is not a directory with one line, exit 2', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['serve', '--runs', '/nonexistent/dir']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('specbound: invalid --runs: "/nonexistent/dir" (not a directory)');
  });
});
