/**
 * Requests per second of the openai backend (the 2xx fast path of fast-path.ts with the official
 * `openai` client for everything else, our retry loop, validation and conversion to a sparse
 * distribution) against `specbound serve-model`, at concurrency 1, 16 and 64, against a bare
 * node:http keep-alive loop + JSON.parse on the same server in the same run (issue 18's anchor:
 * target ≥ 0.85× at 16 and 64). Each round runs the anchor and the client back to back in
 * alternating order, then the client without the fast path (every request through the official
 * client, as before), the batched client and a global-fetch loop (issue 18's first reference,
 * docs/history.md); rows give medians over the rounds and the ratio is the median of the
 * per-round ratios. Client and server share the machine's cores (2 here, with other work), so
 * the client's CPU per request is reported too. The server runs in its own process (the
 * built-in model if it loads, else llama2.c stories260K). Loopback only, bounded request counts.
 *
 * The in-memory rows time the client without network or server: those requests go through a
 * fetch passed in, which turns the fast path off, so they price the official client's path. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createOpenAIModel } from '../src/models/openai/load.js';
import { median, type BenchResult } from './bench-result.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STORIES = `llama2c:${path.resolve(ROOT, '..', 'shared', 'models', 'stories260K', 'stories260K.bin')}`;
const LOGPROBS = 20;
/**
 * Rounds per concurrency of the anchor/client pair (odd, so the median is one round's figure);
 * many short pairs damp the load of other work on the shared machine better than a few long ones.
 */
const ROUNDS = 9;
/** The other variants (client without the fast path, batched, global fetch) run every this many rounds. */
const EXTRA_EVERY = 3;
/** Prompts per request of the batched row (`&batch=B`). */
const BATCH = 16;

function startServer(model: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  // Five clients (two bare loops, three openai models) keep up to 64 keep-alive connections each,
  // more than serve-model's default limit of 256 open connections.
  const args = ['serve-model', '--model', model, '--port', '0', '--name', 'bench', '--max-connections', '4096'];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT });
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

