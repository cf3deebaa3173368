/**
 * THE list of drafting strategies. Everything that names a strategy reads it from here: `tree
 * --strategy` (names, help, what to measure first), `measure` (which strategies a run measures and
 * how static trees are planned), `plan` (which measured curve stands for a deployable drafter) and
 * the figures of the report and the web page (one colour per strategy name, the same in every
 * figure).
 *
 * Adding a strategy: write its `DraftingStrategy` in a file of this folder and add one entry to
 * `STRATEGIES` below. Nothing else needs to change.
 */
import { InvalidValueError } from '../../core/errors.js';
import { DEFAULT_OPTIMAL_TREE_BATCH } from '../optimal-tree.js';
import { medusaTree } from '../static/medusa.js';
import { SEQUOIA_DEFAULT_MAX_DEPTH, sequoiaTree } from '../static/sequoia.js';
import type { DraftTree } from '../draft-tree.js';
import type { DraftingStrategy } from '../strategy.js';
import { confidenceStrategy, costAwareStrategy, entropyGateStrategy } from './adaptive.js';
import { chainStrategy } from './chain.js';
import { EAGLE_DEFAULT_DEPTH, EAGLE_DEFAULT_TOP_K, eagleStrategy } from './eagle.js';
import { oracleStrategy, qGreedyStrategy, type Lemma1StrategyOptions } from './lemma1.js';
import { MEDUSA_HEADS, medusaStrategy, sequoiaStrategy } from './static.js';

/** Every option any strategy takes; each strategy reads the ones it documents in `defaults`. */
export interface StrategyOptions extends Lemma1StrategyOptions {
  /** EAGLE: expansion steps after the first layer. */
  readonly depth?: number;
  /** EAGLE: children per expanded node and expanded nodes per layer. */
  readonly topK?: number;
  /** Positional acceptance a_k (static strategies). */
  readonly acceptance?: readonly number[];
  /** Depth cap of static trees (sequoia, medusa). */
  readonly staticMaxDepth?: number;
  /** Sequoia's number of root children. */
  readonly rootChildren?: number;
  /** Adaptive strategies: Q(v) threshold (confidence), entropy in nats (entropy-gate), λ (cost-aware). */
  readonly threshold?: number;
  /** cost-aware: T(P) at P = 1, 2, … (`adaptive/latency-curve.ts`). */
  readonly costs?: ArrayLike<number>;
}

/**
 * What a strategy needs besides the budget P:
 * - `drafter`: the drafter's session (q) at the position;
 * - `verifier`: the verifier's session (p), i.e. it is not a realisable drafter but a ceiling;
 * - `acceptance`: the drafter's positional acceptance a_k, measured beforehand (static trees);
 * - `latency`: a latency curve T(P) (`costs`), to weigh tokens against time (cost-aware).
 */
export type StrategyNeed = 'drafter' | 'verifier' | 'acceptance' | 'latency';

interface StrategyEntryBase {
  /** Name on the command line, in unit records, report curves and figure legends. */
  readonly name: string;
  /** One line for `tree --help` and tables. */
  readonly summary: string;
  readonly needs: readonly StrategyNeed[];
  /** `fixed`: exactly P nodes whenever the models' supports allow; `adaptive`: chooses its own budget per step, at most P. */
  readonly budget: 'fixed' | 'adaptive';
  /** The defaults the constructor applies when an option is not given (documented values). */
  readonly defaults: Readonly<Record<string, number | string>>;
  /** Figure colour (CSS hex), the same for this name in every figure of the report and the page. */
  readonly color: string;
  /** Whether `measure` measures this strategy when the run has a drafter. */
  readonly measured: boolean;
  /** The strategy with `options` (defaults filled in); `source` names the flag in errors. */
  create(options: StrategyOptions, source: string): DraftingStrategy;
}

/** A dynamic strategy drafts a new tree at every position from the models' distributions there. */
export interface DynamicStrategyEntry extends StrategyEntryBase {
  readonly kind: 'dynamic';
}

/** A static strategy chooses one rank tree per budget offline (from a_k) and fills it at every position. */
export interface StaticStrategyEntry extends StrategyEntryBase {
  readonly kind: 'static';
  /** The rank tree (token = rank) used for budget P under positional acceptance a_k, with the defaults. */
  rankTree(acceptance: readonly number[], P: number, options?: StrategyOptions): DraftTree;
}

export type StrategyEntry = DynamicStrategyEntry | StaticStrategyEntry;

/** Thresholds of the adaptive strategies when none is given: Q(v) >= 0.1, H(q) <= 1 nat, λ = 1 token per T(1) (plain decoding's rate). */
export const ADAPTIVE_DEFAULT_THRESHOLDS = { confidence: 0.1, 'entropy-gate': 1, 'cost-aware': 1 } as const;

