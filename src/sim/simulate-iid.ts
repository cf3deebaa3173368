/**
 * `simulateIid`: the exact optimum E[X*](P) of the paper's i.i.d. model (Assumption 2), for
 * every budget P ≤ maxNodes, by Monte Carlo over independent token trees, on worker threads.
 *
 * Tree i always uses the random stream (seed, i), trees are grouped in chunks of fixed size,
 * and chunk statistics are merged in chunk order, so the same seed gives bit-identical output
 * for any number of workers.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvalidValueError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { BestFirstEnumerator } from './best-first-enumerator.js';
import type { ChildLaw, LawDescription, LawSpec } from './child-law.js';
import { simulateChunk, type ChunkResult } from './simulate-chunk.js';
import type { ChunkRequest, WorkerSetup } from './simulation-worker.js';
import { CurveStatistics } from './tree-statistics.js';

export interface SimulateIidOptions {
  /** The child law every node draws from (for a drafter law: the q-greedy tree scored with p). */
  readonly law: ChildLaw;
  /** Largest budget P (tree nodes including the root). */
  readonly maxNodes: number;
  /** Number of independent trees. */
  readonly trees: number;
  /** Master seed (default 1). */
  readonly seed?: number;
  /**
   * Worker threads (default: available cores, or 1 for jobs under ~4 million table-law tree nodes'
   * worth of work (see relativeNodeCost), where starting threads costs more than it saves). 1 runs in this thread.
   */
  readonly workers?: number;
  /** Trees per chunk, the unit of work and of merging (default 64). Changing it changes the last bits. */
  readonly chunkSize?: number;
  /** Also record the mean number of nodes at each depth of the maxNodes tree. */
  readonly depthProfile?: boolean;
  /** Called as chunks finish with (trees done, trees in total). */
  readonly onProgress?: (treesDone: number, trees: number) => void;
}

export interface SimulatedBudget {
  /** Budget P (nodes including the root). */
  readonly P: number;
  /** Mean over trees of E[X](P): Σ of the P largest node probabilities (Lemma 1), or of the q-greedy tree's p-values. */
  readonly mean: number;
  /** Standard error of that mean. */
  readonly se: number;
}

export interface SimulateIidResult {
  readonly law: LawDescription;
  readonly mu: number;
  readonly mu2: number;
  readonly momentsExact: boolean;
  /** For drafter laws: μ_CE and π₀ of Lemma 7. */
  readonly drafter?: { readonly muCE: number; readonly pi0: number };
  readonly trees: number;
  readonly seed: number;
  /** One row per P = 1..maxNodes. */
  readonly rows: SimulatedBudget[];
  /** Mean number of nodes at depth d (index d; root = depth 0) of the maxNodes tree, when asked. */
  readonly depthProfile?: number[];
}

/** Below this much work (tree nodes × relative cost per node) the default is to run in the calling thread. */
const SMALL_JOB_NODES = 4_000_000;

/**
 * Cost of one node's child distribution relative to a table law's, for the default worker count.
 * Measured 2026-12-04 (CPU time, one thread, `simulateIid` with workers: 1, second and third of
 * three rounds): a table node (zipf:1:1000) costs ~25 ns at P-max 1024 (16–19 ns at P-max 64); a
 * Dirichlet node with lazy child ranks ~5.0 µs at V = 100 and ~49 µs at V = 1000, i.e. 1.9–2.0·V
 * table nodes at P-max 1024 (2.5–3·V at P-max 64). The lazy ranks made a Dirichlet node ~3× cheaper
 * (~14 µs before), but table nodes got faster too (the old 1.5·V assumed ~80 ns), so the ratio rose.
 * A noisy drafter adds one normal variate per candidate. Counting nodes alone gave a 6-second
 * Dirichlet job one thread.
 */
export function relativeNodeCost(spec: LawSpec): number {
  switch (spec.kind) {
    case 'dirichlet':
      return 2 * spec.vocabSize;
    case 'noisy-drafter':
      return spec.candidates + relativeNodeCost(spec.verifier);
    case 'table':
      return 1;
  }
}

/** Largest tree the simulator builds. */
export const MAX_SIMULATED_NODES = 1 << 20;

/**
 * Simulates `trees` i.i.d. token trees of `maxNodes` nodes and returns E[X*](P) for every P.
 * @example
 * const r = await simulateIid({law: zipfLaw(1, 1000), maxNodes: 64, trees: 1, workers: 1});
 * r.rows[0] // {P: 1, mean: 1, se: 0}
 */