interface Round {
  readonly bareHttp: Measured;
  readonly client: Measured;
  /** Every EXTRA_EVERY-th round: the other variants, right after the pair. */
  readonly extra?: { readonly bareFetch: Measured; readonly official: Measured; readonly batched: Measured };
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
    const base = { endpoints: [server.url], model: 'bench', logprobs: LOGPROBS, maxRetries: 0, timeoutMs: 60_000, backoffBaseMs: 1, backoffCapMs: 1 };
    const probe = await createOpenAIModel({ ...base, concurrency: 1 });
    const prompt = await probe.tokenizer.encodeAsync('The jury further said in term-end presentments that the City Executive Committee');
    for (const concurrency of [1, 16, 64]) {
      const requests = concurrency === 1 ? 600 : 2000;
      const model = await createOpenAIModel({ ...base, concurrency });
      const official = await createOpenAIModel({ ...base, concurrency, fastPath: false });
      const batched = await createOpenAIModel({ ...base, concurrency, promptsPerRequest: BATCH });
      const prefixes = Array.from({ length: requests }, () => prompt);
      // Warm-up: connections, JIT, the server's caches.
      await bareLoop(server.url, prompt, 100, concurrency);
      await bareHttpLoop(agent, server.url, prompt, 100, concurrency);
      await model.nextTokenDistributions(prefixes.slice(0, 200));
      await official.nextTokenDistributions(prefixes.slice(0, 100));
      await batched.nextTokenDistributions(prefixes.slice(0, 100));
      const fastBefore = model.transport.fastAnswers;
      const attemptsBefore = model.transport.attempts;
      const rounds: Round[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The anchor and the client run back to back, in alternating order, so each round's ratio
        // compares them under the same load of the shared machine.
        const anchor = (): Promise<Measured> => measure(requests, () => bareHttpLoop(agent, server.url, prompt, requests, concurrency));
        const ours = (): Promise<Measured> => measure(requests, () => model.nextTokenDistributions(prefixes));
        let bareHttp: Measured;
        let client: Measured;
        if (round % 2 === 0) {
          bareHttp = await anchor();
          client = await ours();
        } else {
          client = await ours();
          bareHttp = await anchor();
        }
        if (round % EXTRA_EVERY !== 0) {
          rounds.push({ bareHttp, client });
          continue;
        }
        const officialRun = await measure(requests, () => official.nextTokenDistributions(prefixes));
        const batchedRun = await measure(requests, () => batched.nextTokenDistributions(prefixes));
        const bareFetch = await measure(requests, () => bareLoop(server.url, prompt, requests, concurrency));
        rounds.push({ bareHttp, client, extra: { bareFetch, official: officialRun, batched: batchedRun } });
      }
      const fastShare = (model.transport.fastAnswers - fastBefore) / (model.transport.attempts - attemptsBefore);
      const med = (pick: (r: Round) => number): number => median(rounds.map(pick));
      const extras = rounds.filter((r): r is Round & Required<Pick<Round, 'extra'>> => r.extra !== undefined);
      const medExtra = (pick: (r: Round & Required<Pick<Round, 'extra'>>) => number): number => median(extras.map(pick));
      const ratio = med((r) => r.client.perSecond / r.bareHttp.perSecond);
      const how = `${requests} requests x ${ROUNDS} interleaved rounds (the other rows: ${extras.length} of them), medians; server: serve-model --model ${modelLabel} in its own process on the same 2 shared cores, logprobs ${LOGPROBS}, prompt ${prompt.length} tokens`;
      const perRound = rounds.map((r) => (r.client.perSecond / r.bareHttp.perSecond).toFixed(2)).join(' ');
      results.push({ name: `bare node:http loop, concurrency ${concurrency}`, value: Math.round(med((r) => r.bareHttp.perSecond)), unit: 'requests/s', notes: `${how}; client CPU ${Math.round(med((r) => r.bareHttp.cpuMicros))} us/request` });
      results.push({
        name: `openai client, concurrency ${concurrency}`,
        value: Math.round(med((r) => r.client.perSecond)),
        unit: 'requests/s',
        anchor: 'bare node:http loop (keep-alive, JSON.parse)',
        anchorValue: Math.round(med((r) => r.bareHttp.perSecond)),
        ratio,
        ...(concurrency > 1 ? { ratioTarget: 0.85 } : {}),
        notes: `${how}; ratio = median of per-round ratios (${perRound}); ${(fastShare * 100).toFixed(0)}% of requests answered by the 2xx fast path (fast-path.ts)`,
      });
      results.push({
        name: `client-process CPU per request, concurrency ${concurrency}`,
        value: Math.round(med((r) => r.client.cpuMicros)),
        unit: 'us/request',
        anchor: 'bare node:http loop',
        anchorValue: Math.round(med((r) => r.bareHttp.cpuMicros)),
        notes: 'CPU of the client process (process.cpuUsage) per request: the openai backend (fast path, retry loop, validation, conversion to a distribution) against the bare loop (node:http + JSON.parse)',
      });
      results.push({
        name: `openai client without the fast path, concurrency ${concurrency}`,
        value: Math.round(medExtra((r) => r.extra.official.perSecond)),
        unit: 'requests/s',
        notes: `every request through the official openai client (fastPath: false), as before issue 18's fast path; ratio to bare node:http ${medExtra((r) => r.extra.official.perSecond / r.bareHttp.perSecond).toFixed(2)}, client CPU ${Math.round(medExtra((r) => r.extra.official.cpuMicros))} us/request`,
      });
      results.push({ name: `bare fetch loop, concurrency ${concurrency}`, value: Math.round(medExtra((r) => r.extra.bareFetch.perSecond)), unit: 'requests/s', notes: `global fetch + res.json() (docs/history.md: issue 18's first reference); client CPU ${Math.round(medExtra((r) => r.extra.bareFetch.cpuMicros))} us/request` });
      results.push({
        name: `openai client overhead vs the bare fetch loop, concurrency ${concurrency}`,
        value: Number(((1 - medExtra((r) => r.client.perSecond / r.extra.bareFetch.perSecond)) * 100).toFixed(1)),
        unit: '% fewer requests/s (negative: faster)',
        target: 5,
        notes: 'bare = the global-fetch loop (negative: the client is faster)',
      });
      results.push({
        name: `openai client &batch=${BATCH}, concurrency ${concurrency}`,
        value: Math.round(medExtra((r) => r.extra.batched.perSecond)),
        unit: 'distributions/s',
        notes: `up to ${BATCH} prompts per completions request (fewer when that keeps every slot busy); client CPU ${Math.round(medExtra((r) => r.extra.batched.cpuMicros))} us/distribution`,
      });
      await Promise.all([model.close(), official.close(), batched.close()]);
    }
  } finally {
    agent.destroy();
    await stop(server.child);
  }
  return results;
}
