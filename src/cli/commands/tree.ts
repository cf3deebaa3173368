/**
 * `specbound tree`: builds the draft tree a strategy drafts for budget P, on a simulated i.i.d. law
 * (`--law`, `--preset`) or on real models after a prompt (`--model`, `--draft`, `--prompt`), and
 * prints it as a table, rank paths, vLLM's tuple string or JSON, with E[X] = Σ P(v) under the
 * verifier and the oracle's E[X*](P) beside it.
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { MEDUSA_HEADS } from '../../tree/strategies/static.js';
import { STRATEGIES, STRATEGY_NAMES, strategyNeeds } from '../../tree/strategies/registry.js';
import type { LanguageModel, TreeSession } from '../../models/model.js';
import type { TreeSummary } from '../../tree/tree-summary.js';
import { parseInteger, parseNumber } from '../parse.js';

const FORMATS = ['table', 'rank-paths', 'vllm', 'json'] as const;
type Format = (typeof FORMATS)[number];
/** Largest budget the command builds. */
export const MAX_TREE_BUDGET = 65_536;
/** Ranks measured for the acceptance vector of static trees (capped by P − 1). */
const ACCEPTANCE_RANKS = 16;
const LAW_ACCEPTANCE_SAMPLES = 20_000;

interface TreeOptions {
  strategy: string;
  P: number;
  law?: string;
  preset?: string;
  model?: string;
  draft?: string;
  prompt: string;
  drafterNoise?: number;
  seed: number;
  depth?: number;
  topK?: number;
  acceptance?: number[];
  maxDepth?: number;
  rootChildren?: number;
  batch?: number;
  threshold?: number;
  latency: string;
  format?: string;
  json?: boolean;
  out?: string;
}

function parseAcceptance(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((s) => parseNumber('--acceptance', s, { min: 0, max: 1 }));
}

