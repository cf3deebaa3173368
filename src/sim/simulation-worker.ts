/**
 * Worker-thread side of `simulateIid`: rebuilds the law from its spec, then simulates the chunks
 * the main thread sends, one message per chunk, and posts each chunk's statistics back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BestFirstEnumerator } from './best-first-enumerator.js';
import type { LawSpec } from './child-law.js';
import { lawFromSpec } from './law-from-spec.js';
import { simulateChunk } from './simulate-chunk.js';

export interface WorkerSetup {
  readonly spec: LawSpec;
  readonly maxNodes: number;
  readonly seed: number;
  readonly depthProfile: boolean;
}

export interface ChunkRequest {
  readonly chunk: number;
  readonly firstTree: number;
  readonly trees: number;
}

const port = parentPort;
if (port !== null) {
  const setup = workerData as WorkerSetup;
  const law = lawFromSpec(setup.spec);
  const workspace = {
    sampler: law.createSampler(setup.maxNodes - 1),
    enumerator: new BestFirstEnumerator(setup.maxNodes),
    curve: new Float64Array(setup.maxNodes),
  };
  port.on('message', (request: ChunkRequest) => {
    const result = simulateChunk(workspace, setup.seed, request.chunk, request.firstTree, request.trees, setup.depthProfile);
    const transfer = [result.mean.buffer, result.sumSquares.buffer];
    if (result.depthCounts !== null) transfer.push(result.depthCounts.buffer);
    port.postMessage(result, transfer as ArrayBuffer[]);
  });
}
