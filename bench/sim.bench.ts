/**
 * Speed of the i.i.d. simulator (issue 4): trees/s and tree nodes/s per core at P-max = 64, 1,024
 * and 4,096 on the law calibrated to Llama-3.1-8B's mean row of Table 1, one thread, CPU time
 * (process.cpuUsage, so other load on the machine does not count against us). A breakdown says
 * what limits it: the same enumeration with a replayed table of uniforms instead of the seeded
 * Rng (the cost of randomness), without the per-tree accumulation of the curve (shifted sums, one
 * pass over P-max values), and the Rng alone.
 *
 * Anchor (issue 18): our own C port of the same simulation (bench/reference/calibrated-enumerator.c,
 * checked bit-identical by test/sim/c-anchor.test.ts), compiled here with `cc -O3 -march=native`
 * when a C compiler exists, run as a child process that times itself in CPU time. Rounds
 * interleave specbound and C on the same trees (seed 1, trees 0 … n − 1, chunks of 64); the row
 * reports the medians and the median of the per-round ratios.
 *
 * Where the time goes (node --cpu-prof, P-max 1024, issue 18): not the heap's depth -- half the
 * replace-tops stop at the top and 80% of pushes stay at the leaf, since a node's first child
 * usually has nearly its parent's priority -- but the constant work per node (array lookups,
 * branches, bounds checks, one uniform of two xoroshiro steps). At P-max 64 the per-tree costs
 * (createRng, the shifted sums over the curve) add ~3 ns a node on top of ~20 ns; C does all of
 * it in ~15 ns.
 */
import { createRng, type Rng } from '../src/core/rng.js';
import { BestFirstEnumerator } from '../src/sim/best-first-enumerator.js';
import { calibratedLaw } from '../src/sim/calibrated-law.js';
import type { ChildLaw } from '../src/sim/child-law.js';
import { simulateChunk } from '../src/sim/simulate-chunk.js';
import { median, type BenchResult } from './bench-result.js';
import { parseLaw } from '../src/sim/parse-law.js';
import { plainDirichletTree } from './reference/plain-dirichlet.js';
import { dirichletSamplerBeforeIssue18 } from './reference/dirichlet-before-issue-18.js';
import { promised } from '../src/core/promised.js';
import { buildCAnchor, lawTableText, timeCAnchor } from './reference/c-anchor.js';

const TARGET_NODES_PER_SECOND = 5e6;
/** Nodes per measurement (≈ 1–2 s of CPU). */
const NODES = 8e6;
/** Interleaved rounds against the C anchor, and nodes per round per side. */
const ANCHOR_ROUNDS = 7;
const ANCHOR_NODES = 3e6;

function cpuSeconds(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** A stand-in Rng that replays 4096 precomputed uniforms: the same tree shapes, almost free draws. */
function replayRng(): Rng {
  const source = createRng(99);
  const table = Float64Array.from({ length: 4096 }, () => source.next());
  let i = 0;
  return {
    next: () => table[(i = (i + 1) & 4095)]!,
    int: (n: number) => Math.floor(table[(i = (i + 1) & 4095)]! * n),
  };
}

/** Enumerates ⌈NODES / P⌉ trees of P nodes; returns CPU seconds (best of 3 after a warm-up). */
function timeTrees(law: ChildLaw, P: number, accumulate: boolean, cheapRandomness = false): { seconds: number; trees: number } {
  const trees = Math.ceil(NODES / P);
  const enumerator = new BestFirstEnumerator(P);
  const sampler = law.createSampler(P - 1);
  const curve = new Float64Array(P);
  const replay = replayRng();
  const workspace = { sampler, enumerator, curve };
  const run = (n: number): void => {
    if (accumulate && !cheapRandomness) {
      // The production path: chunks of 64 trees as simulateIid runs them.
      for (let first = 0; first < n; first += 64) simulateChunk(workspace, 1, first / 64, first, Math.min(64, n - first), false);
      return;
    }
    for (let t = 0; t < n; t++) enumerator.run(sampler, cheapRandomness ? replay : createRng(1, t), curve);
  };
  run(Math.ceil(trees / 10));
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 3; rep++) best = Math.min(best, cpuSeconds(() => run(trees)));
  return { seconds: best, trees };
}

