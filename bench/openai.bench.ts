/**
 * Requests per second of the openai backend (official `openai` client + our retry loop, zod
 * validation and conversion to a sparse distribution) against `specbound serve-model`, at
 * concurrency 1, 16 and 64, next to two bare load loops against the same server in the same run:
 * global fetch + res.json() (issue 18's reference, docs/history.md), and node:http with a keep-alive agent +
 * JSON.parse (the transport the client now hands to the openai client, see http-fetch.ts), so
 * the client's own overhead is visible even though its transport is cheaper than global fetch. The server runs in its
 * own process (the built-in model if it loads, else llama2.c stories260K) so client and server
 * each have a core. Rounds alternate bare/client and the best of three of each is kept, to damp
 * the noise of a shared machine. Loopback only, bounded request counts.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createOpenAIModel } from '../src/models/openai/load.js';
import type { BenchResult } from './run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STORIES = `llama2c:${path.resolve(ROOT, '..', 'shared', 'models', 'stories260K', 'stories260K.bin')}`;
const LOGPROBS = 20;
const ROUNDS = 3;
/** Prompts per request of the batched row (`&batch=B`). */
const BATCH = 16;

function startServer(model: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve-model', '--model', model, '--port', '0', '--name', 'bench'], { cwd: ROOT });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve-model --model ${model} did not start in 180 s`));
    }, 180_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/\S+\/v1)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve-model --model ${model} exited with ${code}: ${err.trim()}`));
    });
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Measured {
  readonly perSecond: number;
  /** CPU time of this (client) process per request, in microseconds. */
  readonly cpuMicros: number;
}

async function measure(requests: number, work: () => Promise<unknown>): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: requests / seconds, cpuMicros: (cpu.user + cpu.system) / requests };
}

/** `requests` completions through `concurrency` workers of bare fetch. */
async function bareLoop(url: string, prompt: number[], requests: number, concurrency: number): Promise<void> {
  const body = JSON.stringify({ model: 'bench', prompt, max_tokens: 1, temperature: 0, logprobs: LOGPROBS, return_tokens_as_token_ids: true });
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < requests) {
      issued++;
      const res = await fetch(`${url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`bare loop: HTTP ${res.status}`);
      await res.json();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The same loop over node:http with a keep-alive agent (no openai client, no validation). */