export async function simulateIid(options: SimulateIidOptions): Promise<SimulateIidResult> {
  const { law, maxNodes, trees } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const chunkSize = options.chunkSize ?? 64;
  const depthProfile = options.depthProfile ?? false;
  if (!(Number.isSafeInteger(maxNodes) && maxNodes >= 1 && maxNodes <= MAX_SIMULATED_NODES)) {
    throw new InvalidValueError('P-max', maxNodes, `must be a whole number in [1, ${MAX_SIMULATED_NODES}]`);
  }
  if (!(Number.isSafeInteger(trees) && trees >= 1)) throw new InvalidValueError('trees', trees, 'must be a whole number >= 1');
  if (!Number.isSafeInteger(seed)) throw new InvalidValueError('seed', seed, 'must be an integer');
  if (!(Number.isSafeInteger(chunkSize) && chunkSize >= 1)) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (maxNodes - 1 > law.exactRanks) {
    throw new InvalidValueError('P-max', maxNodes, `the law keeps only its top ${law.exactRanks} children per node; rebuild it with more to simulate P-max > ${law.exactRanks + 1}`);
  }
  const chunks = Math.ceil(trees / chunkSize);
  const defaultWorkers = trees * maxNodes * relativeNodeCost(law.spec) < SMALL_JOB_NODES ? 1 : os.availableParallelism();
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers, chunks));
  const total = new CurveStatistics(maxNodes);
  const depthTotals = depthProfile ? new Float64Array(maxNodes) : null;

  // Chunks may finish in any order; merge them strictly in chunk order.
  const pending = new Map<number, ChunkResult>();
  let nextToMerge = 0;
  let treesDone = 0;
  const accept = (result: ChunkResult): void => {
    pending.set(result.chunk, result);
    treesDone += result.count;
    for (let r = pending.get(nextToMerge); r !== undefined; r = pending.get(nextToMerge)) {
      pending.delete(nextToMerge);
      total.merge(new CurveStatistics(maxNodes, r.mean, r.sumSquares, r.count));
      if (depthTotals !== null && r.depthCounts !== null) for (let d = 0; d < maxNodes; d++) depthTotals[d]! += r.depthCounts[d]!;
      nextToMerge++;
    }
    options.onProgress?.(treesDone, trees);
  };
  const request = (chunk: number): ChunkRequest => ({ chunk, firstTree: chunk * chunkSize, trees: Math.min(chunkSize, trees - chunk * chunkSize) });

  if (workers === 1) {
    const workspace = { sampler: law.createSampler(maxNodes - 1), enumerator: new BestFirstEnumerator(maxNodes), curve: new Float64Array(maxNodes) };
    for (let c = 0; c < chunks; c++) {
      const { chunk, firstTree, trees: n } = request(c);
      accept(simulateChunk(workspace, seed, chunk, firstTree, n, depthProfile));
      if (c % 16 === 15) await new Promise((resolve) => setImmediate(resolve)); // let progress bars and signals run
    }
  } else {
    await runOnWorkers({ spec: law.spec, maxNodes, seed, depthProfile }, workers, chunks, request, accept);
  }

  const rows: SimulatedBudget[] = [];
  for (let i = 0; i < maxNodes; i++) rows.push({ P: i + 1, mean: total.mean[i]!, se: total.standardError(i) });
  let depths: number[] | undefined;
  if (depthTotals !== null) {
    let last = maxNodes - 1;
    while (last > 0 && depthTotals[last] === 0) last--;
    depths = Array.from(depthTotals.subarray(0, last + 1), (c) => c / trees);
  }
  const drafter = 'muCE' in law && 'pi0' in law ? { muCE: law.muCE as number, pi0: law.pi0 as number } : undefined;
  return {
    law: law.description,
    mu: law.mu,
    mu2: law.mu2,
    momentsExact: law.momentsExact,
    ...(drafter === undefined ? {} : { drafter }),
    trees,
    seed,
    rows,
    ...(depths === undefined ? {} : { depthProfile: depths }),
  };
}

/**
 * Starts a worker on the compiled `simulation-worker.js`, or, when this module runs from its
 * TypeScript source (tsx, vitest), on `simulation-worker.ts` through tsx's loader: Node 20
 * workers do not inherit `--import tsx`, so a one-line bootstrap registers tsx inside the worker.
 */
function startWorker(setup: WorkerSetup): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL('./simulation-worker.js', import.meta.url), { workerData: setup });
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const target = new URL('./simulation-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

async function runOnWorkers(setup: WorkerSetup, count: number, chunks: number, request: (chunk: number) => ChunkRequest, accept: (r: ChunkResult) => void): Promise<void> {
  let nextChunk = 0;
  const pool = Array.from({ length: count }, () => startWorker(setup));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (nextChunk >= chunks) {
                resolve();
                return;
              }
              worker.postMessage(request(nextChunk++));
            };
            worker.on('message', (result: ChunkResult) => {
              try {
                accept(result);
              } catch (e) {
                reject(e instanceof Error ? e : new Error(String(e)));
                return;
              }
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`simulation worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