/** The bench's rows (runners take a promise; this bench is synchronous). */
export function run(): Promise<BenchResult[]> {
  return promised(measure);
}

/**
 * specbound's production path (simulateChunk, chunks of 64 trees) against the C anchor on the same
 * trees, interleaved rounds; nodes/s of each side per round.
 */
function anchorRounds(law: ChildLaw, P: number, binary: string): { ours: number[]; c: number[] } {
  const table = lawTableText(law);
  const trees = Math.ceil(ANCHOR_NODES / P);
  const workspace = { sampler: law.createSampler(P - 1), enumerator: new BestFirstEnumerator(P), curve: new Float64Array(P) };
  let checksum = 0;
  const simulate = (): void => {
    for (let first = 0; first < trees; first += 64) checksum += simulateChunk(workspace, 1, first / 64, first, Math.min(64, trees - first), false).mean[P - 1]!;
  };
  simulate(); // warm-up (the C side has no JIT to warm)
  const ours: number[] = [];
  const c: number[] = [];
  for (let round = 0; round < ANCHOR_ROUNDS; round++) {
    checksum = 0;
    ours.push((trees * P) / cpuSeconds(simulate));
    const timing = timeCAnchor(binary, table, 1, P, trees);
    // The same trees give the same sum of final means (bit-identical port): else the anchor timed other work.
    if (timing.checksum !== checksum) throw new Error(`C anchor computed ${timing.checksum}, specbound ${checksum}: not the same simulation`);
    c.push(timing.nodesPerSecond);
  }
  return { ours, c };
}

