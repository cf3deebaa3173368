/**
 * One unit of work of a measurement: one sampled continuation of one prompt.
 *
 * 1. Sample the verifier's continuation at temperature T (seeded from (seed, unit index)),
 *    following it in a tree session, and record at every position the verifier's p (and the
 *    drafter's q at the same prefix): `positionStatistics(p, q)` of `stats/` (entropy, second
 *    log-moment, cross-entropy terms), positional acceptance, and the distributions themselves
 *    for the run's trace (the i.i.d. bank and the sweep read them from there).
 * 2. At every `treeEvery`-th position t: the real oracle (Lemma 1 on the verifier's true
 *    conditionals after prompt + x_<t) to P-max, giving E[X*](P) = Σ of the first P node
 *    probabilities, and the path of the sampled continuation x_t, x_t+1, … through that tree
 *    (the ancestral-sample estimate, docs/conventions.md); and each dynamic drafting strategy's tree built
 *    from q, evaluated exactly under the verifier (Σ P(v) with the verifier's conditionals).
 *
 * Everything random derives from (seed, unit), so a unit gives the same record whenever it runs.
 */
import { InvalidValueError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { TokenDistribution } from '../distribution/distribution.js';
import { entropy } from '../distribution/moments.js';
import { sampleToken } from '../distribution/sample-token.js';
import type { ChatMessage } from '../models/chat-template.js';
import { encodeText, type DistributionCallOptions, type LanguageModel, type TreeSession } from '../models/model.js';
import { openTreeSession } from '../models/tree-session.js';
import type { TracePositionInput } from '../trace/trace-writer.js';
import { positionStatistics } from '../stats/position-statistics.js';
import type { DraftTree } from '../tree/draft-tree.js';
import { buildOptimalTree } from '../tree/optimal-tree.js';
import { positionalAcceptance } from '../tree/static/positional-acceptance.js';
import type { DraftingStrategy } from '../tree/strategy.js';
import { pathProbabilities, verifierDistributions } from '../tree/verification.js';
import type { MeasureConfig } from './config.js';
import type { Prompt } from './prompts/prompt.js';
import { RECORD_VERSION, type TreePositionRecord, type UnitRecord } from './records.js';
import { keptDistribution } from './recorded-distribution.js';
import { cachingSession, subSession, temperatureSession } from '../tree/session-views.js';

/** Ranks of the drafter's proposal whose acceptance is recorded (Sequoia/Medusa need a few). */
export const ACCEPTANCE_RANKS = 16;

/** A measured unit: its record (without `traceEnd`, known once its positions are in the trace) and its trace positions. */
export interface MeasuredUnit {
  readonly record: Omit<UnitRecord, 'traceEnd'>;
  /** Every position with the kept p (and q), for the run's trace (`run-trace.ts`). */
  readonly trace: TracePositionInput[];
}

export interface UnitContext {
  readonly config: MeasureConfig;
  readonly verifier: LanguageModel;
  readonly drafter?: LanguageModel | undefined;
  /** Dynamic drafting strategies built from the drafter's q at each tree position (nested in P). */
  readonly strategies: readonly DraftingStrategy[];
  readonly prompts: readonly Prompt[];
  /** Largest number of tokens (prompt + generated + tree depth) the models accept, when known. */
  readonly contextLength?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Distributions per model call when building the oracle tree (see `buildOptimalTree`). */
  readonly oracleBatchSize?: number;
}

/** Prompt and sample of unit `unit` (units run prompt-major: unit = prompt · samples + sample). */
export function unitPrompt(unit: number, samples: number): { prompt: number; sample: number } {
  return { prompt: Math.floor(unit / samples), sample: unit % samples };
}

/**
 * Token ids of a prompt, keeping BOS and the last tokens when longer than `maxTokens`. A prompt
 * rendered through a chat template is tokenized with special-token text parsed (chat-template.ts).
 */
export async function promptTokens(model: LanguageModel, prompt: Pick<Prompt, 'text' | 'templated' | 'messages'>, maxTokens: number): Promise<number[]> {
  const ids = prompt.messages === undefined ? await encodeText(model.tokenizer, prompt.text, prompt.templated === true ? { special: true } : {}) : await encodeChat(model, prompt.messages);
  if (ids.length <= maxTokens) return ids;
  const bos = model.tokenizer.bos;
  if (bos !== undefined && ids[0] === bos) return [bos, ...ids.slice(ids.length - (maxTokens - 1))];
  return ids.slice(ids.length - maxTokens);
}

/** A conversation tokenized by the model's server through its own chat template (`--chat-template server`). */
async function encodeChat(model: LanguageModel, messages: readonly ChatMessage[]): Promise<number[]> {
  if (model.tokenizer.encodeChatAsync === undefined) {
    throw new InvalidValueError('--chat-template', 'server', `${model.name} does not tokenize chat messages on a server; give auto, off or a template FILE`);
  }
  return model.tokenizer.encodeChatAsync(messages);
}

export async function measureUnit(ctx: UnitContext, unit: number): Promise<MeasuredUnit> {
  const { config, verifier, drafter } = ctx;
  const { prompt: promptIndex, sample } = unitPrompt(unit, config.samples);
  const prompt = ctx.prompts[promptIndex];
  if (prompt === undefined) throw new RangeError(`unit ${unit}: no prompt ${promptIndex}`);
  const callOptions = ctx.signal === undefined ? {} : { signal: ctx.signal };
  const prefix = await promptTokens(verifier, prompt, config.maxPromptTokens);
  const rng = createRng(config.seed, unit);
  const T = config.temperature;
  const eos = verifier.tokenizer.eos;
  const maxNew = ctx.contextLength === undefined ? config.maxNewTokens : Math.max(1, Math.min(config.maxNewTokens, ctx.contextLength - prefix.length - 1));

  // Trees at one position overlap heavily (oracle, drafters, their verification): cache nodes by (parent, token).
  const vSession = cachingSession(temperatureSession(await openTreeSession(verifier, prefix, callOptions), T));
  // Greedy verification (T = 0): the drafter still drafts from its own q at temperature 1, as
  // engines do (its argmax, hence its chain, is the same at any temperature).
  const dSession = drafter === undefined ? undefined : cachingSession(temperatureSession(await openTreeSession(drafter, prefix, callOptions), T === 0 ? 1 : T));
  try {
    // 1. Generation along the verifier's own sample.
    const tokens: number[] = [];
    const pDists: TokenDistribution[] = [vSession.root];
    const qDists: TokenDistribution[] = dSession === undefined ? [] : [dSession.root];
    const vNodes = [0];
    const dNodes = [0];
    let stoppedAtEos = false;
    for (let t = 0; t < maxNew; t++) {
      const token = sampleToken(pDists[t]!, rng);
      tokens.push(token);
      if (token === eos) {
        stoppedAtEos = true;
        break;
      }
      if (t + 1 === maxNew) break;
      const [v, d] = await Promise.all([
        vSession.expand([{ parent: vNodes[t]!, token }], callOptions),
        dSession?.expand([{ parent: dNodes[t]!, token }], callOptions),
      ]);
      vNodes.push(v[0]!.node);
      pDists.push(v[0]!.distribution);
      if (d !== undefined) {
        dNodes.push(d[0]!.node);
        qDists.push(d[0]!.distribution);
      }
    }
    const n = tokens.length;

    // Per-position statistics: the one estimator of stats/.
    const positions = pDists.slice(0, n).map((p, t) => positionStatistics(p, dSession === undefined ? undefined : qDists[t]!));
    // The trace keeps p and q alike: complete for small vocabularies, so `stats` on it reproduces these statistics.
    const keep = Math.max(config.keepTop, config.PMax);
    const trace: TracePositionInput[] = tokens.map((token, pos) => ({
      seq: unit,
      pos,
      token,
      task: prompt.task,
      dist: keptDistribution(pDists[pos]!, keep, config.denseUpTo),
      ...(dSession === undefined ? {} : { draft: keptDistribution(qDists[pos]!, keep, config.denseUpTo) }),
    }));
    let acceptanceSum: number[] | undefined;
    if (dSession !== undefined) {
      const pairs = qDists.slice(0, n).map((q, t) => ({ drafter: q, verifier: pDists[t]! }));
      acceptanceSum = Array.from(positionalAcceptance(pairs, ACCEPTANCE_RANKS), (a) => a * n);
    }

    // 2. Trees at every treeEvery-th position.
    const trees: TreePositionRecord[] = [];
    for (let t = 0; t < n; t += config.treeEvery) {
      // A tree of P-max nodes can be P-max − 1 tokens deep: positions too close to the end of the
      // model's context get no trees (all strategies skip them alike, so they stay comparable).
      const maxDepth = ctx.contextLength === undefined ? Infinity : ctx.contextLength - (prefix.length + t) - 1;
      if (maxDepth < config.PMax - 1) break;
      const vAt = subSession(vSession, vNodes[t]!, pDists[t]!);
      const oracle = await buildOptimalTree(vAt, config.PMax, { maxDepth, ...(ctx.oracleBatchSize === undefined ? {} : { batchSize: ctx.oracleBatchSize }), ...callOptions });
      const { path, censoredFrom } = continuationPath(oracle.tree, tokens, t);
      const drafters: Record<string, number[]> = {};
      let drafterOwn: TreePositionRecord['drafterOwn'];
      if (dSession !== undefined) {
        const dAt = subSession(dSession, dNodes[t]!, qDists[t]!);
        const own = { qGreedyQ: [] as number[], chainEntropy: [] as number[] };
        for (const strategy of ctx.strategies) {
          const tree = await strategy.build({ drafter: dAt, budget: config.PMax, ...callOptions });
          const dists = await verifierDistributions(tree, subSession(vSession, vNodes[t]!, pDists[t]!), callOptions);
          drafters[strategy.name] = cumulative(pathProbabilities(tree, dists));
          if (strategy.name === 'q-greedy') own.qGreedyQ = Array.from(tree.score, (lq) => Math.exp(lq));
          if (strategy.name === 'chain') own.chainEntropy = await chainEntropies(tree, dAt, callOptions);
        }
        if (own.qGreedyQ.length > 0 && own.chainEntropy.length > 0) drafterOwn = own;
      }
      const depthByP: number[] = [];
      let deepest = 0;
      for (let i = 0; i < oracle.tree.depth.length; i++) depthByP.push((deepest = Math.max(deepest, oracle.tree.depth[i]!)));
      trees.push({ t, oracle: Array.from(oracle.expectedAcceptedLengths), oraclePath: path, censoredFrom, depthByP, drafters, ...(drafterOwn === undefined ? {} : { drafterOwn }) });
    }

    const record: Omit<UnitRecord, 'traceEnd'> = {
      kind: 'unit',
      version: RECORD_VERSION,
      unit,
      prompt: promptIndex,
      sample,
      task: prompt.task,
      promptTokens: prefix.length,
      tokens,
      stoppedAtEos,
      positions,
      ...(acceptanceSum === undefined ? {} : { acceptanceSum }),
      trees,
    };
    return { record, trace };
  } finally {
    vSession.close();
    dSession?.close();
  }
}

/** H(q) in nats at chain nodes 0 .. size − 2 (the nodes the chain drafted from), through the (caching) drafter session. */
async function chainEntropies(chain: DraftTree, drafter: TreeSession, options: DistributionCallOptions): Promise<number[]> {
  const out: number[] = [];
  let distribution = drafter.root;
  let node = 0;
  for (let i = 1; i < chain.size; i++) {
    out.push(entropy(distribution));
    if (i + 1 >= chain.size) break;
    const [r] = await drafter.expand([{ parent: node, token: chain.token[i]! }], options);
    if (r === undefined) throw new Error('tree session returned no node');
    node = r.node;
    distribution = r.distribution;
  }
  return out;
}

/** Running sums: out[i] = Σ_{j ≤ i} values[j] (E[X](P = i + 1) for nodes in tree order). */
export function cumulative(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]!;
    out.push(s);
  }
  return out;
}

/**
 * The nodes of `tree` along tokens[t], tokens[t + 1], … from the root (indices in tree order, so
 * the P-node subtree is the nodes < P), and from which budget on the tokens ran out while the walk
 * could still continue (see `TreePositionRecord.censoredFrom`).
 */
export function continuationPath(tree: DraftTree, tokens: readonly number[], t: number): { path: number[]; censoredFrom: number | null } {
  const path: number[] = [];
  let node = 0;
  for (let i = t; i < tokens.length; i++) {
    let next = -1;
    for (const c of tree.children[node]!) {
      if (tree.token[c] === tokens[i]) {
        next = c;
        break;
      }
    }
    if (next < 0) return { path, censoredFrom: null };
    path.push(next);
    node = next;
  }
  const children = tree.children[node]!;
  if (children.length === 0) return { path, censoredFrom: null };
  return { path, censoredFrom: Math.max(node, Math.min(...children)) + 1 };
}

/** Session type re-exported for callers that build their own strategies. */
export type { TreeSession };
