/**
 * The local web server behind `specbound serve`: the single-page app's own assets, a read-only
 * view of the run directories it was given, and nothing else.
 *
 * Security (issues 9 and 19): binds 127.0.0.1 unless a host is given explicitly; answers only
 * requests whose Host is a loopback name or the configured host (core/allowed-host.ts; else 403,
 * against DNS rebinding); only GET and HEAD; request bodies are refused beyond `maxBodyBytes`
 * (413) and no endpoint accepts one; files are served only from the asset directory and the runs
 * root through `resolveInside` (traversal, encoded traversal, absolute paths and symlinks out of
 * the root → 404) and opened only when they are regular files (`openRegularFile`: a FIFO or
 * device → 404 without blocking), then streamed from the descriptor, never read whole (so any
 * number of large files in flight costs stream buffers, not their size); no endpoint runs commands. Responses carry a strict
 * Content-Security-Policy and nosniff.
 */

import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostAllowed, hostRefusal } from '../core/allowed-host.js';
import { SpecboundError } from '../core/errors.js';
import { listRuns } from './runs.js';
import { openRegularFile, resolveInside } from './safe-path.js';

export interface WebServerOptions {
  /** Built single-page app (Vite output). Defaults to the package's `web-dist/`. */
  readonly assetsDir?: string;
  /** Root whose run directories are served; omitted → the Runs tab is empty. */
  readonly runsDir?: string;
  /** Largest request body accepted before answering 413 (bytes). */
  readonly maxBodyBytes?: number;
  /** The address the server binds (its Host is accepted); default 127.0.0.1. */
  readonly host?: string;
  /** Host names accepted besides loopback names and `host` (see core/allowed-host.ts). */
  readonly allowedHosts?: readonly string[];
}

export const DEFAULT_ASSETS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web-dist');
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'",
};

export function createWebServer(options: WebServerOptions = {}): http.Server {
  const assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const policy = { bindHost: options.host ?? '127.0.0.1', ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }) };
  return http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host, policy)) {
      send(res, 403, 'text/plain; charset=utf-8', `${hostRefusal(req.headers.host)}\n`, { Connection: 'close' });
      req.resume();
      return;
    }
    handle(req, res, assetsDir, options.runsDir, maxBody).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, assetsDir: string, runsDir: string | undefined, maxBody: number): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBody) {
    send(res, 413, 'text/plain; charset=utf-8', 'request body too large\n', { Connection: 'close' });
    req.destroy();
    return;
  }
  let received = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBody && !tooLarge) {
      tooLarge = true;
      send(res, 413, 'text/plain; charset=utf-8', 'request body too large\n', { Connection: 'close' });
      req.destroy();
    }
  });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const rawPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
  if (!rawPath.startsWith('/')) return notFound(res);

  if (rawPath === '/api/runs') {
    const runs = runsDir === undefined ? [] : await listRuns(runsDir);
    return send(res, 200, TYPES['.json']!, JSON.stringify({ runs }));
  }
  if (rawPath.startsWith('/runs/')) {
    if (runsDir === undefined) return notFound(res);
    const file = await resolveInside(runsDir, rawPath.slice('/runs/'.length));
    return file === null ? notFound(res) : sendFile(req, res, file);
  }
  if (rawPath === '/' || rawPath === '/index.html') {
    const index = await resolveInside(assetsDir, 'index.html');
    if (index === null) return send(res, 503, 'text/plain; charset=utf-8', 'web assets are not built: run `npm run build`\n');
    return sendFile(req, res, index);
  }
  const asset = await resolveInside(assetsDir, rawPath.slice(1));
  return asset === null ? notFound(res) : sendFile(req, res, asset);
}

function notFound(res: http.ServerResponse): void {
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function send(res: http.ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

/**
 * A weak validator from what fstat says, in the format of the `etag` package's stat tag (used by
 * Express and `serve-static`: jshttp/etag index.js `stattag`, v1.8.1): W/"size-mtime", both hex.
 * A run's files are replaced whole (core/atomic-file.ts renames), so a new file has a new mtime.
 */
export function fileEtag(size: number, mtimeMs: number): string {
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 §13.1.2; `*` matches any). */
function notModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/**
 * Streams a regular file (issue 19): never read whole into memory; Content-Length and the ETag
 * come from fstat of the descriptor being streamed, and at most that many bytes are sent. A file
 * that shrinks while it is sent, a read error or a client that goes away destroys the response
 * and closes the descriptor, so a client never takes a short body for the whole file.
 */
async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string): Promise<void> {
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const opened = await openRegularFile(file);
  if (opened === null) return notFound(res);
  const { handle, size } = opened;
  const etag = fileEtag(size, opened.mtimeMs);
  // Revalidated on every use (run directories are re-rendered in place), cheap with the ETag.
  const cache = { 'Cache-Control': 'no-cache', ETag: etag, ...SECURITY_HEADERS };
  if (notModified(req.headers['if-none-match'], etag)) {
    await handle.close();
    res.writeHead(304, cache);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, ...cache });
  if (req.method === 'HEAD' || size === 0) {
    await handle.close();
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = handle.createReadStream({ start: 0, end: size - 1 }); // autoClose: closes the handle
    let sent = 0;
    stream.on('data', (chunk: Buffer | string) => (sent += chunk.length));
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', () => {
      if (sent === size) res.end();
      else res.destroy();
      resolve();
    });
    res.on('close', () => {
      if (!stream.destroyed) stream.destroy();
      resolve();
    });
    stream.pipe(res, { end: false });
  });
}

/** Starts the server and resolves with its URL; a port in use is a one-line user error. */
export function listen(server: http.Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new SpecboundError(`port ${port} on ${host} is already in use; choose another with --port`)
          : new SpecboundError(`cannot listen on ${host}:${port}: ${err.message}`),
      );
    });
    server.listen(port, host, () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${actual}/`);
    });
  });
}

