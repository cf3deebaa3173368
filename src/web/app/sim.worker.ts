/**
 * Web worker: the i.i.d. branching-random-walk optimum for a law calibrated to (μ, μ₂), with the
 * same kernel as `specbound simulate` (src/sim), off the main thread. Messages carry a job id so
 * the page ignores results of superseded jobs.
 */
import { calibratedLaw } from '../../sim/calibrated-law.js';
import { BestFirstEnumerator } from '../../sim/best-first-enumerator.js';
import { simulateChunk } from '../../sim/simulate-chunk.js';

export interface SimJob {
  readonly id: number;
  readonly mu: number;
  readonly mu2: number;
  readonly pMax: number;
  readonly trees: number;
  readonly seed: number;
}

export type SimReply =
  | { readonly id: number; readonly kind: 'result'; readonly mean: number[]; readonly se: number[]; readonly trees: number }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

self.onmessage = (event: MessageEvent<SimJob>) => {
  const job = event.data;
  try {
    const law = calibratedLaw({ mu: job.mu, mu2: job.mu2 });
    const maxNodes = Math.max(2, job.pMax);
    const workspace = { sampler: law.createSampler(maxNodes - 1), enumerator: new BestFirstEnumerator(maxNodes), curve: new Float64Array(maxNodes) };
    const r = simulateChunk(workspace, job.seed, 0, 0, job.trees, false);
    const se = Array.from(r.sumSquares, (ss) => (r.count > 1 ? Math.sqrt(ss / (r.count - 1) / r.count) : 0));
    const reply: SimReply = { id: job.id, kind: 'result', mean: Array.from(r.mean), se, trees: r.count };
    self.postMessage(reply);
  } catch (err) {
    const reply: SimReply = { id: job.id, kind: 'error', message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
