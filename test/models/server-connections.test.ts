/**
 * `serve-model`'s connection limit and timeouts (issue 19 leftover): at most `maxConnections`
 * connections are served; one past it is answered 503 (Retry-After, connection: close — uvicorn's
 * answer past --limit-concurrency) and closed, while the connections already open keep being
 * served; past twice the limit new connections are closed on accept; an over-limit connection that
 * sends nothing is closed after 2 s. A loopback load test runs the real CLI with
 * `--max-connections 16` against keep-alive clients and a flood of new connections.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { startServeModel } from '../helpers/serve-model.js';
import { createFakeModel } from './server-fake-model.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  reused: boolean;
}

const completion = JSON.stringify({ prompt: 'a b', max_tokens: 2, logprobs: 2 });

function post(port: number, agent: http.Agent, body = completion): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, reused: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

/** A raw connection: resolves once the server side counted it; `closed` settles when the server closes it, with the bytes received. */
async function rawConnection(server: ModelServer, expectCounted: boolean): Promise<{ socket: net.Socket; closed: Promise<{ bytes: number; afterMs: number }> }> {
  const before = server.openConnections;
  const start = Date.now();
  const socket = net.connect((server.server.address() as AddressInfo).port, '127.0.0.1');
  let bytes = 0;
  socket.on('data', (b: Buffer) => (bytes += b.length));
  socket.on('error', () => undefined);
  const closed = new Promise<{ bytes: number; afterMs: number }>((r) => socket.on('close', () => r({ bytes, afterMs: Date.now() - start })));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  if (expectCounted) await until(() => server.openConnections === before + 1);
  return { socket, closed };
}

describe('serve-model connection limit (issue 19)', () => {
  let server: ModelServer;
  let port: number;
  beforeAll(async () => {
    server = createModelServer({ model: createFakeModel(), modelName: 'fake-7', maxConnections: 4 });
    await server.listen(0);
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it('sets the stated timeouts: headers 20 s, whole request 60 s, idle keep-alive 30 s (limits.ts)', () => {
    expect(server.server.headersTimeout).toBe(20_000);
    expect(server.server.requestTimeout).toBe(60_000);
    expect(server.server.keepAliveTimeout).toBe(30_000);
    // The hard ceiling is twice the limit.
    expect(server.server.maxConnections).toBe(8);
  });

  it('serves 4 connections; the 5th gets 503 naming the limit and is closed; the 4 keep being served; a freed slot is taken again', async () => {
    const held = Array.from({ length: 4 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      for (const agent of held) expect((await post(port, agent)).status).toBe(200);
      expect(server.openConnections).toBe(4);

      const extra = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const refused = await post(port, extra);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.headers['connection']).toBe('close');
      const error = (JSON.parse(refused.body) as { error: { message: string; type: string; code: number } }).error;
      expect(error).toMatchObject({ type: 'ServiceUnavailableError', code: 503 });
      expect(error.message).toContain('connection limit (4 open connections, --max-connections)');
      await until(() => server.openConnections === 4);
      expect(server.openConnections).toBe(4);
      extra.destroy();

      // The connections already open are served again, on the same sockets.
      for (const agent of held) {
        const again = await post(port, agent);
        expect(again.status).toBe(200);
        expect(again.reused).toBe(true);
      }
      // One leaves: a new client is served.
      held[0]!.destroy();
      await until(() => server.openConnections === 3);
      const next = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect((await post(port, next)).status).toBe(200);
      next.destroy();
    } finally {
      for (const a of held) a.destroy();
    }
  });

  it('past twice the limit a connection is closed on accept with no answer; an over-limit connection that sends nothing is closed after about 2 s', async () => {
    await until(() => server.openConnections === 0);
    const open: net.Socket[] = [];
    try {
      // 4 within the limit, 4 past it (kept until they time out), then the 9th: closed at once.
      const within = [];
      for (let i = 0; i < 4; i++) within.push(await rawConnection(server, true));
      const over = [];
      for (let i = 0; i < 4; i++) over.push(await rawConnection(server, true));
      open.push(...within.map((c) => c.socket), ...over.map((c) => c.socket));
      const ninth = await rawConnection(server, false);
      open.push(ninth.socket);
      const dropped = await ninth.closed;
      expect(dropped.bytes).toBe(0);
      expect(dropped.afterMs).toBeLessThan(1500);
      // The idle over-limit connections are closed by their 2 s timeout (the headers timeout would take 20 s).
      const overClosed = await Promise.all(over.map((c) => c.closed));
      for (const c of overClosed) {
        expect(c.bytes).toBe(0);
        expect(c.afterMs).toBeGreaterThanOrEqual(1500);
        expect(c.afterMs).toBeLessThan(6000);
      }
      // The ones within the limit are still open and answer a request.
      const s = within[0]!.socket;
      let reply = '';
      s.on('data', (b: Buffer) => (reply += b.toString()));
      s.write(`POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(completion)}\r\n\r\n${completion}`);
      await until(() => reply.includes('"choices"'));
      expect(reply.startsWith('HTTP/1.1 200')).toBe(true);
    } finally {
      for (const s of open) s.destroy();
    }
  }, 20_000);
});

describe('serve-model --max-connections 16 under a loopback load (issue 19)', () => {
  let served: Awaited<ReturnType<typeof startServeModel>> | undefined;
  beforeAll(async () => {
    served = await startServeModel('builtin', ['--max-connections', '16']);
  }, 60_000);
  afterAll(() => served?.stop());

  it('8 keep-alive clients are answered 200 throughout while 12 clients open a new connection per request: those get 200 or 503, never a reset', async () => {
    const url = new URL(served!.url);
    const port = Number(url.port);
    const body = JSON.stringify({ prompt: 'Once upon a time', max_tokens: 4, logprobs: 2 });
    const keepers = Array.from({ length: 8 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    // Keep-alive clients connect first: they hold 8 of the 16 places.
    for (const a of keepers) expect((await post(port, a, body)).status).toBe(200);
    const DURATION_MS = 2500;
    const start = performance.now();
    const keeperStatuses: number[] = [];
    const floodStatuses: number[] = [];
    const failures: string[] = [];
    const keeper = async (agent: http.Agent): Promise<void> => {
      while (performance.now() - start < DURATION_MS) keeperStatuses.push((await post(port, agent, body)).status);
    };
    const flooder = async (): Promise<void> => {
      while (performance.now() - start < DURATION_MS) {
        const agent = new http.Agent({ keepAlive: false });
        try {
          floodStatuses.push((await post(port, agent, body)).status);
        } catch (err) {
          failures.push((err as NodeJS.ErrnoException).code ?? String(err));
        } finally {
          agent.destroy();
        }
      }
    };
    await Promise.all([...keepers.map((a) => keeper(a)), ...Array.from({ length: 12 }, () => flooder())]);
    for (const a of keepers) a.destroy();

    expect(failures).toEqual([]);
    expect(keeperStatuses.length).toBeGreaterThan(8);
    expect(keeperStatuses.every((s) => s === 200)).toBe(true);
    expect(floodStatuses.every((s) => s === 200 || s === 503)).toBe(true);
    // 20 clients on 16 places: the flood was refused at times, and also served. 12 flooders, not
    // more: the server may still count a flooder's previous (closed) connection when its next one
    // arrives, so up to 8 + 12 + 11 = 31 sockets can be counted at once, under Node's hard drop at
    // 2 × 16 = 32 (limits.ts); 16 flooders could reach 39 on a loaded machine and see a reset.
    expect(floodStatuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(floodStatuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  }, 60_000);
});
