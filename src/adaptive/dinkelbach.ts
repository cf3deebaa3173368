/**
 * The adaptive-budget speed-of-light. A policy picks a budget P_t for each speculative step; the
 * long-run throughput of such a process is a renewal-reward ratio (tokens per step over time per
 * step),
 *
 *   R(policy) = E[X_t(P_t)] / E[T(P_t)] = Σ_t f_t(P_t) / Σ_t T(P_t),
 *
 * with f_t(P) = E[X*_t](P) the oracle's expected tokens at position t (Lemma 1: the sum of the P
 * largest path probabilities of the verifier's own tree there) and T(P) the cost of a step
 * (`latency-curve.ts`). The expectation is over the measured positions, i.e. steps are assumed to
 * start at positions distributed like the measured ones (the paper's i.i.d.-step view).
 *
 * The best policy that knows the verifier's distributions maximises R. Dinkelbach (1967, "On
 * nonlinear fractional programming", Management Science 13(7)): R* is the root of
 *   F(λ) = max_policy Σ_t [f_t(P_t) − λ·T(P_t)],
 * and for a fixed λ the maximum separates by position: P_t = argmax_P f_t(P) − λ·T(P). Iterating
 * λ ← R(argmax policy at λ) from λ = 0 increases λ monotonically and stops at R* after finitely many
 * steps (the policy set is finite). Only the upper concave hull of the points (T(P), f_t(P)) can be
 * an argmax, so each position keeps its hull (a few vertices) and a λ costs a binary search.
 *
 * Every sum takes optional per-sequence weights (how often a sequence is drawn in a bootstrap
 * resample), so intervals resample whole sequences like μ's (`stats/bootstrap.ts`).
 */

/** Sums of one policy over the positions (weighted). */
export interface PolicySums {
  /** Σ w·f_t(P_t): tokens. */
  readonly tokens: number;
  /** Σ w·T(P_t): time. */
  readonly time: number;
  /** Σ w·P_t: verified nodes. */
  readonly budget: number;
  /** Σ w: positions. */
  readonly positions: number;
}

/** Throughput, mean budget and mean tokens per step of a policy's sums. */
export interface PolicyPoint {
  /** Tokens per unit of T (per T(1) for relative curves: the speedup over plain decoding). */
  readonly throughput: number;
  /** E[P_t]. */
  readonly meanBudget: number;
  /** E[X_t]: tokens per step. */
  readonly meanTokens: number;
}

export function pointOf(s: PolicySums): PolicyPoint {
  return { throughput: s.tokens / s.time, meanBudget: s.budget / s.positions, meanTokens: s.tokens / s.positions };
}

export interface DinkelbachResult {
  /** R*: the best adaptive policy's throughput. */
  readonly lambda: number;
  /** The sums of that policy. */
  readonly policy: PolicySums;
  /** λ updates until R stopped increasing. */
  readonly iterations: number;
}

export interface FixedBest {
  readonly P: number;
  readonly throughput: number;
  readonly meanTokens: number;
}

/** Value of a per-position curve at budget P (a shorter curve: the support ran out, E[X](P) = its last value). */
export function curveAt(curve: ArrayLike<number>, P: number): number {
  return curve[Math.min(P, curve.length) - 1]!;
}

/**
 * The per-position curves of a run, ready for the adaptive optimum. `curves[i]` is position i's
 * f_i(P) for P = 1..length (length ≥ 1), `sequenceOf[i]` its sequence (0..sequences − 1), and
 * `costs[P − 1]` = T(P) > 0 for P = 1..P-max.
 */
export class AdaptiveProblem {
  readonly PMax: number;
  readonly positions: number;
  readonly sequences: number;
  private readonly costs: Float64Array;
  private readonly sequenceOf: Int32Array;
  private readonly hullStart: Int32Array;
  private readonly hullP: Int32Array;
  private readonly hullTokens: Float64Array;
  private readonly hullTime: Float64Array;
  /** Slope into vertex j from vertex j − 1 (+∞ for the first vertex of a hull). */
  private readonly hullSlope: Float64Array;
  /** Per sequence and budget: Σ_t∈s f_t(P), at s·PMax + P − 1. */
  private readonly sequenceSums: Float64Array;
  private readonly sequenceCounts: Float64Array;