const lemma1 = (o: StrategyOptions): Lemma1StrategyOptions => (o.batchSize === undefined ? {} : { batchSize: o.batchSize });
const staticDepth = (o: StrategyOptions) => (o.staticMaxDepth === undefined ? {} : { maxDepth: o.staticMaxDepth });
function acceptanceOf(name: string, o: StrategyOptions, source: string): readonly number[] {
  if (o.acceptance === undefined) throw new InvalidValueError('strategy', name, 'needs a positional acceptance vector a_0,a_1,...', source);
  return o.acceptance;
}

/**
 * The strategies, in display order (oracle first: it is the ceiling the others are compared to).
 * Colours: Observable 10 (Tableau 10) without the blue/orange/green of the theory curves; the
 * oracle keeps the black of `SERIES_STYLES.oracle` in report/figures.ts.
 */
export const STRATEGIES = [
  {
    name: 'oracle',
    kind: 'dynamic',
    budget: 'fixed',
    summary: 'the P nodes of largest verifier path probability (Lemma 1 on p)',
    needs: ['verifier'],
    defaults: { batchSize: DEFAULT_OPTIMAL_TREE_BATCH },
    color: '#111111',
    // measure records the oracle itself (E[X*](P), the ceiling), not as a drafter curve.
    measured: false,
    create: (o) => oracleStrategy(lemma1(o)),
  },
  {
    name: 'q-greedy',
    kind: 'dynamic',
    budget: 'fixed',
    summary: 'the P nodes of largest drafter path probability (Lemma 1 on q)',
    needs: ['drafter'],
    defaults: { batchSize: DEFAULT_OPTIMAL_TREE_BATCH },
    color: '#e15759',
    measured: true,
    create: (o) => qGreedyStrategy(lemma1(o)),
  },
  {
    name: 'chain',
    kind: 'dynamic',
    budget: 'fixed',
    summary: "the drafter's greedy chain of P - 1 tokens (vLLM num_speculative_tokens = P - 1)",
    needs: ['drafter'],
    defaults: {},
    color: '#af7aa1',
    measured: true,
    create: () => chainStrategy(),
  },
  {
    name: 'eagle',
    kind: 'dynamic',
    budget: 'fixed',
    summary: 'EAGLE-2 dynamic tree: top_k tokens per expanded node, the P - 1 best by drafter path probability',
    needs: ['drafter'],
    defaults: { depth: `${EAGLE_DEFAULT_DEPTH}, raised until P - 1 tokens fit`, topK: EAGLE_DEFAULT_TOP_K },
    color: '#9c755f',
    measured: true,
    create: (o) => eagleStrategy({ ...(o.depth === undefined ? {} : { depth: o.depth }), ...(o.topK === undefined ? {} : { topK: o.topK }) }),
  },
  {
    name: 'sequoia',
    kind: 'static',
    budget: 'fixed',
    summary: "Sequoia's dynamic program: the best static tree under positional acceptance a_k",
    needs: ['drafter', 'acceptance'],
    defaults: { staticMaxDepth: `min(P - 1, ${SEQUOIA_DEFAULT_MAX_DEPTH})`, rootChildren: 'free' },
    color: '#edc948',
    measured: true,
    create: (o, source) =>
      sequoiaStrategy({ acceptance: acceptanceOf('sequoia', o, source), ...staticDepth(o), ...(o.rootChildren === undefined ? {} : { rootChildren: o.rootChildren }) }),
    rankTree: (acceptance, P, o = {}) => sequoiaTree(acceptance, P, { ...staticDepth(o), ...(o.rootChildren === undefined ? {} : { rootChildren: o.rootChildren }) }).tree,
  },
  {
    name: 'medusa',
    kind: 'static',
    budget: 'fixed',
    summary: `Medusa's greedy static tree under positional acceptance a_k (depth <= ${MEDUSA_HEADS} heads by default)`,
    needs: ['drafter', 'acceptance'],
    defaults: { staticMaxDepth: MEDUSA_HEADS },
    color: '#76b7b2',
    measured: true,
    create: (o, source) => medusaStrategy({ acceptance: acceptanceOf('medusa', o, source), ...staticDepth(o) }),
    rankTree: (acceptance, P, o = {}) => medusaTree(acceptance, P, { maxDepth: o.staticMaxDepth ?? MEDUSA_HEADS }),
  },
  {
    name: 'confidence',
    kind: 'dynamic',
    budget: 'adaptive',
    summary: "q-greedy nodes while the drafter's path probability Q(v) >= --threshold (SpecDec++ stopping rule); P is the cap",
    needs: ['drafter'],
    defaults: { threshold: ADAPTIVE_DEFAULT_THRESHOLDS.confidence, batchSize: DEFAULT_OPTIMAL_TREE_BATCH },
    color: '#ff9da7',
    measured: false,
    create: (o) => confidenceStrategy({ threshold: o.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS.confidence, ...lemma1(o) }),
  },
  {
    name: 'entropy-gate',
    kind: 'dynamic',
    budget: 'adaptive',
    summary: "the drafter's greedy chain, stopped before a node whose entropy H(q) > --threshold nats (AdaEDL); P is the cap",
    needs: ['drafter'],
    defaults: { threshold: ADAPTIVE_DEFAULT_THRESHOLDS['entropy-gate'] },
    color: '#59a14f',
    measured: false,
    create: (o) => entropyGateStrategy({ threshold: o.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS['entropy-gate'] }),
  },
  {
    name: 'cost-aware',
    kind: 'dynamic',
    budget: 'adaptive',
    summary: 'the P maximising sum Q(v) - lambda T(P) over q-greedy nodes (lambda = --threshold, T from --latency); P is the cap',
    needs: ['drafter', 'latency'],
    defaults: { threshold: ADAPTIVE_DEFAULT_THRESHOLDS['cost-aware'], batchSize: DEFAULT_OPTIMAL_TREE_BATCH },
    color: '#b6992d',
    measured: false,
    create: (o, source) => {
      if (o.costs === undefined) throw new InvalidValueError('strategy', 'cost-aware', 'needs a latency curve T(P)', source);
      return costAwareStrategy({ lambda: o.threshold ?? ADAPTIVE_DEFAULT_THRESHOLDS['cost-aware'], costs: o.costs, ...lemma1(o) });
    },
  },
] as const satisfies readonly StrategyEntry[];