export function register(program: Command): void {
  program
    .command('tree')
    .summary('build and export the draft tree a strategy drafts (oracle, q-greedy, chain, EAGLE-2, Sequoia, Medusa)')
    .description(
      'Builds the draft tree of P nodes (INCLUDING the root) that a drafting strategy proposes, and\n' +
        'prints it with E[X] = sum of P(v), the verifier\'s probability of each path (Lemma 1), next to the\n' +
        'oracle optimum E[X*](P) (the speed-of-light of any deterministic drafter at this position).\n\n' +
        'Strategies:\n' +
        STRATEGIES.map((st) => `  ${st.name.padEnd(12)} ${st.summary}\n`).join('') +
        'EAGLE: the root\'s top_k tokens, then --depth times expand the top_k best nodes of the newest\n' +
        'layer into top_k children; keep the P - 1 best by drafter path probability (EAGLE\'s total_token\n' +
        'counts the root, as P does: its default 60 is P = 60; EAGLE\'s depth counts expansion steps, so\n' +
        'its trees have depth + 1 drafted layers).\n' +
        'Static trees (sequoia, medusa) are chosen once from a_k = probability that the verifier\'s token\n' +
        'is the drafter\'s rank-k token (--acceptance, or measured: over the law, or along the verifier\'s\n' +
        'greedy continuation of the prompt), then filled with the drafter\'s ranked tokens. Sequoia\'s\n' +
        'children take the ranks sorted by a_k; Sequoia\'s own tree_search.py gives the k-th child a_k\n' +
        'in the vector\'s order (the same tree whenever a_k is non-increasing).\n\n' +
        'Sources (exactly one):\n' +
        '  --law SPEC     a simulated i.i.d. law; each node\'s distribution is drawn from a stream keyed\n' +
        '                 by (--seed, the node\'s path), so the tree is reproducible. Tokens are ranks.\n' +
        '  --preset NAME  the law calibrated to a Table 1 row\'s (mu, mu2), e.g. llama3.1-8b\n' +
        '  --model MODEL  a real verifier (llama2c:PATH, builtin, openai:URL#model=NAME), with an\n' +
        '                 optional --draft MODEL (default: the verifier itself) after --prompt TEXT\n\n' +
        'Formats: table (default), rank-paths (JSON list, root implicit, e.g. [[0],[0,0],[1]]),\n' +
        'vllm (the speculative_token_tree string of vLLM, e.g. "[(0,), (1,), (0, 0)]"; use it with\n' +
        'num_speculative_tokens = P - 1), json (everything).\n\n' +
        'Examples:\n' +
        '  specbound tree --strategy oracle --P 8 --law zipf:1:2\n' +
        '  specbound tree --strategy sequoia --P 32 --preset llama3.1-8b --format vllm\n' +
        '  specbound tree --strategy eagle --P 60 --model llama2c:../shared/models/stories260K/stories260K.bin \\\n' +
        '      --prompt "Once upon a time" --json',
    )
    .option('--strategy <name>', `drafting strategy: ${STRATEGY_NAMES.join(', ')}`, 'oracle')
    .option('--P <nodes>', 'budget P: tree nodes including the root (P = 1: no speculation)', (v) => parseInteger('--P', v, { min: 1, max: MAX_TREE_BUDGET }), 16)
    .option('--law <spec>', 'simulated law: zipf:S:V, dirichlet:ALPHA:V, mixture:W:EPS:S:V or calibrated:MU:MU2[:V]')
    .option('--preset <name>', "simulate the law calibrated to a row of the paper's Table 1 (see `specbound presets`)")
    .option('--model <model>', 'the verifier model: llama2c:PATH, builtin, openai:URL#model=NAME')
    .option('--draft <model>', 'the drafter model (default: the verifier, so q-greedy = oracle)')
    .option('--prompt <text>', 'prompt the tree is drafted after (with --model)', 'Once upon a time')
    .option('--drafter-noise <sigma>', 'with --law/--preset: a drafter q = the law\'s p with log-space Gaussian noise of this size', (v) => parseNumber('--drafter-noise', v, { min: 0 }))
    .option('--seed <n>', 'seed of the simulated law (the same seed gives the same tree)', (v) => parseInteger('--seed', v), 1)
    .option('--depth <layers>', 'eagle: expansion steps after the first layer, as in EAGLE (default 5, raised until P - 1 tokens fit)', (v) => parseInteger('--depth', v, { min: 0 }))
    .option('--top-k <k>', 'eagle: children per expanded node and nodes expanded per layer (default 10)', (v) => parseInteger('--top-k', v, { min: 1 }))
    .option('--acceptance <a0,a1,...>', 'sequoia/medusa: positional acceptance a_k (default: measured)', parseAcceptance)
    .option('--max-depth <l>', `sequoia/medusa: deepest node allowed (sequoia default min(P - 1, 16); medusa ${MEDUSA_HEADS}, its number of heads)`, (v) => parseInteger('--max-depth', v, { min: 1 }))
    .option('--root-children <b>', 'sequoia: exactly this many children at the root', (v) => parseInteger('--root-children', v, { min: 1 }))
    .option('--threshold <x>', 'adaptive strategies (P is then the cap): confidence: smallest Q(v) (default 0.1); entropy-gate: largest H(q) in nats (default 1); cost-aware: lambda in tokens per T(1) (default 1)', (v) => parseNumber('--threshold', v, { min: 0 }))
    .option('--latency <curve>', 'cost-aware: T(P), constant or linear:C (each drafted node costs C plain steps)', 'linear:0.05')
    .option('--batch <n>', 'oracle/q-greedy: distributions requested per model call (default 8)', (v) => parseInteger('--batch', v, { min: 1 }))
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write the output to this file (atomically) instead of stdout')
    .action(async (opts: TreeOptions) => {
      const format = (opts.json === true ? 'json' : opts.format ?? 'table') as Format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new InvalidValueError('--format', opts.format, `expected one of ${FORMATS.join(', ')}`);
      const text = await runTreeCommand(opts, format);
      if (opts.out === undefined) {
        process.stdout.write(text);
      } else {
        const { writeFileAtomic } = await import('../../core/atomic-file.js');
        await writeFileAtomic(opts.out, text);
      }
    });
}

interface Source {
  /** How the source is described in headers and JSON. */
  readonly description: Record<string, unknown>;
  readonly drafter: TreeSession;
  readonly verifier: TreeSession;
  /** Fresh verifier session on the same position (for scoring and the oracle). */
  openVerifier(): Promise<TreeSession>;
  tokenText(token: number): string;
  acceptance(ranks: number): Promise<number[]>;
  close(): Promise<void>;
}