function measure(): BenchResult[] {
  const llama = calibratedLaw({ mu: 0.683, mu2: 2.96, preset: 'llama3.1-8b' });
  const out: BenchResult[] = [];
  const anchor = buildCAnchor();
  try {
    // The anchor rounds of every P first, as production runs (one law, one kind of Rng): the
    // breakdown below also runs replayRng, which makes the enumerator's draw call sites
    // polymorphic for the rest of the process.
    const sizes = [64, 1024, 4096];
    const allRounds = sizes.map((P) => ('binary' in anchor ? anchorRounds(llama, P, anchor.binary) : undefined));
    for (const [k, P] of sizes.entries()) {
      const rounds = allRounds[k];
      const full = timeTrees(llama, P, true);
      const bare = timeTrees(llama, P, false);
      const noSampling = timeTrees(llama, P, false, true);
      const nodes = full.trees * P;
      const share = (s: number): string => `${Math.round((100 * s) / full.seconds)}%`;
      out.push({ name: `trees/s/core, calibrated llama3.1-8b, P-max ${P}`, value: full.trees / full.seconds, unit: 'trees/s/core' });
      const split =
        `CPU time split: curve accumulation ${share(full.seconds - bare.seconds)}, ` +
        `random numbers (createRng per tree, pure-rand next per node) ~${share(Math.max(0, bare.seconds - noSampling.seconds))}, ` +
        `heap + law lookup + node bookkeeping ~${share(noSampling.seconds)}`;
      const name = `nodes/s/core, calibrated llama3.1-8b, P-max ${P}`;
      if ('skipped' in anchor || rounds === undefined) {
        out.push({ name, value: nodes / full.seconds, unit: 'nodes/s/core', target: TARGET_NODES_PER_SECOND, notes: `${split}; C anchor skipped: ${'skipped' in anchor ? anchor.skipped : ''}` });
        continue;
      }
      out.push({
        name,
        value: median(rounds.ours),
        unit: 'nodes/s/core',
        target: TARGET_NODES_PER_SECOND,
        anchor: 'the same enumerator in C (bench/reference/calibrated-enumerator.c, cc -O3 -march=native)',
        anchorValue: median(rounds.c),
        ratio: median(rounds.ours.map((x, i) => x / rounds.c[i]!)),
        ratioTarget: 0.6,
        notes: `${split}; medians of ${ANCHOR_ROUNDS} interleaved rounds of ${Math.ceil(ANCHOR_NODES / P)} trees (seed 1, chunks of 64), CPU time, bit-identical results; C built by ${anchor.compiler}`,
      });
    }
  } finally {
    if ('binary' in anchor) anchor.dispose();
  }
  // Dirichlet(0.1) over V = 100, P-max 1024, one thread: the production path (simulateChunk) against
  // the plain reference implementation (bench/reference/plain-dirichlet.ts) and against the law as
  // it was before issue 18 (bench/reference/dirichlet-before-issue-18.ts, through today's
  // enumerator), interleaved rounds.
  {
    const P = 1024;
    const law = parseLaw('dirichlet:0.1:100');
    const workspace = { sampler: law.createSampler(P - 1), enumerator: new BestFirstEnumerator(P), curve: new Float64Array(P) };
    const before = { sampler: dirichletSamplerBeforeIssue18(0.1, 100, P - 1), enumerator: new BestFirstEnumerator(P), curve: new Float64Array(P) };
    const curve = new Float64Array(P);
    const ours: number[] = [];
    const plain: number[] = [];
    const old: number[] = [];
    const trees = 64;
    simulateChunk(workspace, 1, 0, 0, 16, false);
    simulateChunk(before, 1, 0, 0, 8, false);
    for (let t = 0; t < 4; t++) plainDirichletTree(createRng(2, t), 0.1, 100, P, curve);
    for (let round = 0; round < 5; round++) {
      ours.push(trees / cpuSeconds(() => simulateChunk(workspace, 1, round, round * trees, trees, false)));
      plain.push(trees / 4 / cpuSeconds(() => {
        for (let t = 0; t < trees / 4; t++) plainDirichletTree(createRng(2, round * trees + t), 0.1, 100, P, curve);
      }));
      old.push(trees / 2 / cpuSeconds(() => simulateChunk(before, 1, round, round * trees, trees / 2, false)));
    }
    const sampler = '100 Gamma(0.1) variates per expanded node (Liu-Martin-Syring small-shape sampler with a squeeze: ~44 ns each, one log, ~0.1 of the time two exp, 2.2 uniforms; then one exp and one division each to normalise), children ranked lazily (a scan for the next-largest when the enumerator reaches it; most nodes expose 1-2 of 100)';
    out.push({
      name: 'trees/s/core, dirichlet:0.1:100, P-max 1024',
      value: median(ours),
      unit: 'trees/s/core',
      anchor: 'plain reference (boost Gamma, full sort, object heap)',
      anchorValue: median(plain),
      ratio: median(ours.map((x, i) => x / plain[i]!)),
      ratioTarget: 1,
      notes: sampler,
    });
    out.push({
      name: 'trees/s/core, dirichlet:0.1:100, P-max 1024, vs the law before issue 18',
      value: median(ours),
      unit: 'trees/s/core',
      anchor: 'the Dirichlet sampler before issue 18 (boost Gamma, full sort; today\'s enumerator)',
      anchorValue: median(old),
      ratio: median(ours.map((x, i) => x / old[i]!)),
      ratioTarget: 2,
      notes: 'issue 18 asks 2x the figure before its work (65 trees/s on this machine then); the anchor runs through today\'s faster enumerator, so this ratio slightly understates the gain',
    });
  }
  // The random numbers alone: createRng per tree and one next() per node, as the calibrated law uses.
  const rngSeconds = cpuSeconds(() => {
    let x = 0;
    for (let t = 0; t < NODES / 1024; t++) {
      const rng = createRng(1, t);
      for (let i = 0; i < 1024; i++) x += rng.next();
    }
    if (x < 0) console.log(x);
  });
  out.push({ name: 'Rng.next() (pure-rand xoroshiro128+, uniformFloat64)', value: NODES / rngSeconds, unit: 'draws/s/core', notes: 'one draw per expanded node for table laws' });
  return out;
}