  constructor(curves: readonly ArrayLike<number>[], sequenceOf: readonly number[], costs: Float64Array) {
    if (curves.length !== sequenceOf.length) throw new RangeError(`AdaptiveProblem: ${curves.length} curves but ${sequenceOf.length} sequence indices`);
    if (costs.length < 1) throw new RangeError('AdaptiveProblem: the latency curve is empty');
    for (let P = 1; P <= costs.length; P++) if (!(costs[P - 1]! > 0) || !Number.isFinite(costs[P - 1]!)) throw new RangeError(`AdaptiveProblem: T(${P}) = ${costs[P - 1]} is not a positive time`);
    const PMax = costs.length;
    this.PMax = PMax;
    this.costs = costs;
    this.positions = curves.length;
    this.sequenceOf = Int32Array.from(sequenceOf);
    let sequences = 0;
    for (const s of sequenceOf) {
      if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`AdaptiveProblem: sequence index ${s} must be an integer >= 0`);
      sequences = Math.max(sequences, s + 1);
    }
    this.sequences = sequences;
    this.sequenceSums = new Float64Array(sequences * PMax);
    this.sequenceCounts = new Float64Array(sequences);

    const start: number[] = [];
    const hp: number[] = [];
    const hx: number[] = [];
    const ht: number[] = [];
    const hs: number[] = [];
    // Budgets grouped by equal cost, groups by increasing cost.
    const order = Array.from({ length: PMax }, (_, i) => i + 1).sort((a, b) => costs[a - 1]! - costs[b - 1]! || a - b);
    const groups: number[][] = [];
    for (const P of order) {
      const last = groups[groups.length - 1];
      if (last !== undefined && costs[last[0]! - 1] === costs[P - 1]) last.push(P);
      else groups.push([P]);
    }
    const f = new Float64Array(PMax);
    curves.forEach((curve, i) => {
      if (curve.length < 1) throw new RangeError(`AdaptiveProblem: position ${i} has an empty curve`);
      const s = this.sequenceOf[i]!;
      this.sequenceCounts[s]! += 1;
      for (let P = 1; P <= PMax; P++) {
        const v = curveAt(curve, P);
        if (!Number.isFinite(v)) throw new RangeError(`AdaptiveProblem: position ${i} has E[X](${P}) = ${v}`);
        f[P - 1] = v;
        this.sequenceSums[s * PMax + P - 1]! += v;
      }
      start.push(hp.length);
      const base = hp.length;
      // By increasing cost (within a cost, the most tokens, then the smaller P); a point is kept only
      // when it beats every cheaper point's tokens, so kept points rise strictly in both T and f.
      let bestF = -Infinity;
      for (const group of groups) {
        let P = group[0]!;
        for (const Q of group) if (f[Q - 1]! > f[P - 1]!) P = Q;
        const v = f[P - 1]!;
        if (!(v > bestF)) continue;
        bestF = v;
        const t = costs[P - 1]!;
        // Upper concave hull: drop the last vertex while it lies on or under the chord to the new point.
        while (hp.length - base >= 2) {
          const j = hp.length - 1;
          const sPrev = (hx[j]! - hx[j - 1]!) / (ht[j]! - ht[j - 1]!);
          const sNew = (v - hx[j]!) / (t - ht[j]!);
          if (sPrev > sNew) break;
          hp.pop();
          hx.pop();
          ht.pop();
          hs.pop();
        }
        hs.push(hp.length === base ? Infinity : (v - hx[hx.length - 1]!) / (t - ht[ht.length - 1]!));
        hp.push(P);
        hx.push(v);
        ht.push(t);
      }
    });
    start.push(hp.length);
    this.hullStart = Int32Array.from(start);
    this.hullP = Int32Array.from(hp);
    this.hullTokens = Float64Array.from(hx);
    this.hullTime = Float64Array.from(ht);
    this.hullSlope = Float64Array.from(hs);
  }

  /** T(P). */
  cost(P: number): number {
    return this.costs[P - 1]!;
  }

  /** Index (into the hull arrays) of position i's choice at λ: the last vertex whose incoming slope exceeds λ (ties: the cheaper). */
  private vertexAt(i: number, lambda: number): number {
    let lo = this.hullStart[i]!;
    let hi = this.hullStart[i + 1]! - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.hullSlope[mid]! > lambda) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Position i's budget at λ: argmax_P f_i(P) − λ·T(P) (ties: smaller T). */
  choose(i: number, lambda: number): number {
    return this.hullP[this.vertexAt(i, lambda)]!;
  }

  /** The sums of the policy argmax_P f_t(P) − λ·T(P), with optional per-sequence weights. */
  policyAt(lambda: number, weights?: Float64Array): PolicySums {
    let tokens = 0;
    let time = 0;
    let budget = 0;
    let positions = 0;
    for (let i = 0; i < this.positions; i++) {
      const w = weights === undefined ? 1 : weights[this.sequenceOf[i]!]!;
      if (w === 0) continue;
      const v = this.vertexAt(i, lambda);
      tokens += w * this.hullTokens[v]!;
      time += w * this.hullTime[v]!;
      budget += w * this.hullP[v]!;
      positions += w;
    }
    return { tokens, time, budget, positions };
  }

  /** Dinkelbach's iteration from λ = 0: the best adaptive throughput R* and its policy. */
  dinkelbach(weights?: Float64Array, maxIterations = 200): DinkelbachResult {
    let lambda = 0;
    let policy = this.policyAt(lambda, weights);
    if (policy.positions === 0) return { lambda: Number.NaN, policy, iterations: 0 };
    for (let k = 1; k <= maxIterations; k++) {
      const next = policy.tokens / policy.time;
      if (!(next > lambda * (1 + 1e-14))) return { lambda: Math.max(lambda, next), policy, iterations: k };
      lambda = next;
      const candidate = this.policyAt(lambda, weights);
      // F(λ) = tokens − λ·time ≥ 0 always (the previous policy reaches 0); equality: optimal.
      if (!(candidate.tokens - lambda * candidate.time > 1e-12 * lambda * candidate.time)) return { lambda, policy, iterations: k };
      policy = candidate;
    }
    return { lambda: policy.tokens / policy.time, policy, iterations: maxIterations };
  }

  /** Σ w·f_t(P) over positions, for P = 1..P-max (index P − 1), and Σ w. */
  fixedSums(weights?: Float64Array): { tokens: Float64Array; positions: number } {
    const tokens = new Float64Array(this.PMax);
    let positions = 0;
    for (let s = 0; s < this.sequences; s++) {
      const w = weights === undefined ? 1 : weights[s]!;
      if (w === 0) continue;
      positions += w * this.sequenceCounts[s]!;
      const off = s * this.PMax;
      for (let j = 0; j < this.PMax; j++) tokens[j]! += w * this.sequenceSums[off + j]!;
    }
    return { tokens, positions };
  }

  /** The fixed budget of largest throughput f̄(P)/T(P) (ties: smaller P). */
  bestFixed(weights?: Float64Array): FixedBest {
    const { tokens, positions } = this.fixedSums(weights);
    let best: FixedBest = { P: 1, throughput: Number.NaN, meanTokens: Number.NaN };
    for (let P = 1; P <= this.PMax; P++) {
      const throughput = tokens[P - 1]! / (positions * this.costs[P - 1]!);
      if (!(throughput <= best.throughput)) best = { P, throughput, meanTokens: tokens[P - 1]! / positions };
    }
    return best;
  }

  /** Lagrangian value max_P Σ_t f_t(P) − λ·n·T(P) of the best fixed budget at λ (to compare with `policyAt`). */
  bestFixedLagrangian(lambda: number, weights?: Float64Array): number {
    const { tokens, positions } = this.fixedSums(weights);
    let best = -Infinity;
    for (let P = 1; P <= this.PMax; P++) best = Math.max(best, tokens[P - 1]! - lambda * positions * this.costs[P - 1]!);
    return best;
  }
}