/** Builds the tree and renders it; exported for tests. */
export async function runTreeCommand(opts: TreeOptions, format: Format): Promise<string> {
  const tree = await import('../../tree/index.js');
  const sourceCount = [opts.law, opts.preset, opts.model].filter((x) => x !== undefined).length;
  if (sourceCount !== 1) {
    throw new InvalidValueError('--law/--preset/--model', sourceCount === 0 ? '(missing)' : 'several', 'give exactly one source: --law SPEC, --preset NAME or --model MODEL');
  }
  if (opts.draft !== undefined && opts.model === undefined) throw new InvalidValueError('--draft', opts.draft, 'needs --model (for simulated laws use --drafter-noise)');
  if (opts.drafterNoise !== undefined && opts.model !== undefined) throw new InvalidValueError('--drafter-noise', opts.drafterNoise, 'applies to --law/--preset; with --model give --draft MODEL');
  const P = opts.P;
  const source = opts.model === undefined ? await lawSource(opts, P) : await modelSource(opts, P);
  try {
    const needsAcceptance = strategyNeeds(opts.strategy, 'acceptance') && opts.acceptance === undefined;
    const acceptance = opts.acceptance ?? (needsAcceptance ? await source.acceptance(Math.max(1, Math.min(ACCEPTANCE_RANKS, P - 1))) : undefined);
    const strategy = tree.createStrategy(opts.strategy, {
      ...(acceptance === undefined ? {} : { acceptance }),
      ...(opts.depth === undefined ? {} : { depth: opts.depth }),
      ...(opts.topK === undefined ? {} : { topK: opts.topK }),
      ...(opts.maxDepth === undefined ? {} : { staticMaxDepth: opts.maxDepth }),
      ...(opts.rootChildren === undefined ? {} : { rootChildren: opts.rootChildren }),
      ...(opts.batch === undefined ? {} : { batchSize: opts.batch }),
      ...(opts.threshold === undefined ? {} : { threshold: opts.threshold }),
      ...(strategyNeeds(opts.strategy, 'latency') ? { costs: (await import('../../adaptive/latency-curve.js')).parseLatencySpec(opts.latency, P).costs } : {}),
    });
    const { createProgress } = await import('../progress.js');
    const progress = createProgress(`tree ${strategy.name}`, P);
    let built;
    try {
      built = await strategy.build({ drafter: source.drafter, verifier: source.verifier, budget: P });
      progress.update(P);
    } finally {
      progress.stop();
    }
    const dists = await tree.verifierDistributions(built, await source.openVerifier());
    const summary = tree.summarizeTree(built, dists, (t) => source.tokenText(t));
    const oracle =
      opts.strategy === 'oracle'
        ? summary.expectedAcceptedLength
        : (await tree.buildOptimalTree(await source.openVerifier(), built.size, opts.batch === undefined ? {} : { batchSize: opts.batch })).expectedAcceptedLengths.at(-1)!;
    if (format === 'vllm') {
      // speculative_token_tree exists only in the vLLM releases between PR #20401 and PR #42121 (see vllmTreeLine).
      process.stderr.write('specbound: note: speculative_token_tree is accepted only by vLLM releases with tree attention (PR #20401 to before PR #42121, EAGLE methods); current vLLM drafts chains\n');
      if (opts.strategy === 'oracle') process.stderr.write("specbound: note: an oracle tree ranks the verifier's own tokens at this prompt; no drafter proposes it\n");
      else if (!summary.vllm.uniformLevels) process.stderr.write('specbound: note: vLLM drafts one children count per tree level; this tree has levels with unequal branching, so vLLM would draft a different tree\n');
    }
    return render(format, {
      strategy: strategy.name,
      description: strategy.description,
      source: source.description,
      ...(acceptance === undefined ? {} : { acceptance: Array.from(acceptance) }),
      oracleExpectedAcceptedLength: oracle,
      ...summary,
    });
  } finally {
    await source.close();
  }
}

type Rendered = TreeSummary & {
  strategy: string;
  description: string;
  source: Record<string, unknown>;
  acceptance?: number[];
  oracleExpectedAcceptedLength: number;
};

/**
 * The tree as a vLLM setting, only where one exists: `speculative_token_tree` was accepted from PR
 * #20401 (v0.10.x, July 2025) until PR #42121 removed tree attention (May 2026), drafted only by
 * EAGLE methods (`method` and `model` are required: vllm/config/speculative.py), and vLLM's tree
 * drafter derives one children count per level (vllm/v1/spec_decode/eagle.py). An oracle tree's
 * ranks are the verifier's own at this one prompt, not a drafter's, so it gets no line.
 */
function vllmTreeLine(r: Rendered): string {
  if (r.strategy === 'oracle') return "vLLM: none (an oracle tree ranks the verifier's own tokens at this prompt; no drafter proposes it)";
  if (!r.vllm.uniformLevels) return "vLLM: none (vLLM's tree drafter used one children count per level; this tree branches unevenly)";
  const config = { method: 'eagle3', model: '<EAGLE-3 head>', num_speculative_tokens: r.vllm.num_speculative_tokens, speculative_token_tree: r.vllm.speculative_token_tree };
  return `vLLM (releases with tree attention, PR #20401 to before PR #42121; current vLLM drafts chains only): --speculative-config '${JSON.stringify(config)}'`;
}