export type StrategyName = (typeof STRATEGIES)[number]['name'];
export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGIES.map((s) => s.name);
/** Strategies that fill the budget: exactly P nodes whenever the models' supports allow. */
export const FIXED_BUDGET_STRATEGY_NAMES: readonly StrategyName[] = STRATEGIES.filter((s) => s.budget === 'fixed').map((s) => s.name);
/** Strategies that choose their own budget per step, at most P (`adaptive.ts`). */
export const ADAPTIVE_STRATEGY_NAMES: readonly StrategyName[] = STRATEGIES.filter((s) => s.budget === 'adaptive').map((s) => s.name);

/** The entry called `name`, or undefined. */
export function findStrategy(name: string): StrategyEntry | undefined {
  return (STRATEGIES as readonly StrategyEntry[]).find((s) => s.name === name);
}

/** The entry called `name`; throws InvalidValueError naming `source` for an unknown name. */
export function strategyEntry(name: string, source = '--strategy'): StrategyEntry {
  const entry = findStrategy(name);
  if (entry === undefined) throw new InvalidValueError('strategy', name, `expected one of ${STRATEGY_NAMES.join(', ')}`, source);
  return entry;
}

/** The strategy called `name`; throws InvalidValueError naming `source` for an unknown name or missing acceptance vector. */
export function createStrategy(name: string, options: StrategyOptions = {}, source = '--strategy'): DraftingStrategy {
  return strategyEntry(name, source).create(options, source);
}

/** Whether the strategy needs `need` (e.g. `acceptance`: a measured a_k before it can draft). */
export function strategyNeeds(name: string, need: StrategyNeed): boolean {
  return findStrategy(name)?.needs.includes(need) ?? false;
}

/** The dynamic strategies `measure` measures with a drafter (in registry order). */
export function measuredDynamicStrategies(options: StrategyOptions = {}): DraftingStrategy[] {
  return (STRATEGIES as readonly StrategyEntry[]).filter((s) => s.kind === 'dynamic' && s.measured).map((s) => s.create(options, 'measure'));
}

/** The static strategies `measure` measures in its second pass (in registry order). */
export function measuredStaticStrategies(): StaticStrategyEntry[] {
  return (STRATEGIES as readonly StrategyEntry[]).filter((s): s is StaticStrategyEntry => s.kind === 'static' && s.measured);
}

/** Colour of names no entry has (curves of old runs): stable per name, away from the entries' colours. */
const UNKNOWN_COLORS = ['#bab0ab', '#d37295', '#499894', '#8cd17d', '#a0cbe8'];

/** The figure colour of a strategy name: the entry's, else a colour fixed by the name. */
export function strategyColor(name: string): string {
  const entry = findStrategy(name);
  if (entry !== undefined) return entry.color;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return UNKNOWN_COLORS[h % UNKNOWN_COLORS.length]!;
}
