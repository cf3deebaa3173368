/**
 * A law over a fixed table of child distributions: each node picks entry d with probability
 * weight[d] (uniform when no weights are given). Zipf, the near-deterministic mixture, the
 * calibrated law and empirical banks are all table laws; drawing costs one uniform number
 * (none when the table has one entry) and never copies probabilities.
 */
import type { Rng } from '../core/rng.js';
import type { ChildLaw, ChildSampler, DrafterLaw, LawDescription, LawSpec } from './child-law.js';
import { tableEntryMoments, type ChildTable } from './child-table.js';

export interface TableLawOptions {
  readonly table: ChildTable;
  /** Probability of each entry (normalised here); omitted = every entry equally likely. */
  readonly weights?: ArrayLike<number>;
  readonly description: LawDescription;
  /** μ and μ₂ when known better than the table itself (e.g. from untruncated distributions). */
  readonly moments?: { readonly mu: number; readonly mu2: number };
  /** Ranks simulated exactly (default: all). */
  readonly exactRanks?: number;
}

/** Builds a table law; μ and μ₂ are the weighted averages of the entries' H and Σ p (ln p)². */
export function tableLaw(options: TableLawOptions): ChildLaw {
  const count = options.table.offsets.length;
  let cumulativeWeights: Float64Array | null = null;
  if (options.weights !== undefined) {
    if (options.weights.length !== count) throw new RangeError(`tableLaw: ${options.weights.length} weights for ${count} entries`);
    let total = 0;
    for (let d = 0; d < count; d++) {
      const w = options.weights[d]!;
      if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`tableLaw: weight ${d} is ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('tableLaw: weights sum to 0');
    cumulativeWeights = new Float64Array(count);
    let run = 0;
    for (let d = 0; d < count; d++) {
      run += options.weights[d]! / total;
      cumulativeWeights[d] = run;
    }
    cumulativeWeights[count - 1] = 1;
  }
  let mu = 0;
  let mu2 = 0;
  if (options.moments === undefined) {
    for (let d = 0; d < count; d++) {
      const w = cumulativeWeights === null ? 1 / count : cumulativeWeights[d]! - (d === 0 ? 0 : cumulativeWeights[d - 1]!);
      const m = tableEntryMoments(options.table, d);
      mu += w * m.entropy;
      mu2 += w * m.secondLogMoment;
    }
  } else {
    ({ mu, mu2 } = options.moments);
  }
  return tableLawFromSpec({
    kind: 'table',
    table: options.table,
    cumulativeWeights,
    description: options.description,
    mu,
    mu2,
    exactRanks: options.exactRanks ?? Number.POSITIVE_INFINITY,
  });
}

/** Rebuilds a table law from its spec (also used inside workers). */
export function tableLawFromSpec(spec: Extract<LawSpec, { kind: 'table' }>): ChildLaw {
  const { table, cumulativeWeights } = spec;
  const law: ChildLaw = {
    description: spec.description,
    mu: spec.mu,
    mu2: spec.mu2,
    momentsExact: true,
    exactRanks: spec.exactRanks,
    hasDrafter: false,
    spec,
    createSampler: () => createTableSampler(table, cumulativeWeights),
  };
  if (spec.drafter === undefined) return law;
  const drafterLaw: DrafterLaw = { ...law, hasDrafter: true, muCE: spec.drafter.muCE, pi0: spec.drafter.pi0 };
  return drafterLaw;
}

function createTableSampler(table: ChildTable, cumulativeWeights: Float64Array | null): ChildSampler {
  const count = table.offsets.length;
  let draw: (rng: Rng) => number;
  if (count === 1) {
    draw = () => 0;
  } else if (cumulativeWeights === null) {
    draw = (rng) => rng.int(count);
  } else if (count <= 8) {
    draw = (rng) => {
      const u = rng.next();
      let d = 0;
      while (d < count - 1 && u >= cumulativeWeights[d]!) d++;
      return d;
    };
  } else {
    draw = (rng) => {
      const u = rng.next();
      let lo = 0;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (u < cumulativeWeights[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
  }
  return {
    rankProbs: table.probs,
    valueProbs: table.values ?? table.probs,
    offsets: table.offsets,
    lengths: table.lengths,
    tailCounts: table.tailCounts,
    tailRankProbs: table.tailProbs,
    tailValueProbs: table.tailProbs,
    draw,
    reset() {},
  };
}