async function bareHttpLoop(agent: http.Agent, url: string, prompt: number[], requests: number, concurrency: number): Promise<void> {
  const body = JSON.stringify({ model: 'bench', prompt, max_tokens: 1, temperature: 0, logprobs: LOGPROBS, return_tokens_as_token_ids: true });
  const target = new URL(`${url}/completions`);
  const once = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = http.request({ hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString())) : reject(new Error(`bare http loop: HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < requests) {
      issued++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Client cost without network or server: the same canned vLLM answer (20 logprobs) served by an
 * in-memory fetch to (a) fetch + res.json(), (b) the bare openai client, (c) the specbound client
 * (openai client + retry loop + zod + conversion). Microseconds per request, best of 3 rounds.
 */
async function inMemoryCosts(): Promise<BenchResult[]> {
  const top: Record<string, number> = {};
  for (let i = 0; i < LOGPROBS; i++) top[`token_id:${i}`] = Math.log(0.5 ** (i + 1));
  const completion = JSON.stringify({
    id: 'cmpl-1', object: 'text_completion', created: 1, model: 'm',
    choices: [{ index: 0, text: 'x', logprobs: { text_offset: [0], token_logprobs: [top['token_id:0']], tokens: ['token_id:0'], top_logprobs: [top] }, finish_reason: 'length', stop_reason: null, prompt_logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
  const pieces = Array.from({ length: 100 }, (_, i) => `t${i}`);
  const vocabulary = JSON.stringify({ model: 'm', vocab_size: 100, bos_token_id: null, eos_token_id: null, tokens: pieces, pieces });
  const memoryFetch: typeof fetch = (input) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = href.endsWith('/models') ? '{"data":[{"id":"m"}]}' : href.endsWith('/vocabulary') ? vocabulary : completion;
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  const requestBody = { model: 'm', prompt: [1, 2, 3, 4, 5], max_tokens: 1, temperature: 0, logprobs: LOGPROBS, return_tokens_as_token_ids: true };
  const raw = new OpenAI({ baseURL: 'http://memory/v1', apiKey: 'EMPTY', maxRetries: 0, fetch: memoryFetch });
  const model = await createOpenAIModel({ endpoints: ['http://memory/v1'], model: 'm', logprobs: LOGPROBS, concurrency: 1, maxRetries: 0, timeoutMs: 60_000, backoffBaseMs: 1, backoffCapMs: 1, fetch: memoryFetch });
  const N = 3000;
  const variants: [string, () => Promise<unknown>][] = [
    ['in-memory fetch + res.json()', async () => (await memoryFetch('http://memory/v1/completions', { method: 'POST', body: JSON.stringify(requestBody) })).json()],
    ['bare openai client completions.create', () => raw.completions.create(requestBody)],
    ['specbound openai backend nextTokenDistribution', () => model.nextTokenDistribution([1, 2, 3, 4, 5])],
  ];
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (const [name, call] of variants) {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await call();
      const micros = ((performance.now() - t0) * 1000) / N;
      best.set(name, Math.min(best.get(name) ?? Infinity, micros));
    }
  }
  return variants.map(([name]) => ({ name: `client cost, ${name}`, value: Number(best.get(name)!.toFixed(1)), unit: 'us/request', notes: `${N} sequential requests, canned ${LOGPROBS}-logprob answer, no network` }));
}

export async function run(): Promise<BenchResult[]> {
  let server: { child: ChildProcessWithoutNullStreams; url: string };
  let modelLabel = 'builtin';
  try {
    server = await startServer('builtin');
  } catch (err) {
    process.stderr.write(`openai bench: builtin did not load (${(err as Error).message.split('\n')[0]}); using stories260K\n`);
    modelLabel = 'llama2c stories260K';
    server = await startServer(STORIES);
  }
  const results: BenchResult[] = await inMemoryCosts();
  const agent = new http.Agent({ keepAlive: true });
  try {
    const probe = await createOpenAIModel({ endpoints: [server.url], model: 'bench', logprobs: LOGPROBS, concurrency: 1, maxRetries: 0, timeoutMs: 60_000, backoffBaseMs: 1, backoffCapMs: 1 });
    const prompt = await probe.tokenizer.encodeAsync('The jury further said in term-end presentments that the City Executive Committee');
    for (const concurrency of [1, 16, 64]) {
      const requests = concurrency === 1 ? 300 : 1200;
      const model = await createOpenAIModel({ endpoints: [server.url], model: 'bench', logprobs: LOGPROBS, concurrency, maxRetries: 0, timeoutMs: 60_000, backoffBaseMs: 1, backoffCapMs: 1 });
      const batched = await createOpenAIModel({ endpoints: [server.url], model: 'bench', logprobs: LOGPROBS, concurrency, maxRetries: 0, timeoutMs: 60_000, backoffBaseMs: 1, backoffCapMs: 1, promptsPerRequest: BATCH });
      const prefixes = Array.from({ length: requests }, () => prompt);
      // Warm-up: connections, JIT, the server's caches.
      await bareLoop(server.url, prompt, 100, concurrency);
      await bareHttpLoop(agent, server.url, prompt, 100, concurrency);
      await model.nextTokenDistributions(prefixes.slice(0, 100));
      await batched.nextTokenDistributions(prefixes.slice(0, 100));
      let batchedClient = { perSecond: 0, cpuMicros: Infinity };
      let bare = { perSecond: 0, cpuMicros: Infinity };
      let bareHttp = { perSecond: 0, cpuMicros: Infinity };
      let client = { perSecond: 0, cpuMicros: Infinity };
      const best = (a: Measured, b: Measured): Measured => ({ perSecond: Math.max(a.perSecond, b.perSecond), cpuMicros: Math.min(a.cpuMicros, b.cpuMicros) });
      for (let round = 0; round < ROUNDS; round++) {
        bare = best(bare, await measure(requests, () => bareLoop(server.url, prompt, requests, concurrency)));
        bareHttp = best(bareHttp, await measure(requests, () => bareHttpLoop(agent, server.url, prompt, requests, concurrency)));
        client = best(client, await measure(requests, () => model.nextTokenDistributions(prefixes)));
        batchedClient = best(batchedClient, await measure(requests, () => batched.nextTokenDistributions(prefixes)));
      }
      const overhead = (1 - client.perSecond / bare.perSecond) * 100;
      const how = `${requests} requests x best of ${ROUNDS}, server: serve-model --model ${modelLabel} in its own process, logprobs ${LOGPROBS}, prompt ${prompt.length} tokens`;
      results.push({ name: `bare fetch loop, concurrency ${concurrency}`, value: Math.round(bare.perSecond), unit: 'requests/s', notes: how });
      results.push({ name: `bare node:http loop, concurrency ${concurrency}`, value: Math.round(bareHttp.perSecond), unit: 'requests/s', notes: `${how}; CPU ${Math.round(bareHttp.cpuMicros)} us/request` });
      results.push({
        name: `openai client, concurrency ${concurrency}`,
        value: Math.round(client.perSecond),
        unit: 'requests/s',
        anchor: 'bare node:http loop (keep-alive, JSON.parse)',
        anchorValue: Math.round(bareHttp.perSecond),
        ratio: client.perSecond / bareHttp.perSecond,
        ...(concurrency > 1 ? { ratioTarget: 0.85 } : {}),
        notes: `${how}; best of ${ROUNDS} alternating rounds each`,
      });
      results.push({ name: `openai client overhead, concurrency ${concurrency}`, value: Number(overhead.toFixed(1)), unit: '% fewer requests/s than bare', target: 5, notes: 'bare = the global-fetch loop (negative: the client is faster)' });
      results.push({
        name: `openai client overhead vs bare node:http, concurrency ${concurrency}`,
        value: Number(((1 - client.perSecond / bareHttp.perSecond) * 100).toFixed(1)),
        unit: '% fewer requests/s than bare node:http',
        notes: 'the same transport as the client, so this is the cost of the openai client + validation + conversion alone',
      });
      results.push({
        name: `client-process CPU per request, concurrency ${concurrency}`,
        value: Math.round(client.cpuMicros),
        unit: 'us/request',
        notes: `bare fetch loop: ${Math.round(bare.cpuMicros)} us/request; the difference is the openai client + validation + conversion`,
      });
      results.push({
        name: `openai client &batch=${BATCH}, concurrency ${concurrency}`,
        value: Math.round(batchedClient.perSecond),
        unit: 'distributions/s',
        notes: `up to ${BATCH} prompts per completions request (fewer when that keeps every slot busy); client CPU ${Math.round(batchedClient.cpuMicros)} us/distribution`,
      });
    }
  } finally {
    agent.destroy();
    await stop(server.child);
  }
  return results;
}
