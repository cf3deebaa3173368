import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../src/models/openai/http-fetch.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A server answering every request with `handler`; returns its base URL. */
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpFetch().fetch(url, init)', () => {
  it('sends method, headers and body, and answers a Response with status, headers and the body', async () => {
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, length: req.headers['content-length'], body }));
      });
    });
    const client = createHttpFetch();
    const httpFetch = client.fetch;
    const res = await httpFetch(`${url}/v1/x`, { method: 'POST', headers: new Headers({ Authorization: 'Bearer k' }), body: '{"é":1}' });
    expect([res.status, res.ok, res.headers.get('x-request-id')]).toEqual([201, true, 'r1']);
    // "é" is 2 bytes in UTF-8: content-length counts bytes, not characters.
    expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer k', length: '8', body: '{"é":1}' });
    client.close();
  });

  it('keeps content-length 0 of an empty answer (the openai client reads it as no body)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
    });
    const res = await createHttpFetch().fetch(url);
    expect(res.headers.get('content-length')).toBe('0');
    expect(await res.text()).toBe('');
  });

  it('decompresses a gzip answer like fetch does', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"ok":true}'));
    });
    const res = await createHttpFetch().fetch(url);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.json()).toEqual({ ok: true });
  });

  it('rejects like undici when nothing listens: TypeError "fetch failed" whose cause has the code', async () => {
    const url = await serve(() => {});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const err = (await createHttpFetch().fetch(url).catch((e: unknown) => e)) as TypeError & { cause: NodeJS.ErrnoException };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause.code).toBe('ECONNREFUSED');
  });

  it('rejects with the signal\'s reason when aborted, and a dropped connection as "terminated"', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/drop') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.destroy(), 10);
      }
      // Any other path never answers.
    });
    const { fetch: httpFetch } = createHttpFetch();
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 20);
    await expect(httpFetch(`${url}/slow`, { signal: controller.signal })).rejects.toBe(reason);
    await expect(httpFetch(`${url}/drop`)).rejects.toThrow('terminated');
  });

  it('hands redirects and non-string bodies to the fallback fetch', async () => {
    const url = await serve((req, res) => {
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    });
    const seen: string[] = [];
    const fallback: typeof fetch = (input) => {
      seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return Promise.resolve(new Response('fallback'));
    };
    const { fetch: httpFetch } = createHttpFetch(fallback);
    expect(await (await httpFetch(`${url}/a`)).text()).toBe('fallback');
    expect(await (await httpFetch(`${url}/b`, { method: 'POST', body: new Blob(['x']) })).text()).toBe('fallback');
    expect(seen).toEqual([`${url}/a`, `${url}/b`]);
  });
});

describe('BufferedResponse (2xx answers of the node:http fetch)', () => {
  it('reads the body once like fetch, lists headers sorted with repeats joined, and clones before reading', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('x-b', ['1', '2']);
      res.setHeader('content-type', 'text/plain');
      res.end('hello');
    });
    const res = await createHttpFetch().fetch(url);
    const copy = res.clone();
    expect([...res.headers.entries()].filter(([n]) => n.startsWith('x-') || n === 'content-type')).toEqual([
      ['content-type', 'text/plain'],
      ['x-b', '1, 2'],
    ]);
    expect(await res.text()).toBe('hello');
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('hello');
  });
});
