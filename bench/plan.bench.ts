/**
 * Planner speed (a whole `plan --preset` with P up to 1024 and an EAGLE tree at every P), the
 * static-tree enumeration, and the measured one-pass verification latency of the real
 * stories260K llama2.c model (what `specbound profile` reports on this machine).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/models/registry.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { profileVerification } from '../src/plan/profile.js';
import { geometricRankProbabilities, staticTreeSequence } from '../src/plan/tree-shape.js';
import type { BenchResult } from './run.js';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  await buildPlan({ preset: 'llama3.1-8b', drafter: 'eagle' });
  const reps = 5;
  let t0 = performance.now();
  for (let i = 0; i < reps; i++) await buildPlan({ preset: 'llama3.1-8b', drafter: 'eagle' });
  out.push({ name: 'plan --preset llama3.1-8b --drafter eagle (P = 1..1024)', value: (performance.now() - t0) / reps, unit: 'ms', notes: 'roofline + one best-first tree enumeration to P = 1024 + configs' });

  const probs = geometricRankProbabilities(0.683);
  t0 = performance.now();
  const seq = staticTreeSequence(100_000, probs);
  const seconds = (performance.now() - t0) / 1000;
  out.push({ name: 'static tree enumeration, mu = 0.683', value: 100_000 / seconds, unit: 'nodes/s', notes: `depth ${seq.summaryAt(100_000).depth} at P = 100000; typed-array nodes, flatqueue heap` });

  const model = await loadModel(`llama2c:${path.join(SHARED, 'models/stories260K/stories260K.bin')}`);
  const rows = await profileVerification(model, [1, 8, 64], { repeats: 9 });
  for (const r of rows) out.push({ name: `stories260K one-pass verification, k = ${r.k}`, value: r.ms, unit: 'ms', notes: `median of 9 (min ${r.minMs.toFixed(2)}, max ${r.maxMs.toFixed(2)}); CPU, 2 shared cores` });
  return out;
}