async function render(format: Format, r: Rendered): Promise<string> {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (format === 'rank-paths') return `${JSON.stringify(r.rankPaths)}\n`;
  if (format === 'vllm') return `${r.vllm.speculative_token_tree}\n`;
  const { formatNumber } = await import('../../core/format-number.js');
  const { formatTable } = await import('../../core/text-table.js');
  const src = Object.entries(r.source)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join(', ');
  const lines = [
    `strategy ${r.strategy}: ${r.description}`,
    `source: ${src}`,
    ...(r.acceptance === undefined ? [] : [`positional acceptance a_k: ${r.acceptance.map((a) => formatNumber(a, 3)).join(', ')}`]),
    `P = ${r.P} nodes (root included), depth ${r.depth}`,
    `E[X] = sum of P(v) = ${formatNumber(r.expectedAcceptedLength)} tokens per verifier pass; oracle E[X*](P) = ${formatNumber(r.oracleExpectedAcceptedLength)}` +
      (r.unknownTokens > 0 ? ` (${r.unknownTokens} drafted tokens not in the verifier's top-k: counted as 0)` : ''),
    'score = the path probability the strategy ranked nodes by (drafter q; verifier p for the oracle);',
    'P(v) = the verifier\'s path probability; E[X] = sum of P(v) over the tree.',
    '',
    formatTable(
      ['node', 'parent', 'depth', 'rank path', 'token', 'score', 'P(v)', 'sum P(v)'],
      (() => {
        let sum = 0;
        return r.nodes.map((n) => {
          sum += n.pathProbability;
          return [n.node, n.parent < 0 ? '' : n.parent, n.depth, JSON.stringify(n.rankPath), n.text, n.draftProbability ?? '', n.pathProbability, sum];
        });
      })(),
    ),
    '',
    vllmTreeLine(r),
  ];
  return `${lines.join('\n')}\n`;
}

async function lawSource(opts: TreeOptions, P: number): Promise<Source> {
  const { parseLaw } = await import('../../sim/parse-law.js');
  const { calibratedLaw } = await import('../../sim/calibrated-law.js');
  const { noisyDrafterLaw } = await import('../../sim/noisy-drafter-law.js');
  const { lawTreeSession, lawPositionalAcceptance } = await import('../../tree/law-session.js');
  let law;
  if (opts.preset !== undefined) {
    const { getPreset } = await import('../../theory/presets.js');
    const preset = getPreset(opts.preset);
    law = calibratedLaw({ mu: preset.mu, mu2: preset.mu2, preset: preset.name }, `--preset ${opts.preset}`);
  } else {
    law = parseLaw(opts.law!, '--law');
  }
  if (opts.drafterNoise !== undefined) law = noisyDrafterLaw(law, { noise: opts.drafterNoise }, '--drafter-noise');
  const maxChildren = Math.max(1, P - 1);
  const session = (view: 'verifier' | 'drafter') => lawTreeSession(law, { seed: opts.seed, maxChildren, view });
  return {
    description: { law: JSON.stringify(law.description), mu: law.mu, mu2: law.mu2, seed: opts.seed },
    drafter: session('drafter'),
    verifier: session('verifier'),
    openVerifier: () => Promise.resolve(session('verifier')),
    tokenText: (t) => `#${t}`,
    acceptance: (ranks) => Promise.resolve(Array.from(lawPositionalAcceptance(law, ranks, LAW_ACCEPTANCE_SAMPLES, opts.seed))),
    close: () => Promise.resolve(),
  };
}

async function modelSource(opts: TreeOptions, P: number): Promise<Source> {
  void P;
  const { loadModel } = await import('../../models/registry.js');
  const { openTreeSession } = await import('../../models/tree-session.js');
  const { modelPositionalAcceptance } = await import('../../tree/static/model-acceptance.js');
  const verifierModel = await loadModel(opts.model!, '--model');
  const drafterModel = opts.draft === undefined ? verifierModel : await loadModel(opts.draft, '--draft');
  if (drafterModel.vocabSize !== verifierModel.vocabSize) {
    throw new InvalidValueError('--draft', opts.draft, `its vocabulary has ${drafterModel.vocabSize} tokens but the verifier's has ${verifierModel.vocabSize}; a drafter must share the verifier's tokenizer`);
  }
  const { encodeText } = await import('../../models/model.js');
  // encodeText, not tokenizer.encode: openai: models tokenize on the server (encodeAsync).
  const prompt = await encodeText(verifierModel.tokenizer, opts.prompt);
  const sessions: TreeSession[] = [];
  const open = async (m: LanguageModel) => {
    const s = await openTreeSession(m, prompt);
    sessions.push(s);
    return s;
  };
  return {
    description: { model: verifierModel.name, draft: drafterModel.name, prompt: opts.prompt },
    drafter: await open(drafterModel),
    verifier: await open(verifierModel),
    openVerifier: () => open(verifierModel),
    tokenText: (t) => JSON.stringify(verifierModel.tokenizer.tokenText(t)),
    acceptance: async (ranks) => Array.from(await modelPositionalAcceptance(verifierModel, drafterModel, prompt, { ranks })),
    async close() {
      for (const s of sessions) s.close();
      await verifierModel.close?.();
      if (drafterModel !== verifierModel) await drafterModel.close?.();
    },
  };
}
