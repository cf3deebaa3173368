/**
 * An empirical bank of (verifier p, drafter q) pairs recorded at the same prefixes (a trace with
 * `draft` distributions). Each node draws one pair uniformly; its children are the tokens the
 * drafter proposes (q > 0; for a top-k drafter, the listed tokens), ordered by decreasing q (ties:
 * smaller id), each scored with the verifier's p. The simulator then builds the q-greedy tree
 * (Lemma 1 on q) and sums p along it: the true E[X] of this drafter under the i.i.d. model, to
 * compare with the oracle and with Lemma 7's min(1/π₀, ln P/μ_CE).
 *
 * p of a token a top-k verifier did not list is its tail mass spread uniformly over the unlisted
 * tokens. μ_CE = mean of −Σ_{q>0} p ln q / Σ_{q>0} p and π₀ = mean of Σ_{q=0} p are exact over the bank.
 */
import { InvalidValueError } from '../core/errors.js';
import { vocabSizeOf, type DistributionPair, type TokenDistribution } from '../distribution/distribution.js';
import type { DrafterLaw } from './child-law.js';
import type { ChildTable } from './child-table.js';
import { rankedProbabilities } from './empirical-law.js';
import { tableLawFromSpec } from './table-law.js';

export type { DistributionPair };

export interface EmpiricalDrafterOptions {
  /** Drafter candidates kept per pair, by decreasing q (default 4096: exact for trees up to 4097 nodes). */
  readonly keepTop?: number;
  readonly source?: string;
}

/**
 * The (p, q) bank.
 * @example empiricalDrafterLaw([{verifier: dense(0.75, 0.25), drafter: dense(0.25, 0.75)}]) // q-greedy drafts token 1 first
 */
export function empiricalDrafterLaw(pairs: readonly DistributionPair[], options: EmpiricalDrafterOptions = {}): DrafterLaw {
  const source = options.source ?? 'drafter bank';
  const keepTop = options.keepTop ?? 4096;
  if (pairs.length === 0) throw new InvalidValueError('drafter bank', '(empty)', 'needs at least one (verifier, drafter) pair', source);
  const rank: number[][] = [];
  const value: number[][] = [];
  let mu = 0;
  let mu2 = 0;
  let muCE = 0;
  let pi0 = 0;
  pairs.forEach((pair, i) => {
    const where = `${source} #${i + 1}`;
    const V = vocabSizeOf(pair.verifier);
    if (vocabSizeOf(pair.drafter) !== V) throw new InvalidValueError('drafter vocabulary', vocabSizeOf(pair.drafter), `differs from the verifier's ${V}`, where);
    const moments = rankedProbabilities(pair.verifier, where);
    mu += moments.entropy / pairs.length;
    mu2 += moments.secondLogMoment / pairs.length;
    const p = verifierProbabilityOf(pair.verifier);
    const proposals = drafterProposals(pair.drafter);
    if (proposals.length === 0) throw new InvalidValueError('drafter distribution', '(empty)', 'proposes no token', where);
    proposals.sort((a, b) => b.q - a.q || a.id - b.id);
    let covered = 0;
    let crossEntropy = 0;
    for (const { id, q } of proposals) {
      const pi = p(id);
      covered += pi;
      crossEntropy -= pi * Math.log(q);
    }
    muCE += (covered > 0 ? crossEntropy / covered : 0) / pairs.length;
    pi0 += missingMassOf(pair.drafter, p, V, covered) / pairs.length;
    const kept = proposals.slice(0, keepTop);
    rank.push(kept.map((c) => c.q));
    value.push(kept.map((c) => p(c.id)));
  });
  const total = rank.reduce((n, r) => n + r.length, 0);
  const probs = new Float64Array(total);
  const values = new Float64Array(total);
  const offsets = new Int32Array(pairs.length);
  const lengths = new Int32Array(pairs.length);
  let at = 0;
  rank.forEach((r, d) => {
    offsets[d] = at;
    lengths[d] = r.length;
    probs.set(r, at);
    values.set(value[d]!, at);
    at += r.length;
  });
  const table: ChildTable = { probs, offsets, lengths, tailCounts: new Float64Array(pairs.length), tailProbs: new Float64Array(pairs.length), values };
  return tableLawFromSpec({
    kind: 'table',
    table,
    cumulativeWeights: null,
    description: { kind: 'empirical-drafter', source, pairs: pairs.length },
    mu,
    mu2,
    exactRanks: keepTop,
    drafter: { muCE, pi0 },
  }) as DrafterLaw;
}

/**
 * Σ p over the tokens the drafter never proposes. For a dense q that is a sum over the ids with
 * q = 0 (exactly 0 when q covers the vocabulary; 1 − Σ covered would leave 2.2e-16 of rounding);
 * for a top-k q, 1 − the covered mass.
 */
function missingMassOf(drafter: TokenDistribution, p: (id: number) => number, V: number, covered: number): number {
  if (drafter.kind !== 'dense') return Math.max(0, 1 - covered);
  let missing = 0;
  for (let id = 0; id < V; id++) if (!(drafter.logProbs[id]! > Number.NEGATIVE_INFINITY)) missing += p(id);
  return missing;
}

/** p(id) of a recorded verifier distribution, normalised; unlisted top-k tokens share the tail uniformly. */
function verifierProbabilityOf(dist: TokenDistribution): (id: number) => number {
  if (dist.kind === 'dense') {
    let total = 0;
    for (const lp of dist.logProbs) total += Math.exp(lp);
    return (id) => Math.exp(dist.logProbs[id]!) / total;
  }
  const listed = new Map<number, number>();
  let total = dist.tailMass;
  dist.ids.forEach((id, k) => {
    const p = Math.exp(dist.logProbs[k]!);
    listed.set(id, p);
    total += p;
  });
  const unlisted = dist.vocabSize - dist.ids.length;
  const tailEach = unlisted > 0 ? dist.tailMass / unlisted : 0;
  return (id) => (listed.get(id) ?? tailEach) / total;
}

/** The tokens a drafter can propose (q > 0; for top-k, the listed ones) with their q. */
function drafterProposals(dist: TokenDistribution): { id: number; q: number }[] {
  const out: { id: number; q: number }[] = [];
  if (dist.kind === 'dense') {
    dist.logProbs.forEach((lp, id) => {
      if (lp > Number.NEGATIVE_INFINITY) out.push({ id, q: Math.exp(lp) });
    });
  } else {
    dist.ids.forEach((id, k) => {
      const q = Math.exp(dist.logProbs[k]!);
      if (q > 0) out.push({ id, q });
    });
  }
  return out;
}
