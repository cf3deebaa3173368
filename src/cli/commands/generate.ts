/**
 * `specbound generate`: continue a prompt with any model and show, per generated token, the
 * model's entropy and its top-K next tokens. A quick look at how predictable a model is on a
 * text, i.e. at what drives the speed-of-light of speculative decoding.
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { formatNumber } from '../../core/format-number.js';
import { formatTable } from '../../core/text-table.js';
import { printJson } from '../output.js';
import { parseInteger, parseNumber } from '../parse.js';

interface GenerateOptions {
  model: string;
  prompt: string;
  maxNewTokens: number;
  temperature: number;
  seed: number;
  top: number;
  json?: boolean;
}

export interface GenerateStep {
  /** The generated token id and its text. */
  token: number;
  text: string;
  /** Its probability under the model (temperature 1). */
  p: number;
  /** Entropy of the model's next-token distribution (temperature 1), nats. */
  entropy: number;
  /** The K most probable next tokens (temperature 1). */
  top: { id: number; text: string; p: number }[];
}

export interface GenerateResult {
  model: string;
  prompt: string;
  temperature: number;
  seed: number;
  /** Prompt tokens (BOS included) followed by the generated tokens. */
  tokens: number[];
  promptTokens: number;
  /** The whole text (prompt and continuation), decoded. */
  text: string;
  /** The continuation alone. */
  continuation: string;
  /** One per generated token. */
  steps: GenerateStep[];
  /** Why generation stopped. */
  stopped: 'max-new-tokens' | 'end-of-text' | 'context-length';
}

export const DEFAULT_MAX_NEW_TOKENS = 32;
export const DEFAULT_TOP = 5;
/** Stream key of the sampler ("gen"), so `generate --seed S` draws its own numbers. */
const SAMPLER_STREAM = 0x67656e;

export function register(program: Command): void {
  program
    .command('generate')
    .summary('continue a prompt with a model; per token: entropy and the top-K next tokens')
    .description(
      'Continues --prompt with --model and prints the text, then one row per generated token:\n' +
        'its id and text, its probability, the entropy of the model\'s next-token distribution\n' +
        '(nats) and the K most probable next tokens with their probabilities. Entropies and\n' +
        'probabilities are always the model\'s own (temperature 1) distribution; --temperature only\n' +
        'changes which token is picked. The mean entropy over the steps is a first look at mu.\n\n' +
        'Model spellings (the same in every command that takes a model):\n' +
        '  llama2c:PATH[#tokenizer=PATH]              a llama2.c checkpoint (legacy or version-1\n' +
        '                                             export); tokenizer: tok<V>.bin or tokenizer.bin\n' +
        '                                             next to it unless given\n' +
        '  llama2c-skip:PATH#layers=0,1,3[&tokenizer=PATH]  the same model running only those layers\n' +
        '                                             (a layer-skipping self-drafter)\n' +
        '  gguf:PATH[#threads=N&gpu-layers=N&context=N&mode=exact|fast]  a GGUF model run by llama.cpp\n' +
        '                                             (optional node-llama-cpp 3.21.1). mode=exact (default):\n' +
        '                                             float32 KV cache, no flash attention, log-probs within\n' +
        '                                             ~1e-5 of a float32 reference; mode=fast: float16 KV cache\n' +
        '                                             and flash attention, log-probs move by up to 0.02 nats\n' +
        '                                             (measured on stories260K)\n' +
        '  builtin | builtin-draft | openai:URL#model=NAME  (see the README)\n\n' +
        'Examples:\n' +
        '  specbound generate --model llama2c:../shared/models/stories260K/stories260K.bin \\\n' +
        '      --prompt "Once upon a time" --temperature 0\n' +
        '  specbound generate --model builtin --prompt "The jury said" --seed 7 --top 3 --json',
    )
    .requiredOption('--model <spec>', 'the model, e.g. llama2c:PATH (see above)')
    .requiredOption('--prompt <text>', 'the text to continue (not empty); the model adds its BOS token')
    .option(
      '--max-new-tokens <n>',
      'how many tokens to generate at most; stops early at the end-of-text token',
      (v) => parseInteger('--max-new-tokens', v, { min: 1, max: 1_000_000 }),
      DEFAULT_MAX_NEW_TOKENS,
    )
    .option(
      '--temperature <t>',
      'sampling temperature: 0 picks the most probable token (greedy, ties to the smaller id), 1 samples the model as is, >1 flattens',
      (v) => parseNumber('--temperature', v, { min: 0 }),
      1,
    )
    .option('--seed <s>', 'seed of the sampler; the same seed gives the same text', (v) => parseInteger('--seed', v), DEFAULT_SEED)
    .option('--top <k>', 'how many most probable next tokens to list per step', (v) => parseInteger('--top', v, { min: 1, max: 1000 }), DEFAULT_TOP)
    .option('--json', 'print {"tokens": [...], "steps": [{"token", "text", "p", "entropy", "top": [{"id", "text", "p"}]}], ...} instead of text; steps cover generated tokens only')
    .action(async (opts: GenerateOptions) => {
      const result = await generate(opts);
      if (opts.json === true) printJson(result);
      else printText(result, opts.top);
    });
}

export async function generate(opts: Omit<GenerateOptions, 'json'>): Promise<GenerateResult> {
  if (opts.prompt.trim() === '') throw new InvalidValueError('--prompt', opts.prompt, 'empty; give some text for the model to continue');
  const [{ loadModel }, { encodeText }, { openTreeSession }, { rankedTokens }, { entropy }, { sampleToken }, { withTemperature }, { probabilityOf }, { createRng }, { createProgress }] =
    await Promise.all([
      import('../../models/registry.js'),
      import('../../models/model.js'),
      import('../../models/tree-session.js'),
      import('../../distribution/ranked-tokens.js'),
      import('../../distribution/moments.js'),
      import('../../distribution/sample-token.js'),
      import('../../distribution/temperature.js'),
      import('../../distribution/probability.js'),
      import('../../core/rng.js'),
      import('../progress.js'),
    ]);
  const model = await loadModel(opts.model);
  try {
    const { tokenizer } = model;
    const promptIds = await encodeText(tokenizer, opts.prompt, { bos: true });
    if (promptIds.length === 0) throw new InvalidValueError('--prompt', opts.prompt, `encodes to no tokens with ${model.name}`);
    // A prompt longer than the context is refused by the backend (one line naming the token count).
    const contextLength = model.contextLength;
    // The sampler's own keyed stream, separate from any other use of the seed.
    const rng = createRng(opts.seed, SAMPLER_STREAM);
    const session = await openTreeSession(model, promptIds);
    const progress = createProgress('generate', opts.maxNewTokens);
    const generated: number[] = [];
    const steps: GenerateStep[] = [];
    let stopped: GenerateResult['stopped'] = 'max-new-tokens';
    try {
      let distribution = session.root;
      let node = 0;
      for (let step = 0; step < opts.maxNewTokens; step++) {
        const top = rankedTokens(distribution, Math.max(opts.top, 1));
        const token = opts.temperature === 0 ? top.ids[0]! : sampleToken(withTemperature(distribution, opts.temperature), rng);
        const p = probabilityOf(distribution, token);
        generated.push(token);
        steps.push({
          token,
          text: tokenizer.tokenText(token),
          p,
          entropy: entropy(distribution),
          top: Array.from(top.ids.subarray(0, opts.top), (id, i) => ({ id, text: tokenizer.tokenText(id), p: top.probs[i]! })),
        });
        progress.increment();
        if (token === tokenizer.eos || token === tokenizer.bos) {
          stopped = 'end-of-text';
          break;
        }
        if (step + 1 === opts.maxNewTokens) break;
        // The next distribution needs the whole sequence in the context window: stop at its end.
        if (contextLength !== undefined && promptIds.length + generated.length >= contextLength) {
          stopped = 'context-length';
          break;
        }
        const [next] = await session.expand([{ parent: node, token }]);
        if (next === undefined) throw new Error(`${model.name}: no distribution after token ${token}`);
        node = next.node;
        distribution = next.distribution;
      }
    } finally {
      progress.stop();
      session.close();
    }
    const tokens = [...promptIds, ...generated];
    return {
      model: model.name,
      prompt: opts.prompt,
      temperature: opts.temperature,
      seed: opts.seed,
      tokens,
      promptTokens: promptIds.length,
      text: tokenizer.decode(tokens),
      continuation: tokenizer.decode(generated),
      steps,
      stopped,
    };
  } finally {
    await model.close?.();
  }
}

function printText(r: GenerateResult, k: number): void {
  process.stdout.write(`${r.text}\n\n`);
  const quote = (s: string) => JSON.stringify(s);
  const rows = r.steps.map((s, i) => [
    i + 1,
    s.token,
    quote(s.text),
    s.p,
    s.entropy,
    s.top.map((t) => `${quote(t.text)} ${formatNumber(t.p, 3)}`).join('  '),
  ]);
  process.stdout.write(`${formatTable(['step', 'id', 'token', 'p', 'entropy', `top ${k} next tokens (p)`], rows)}\n`);
  const mean = r.steps.reduce((s, x) => s + x.entropy, 0) / Math.max(1, r.steps.length);
  process.stdout.write(
    `\n${r.steps.length} tokens (${r.stopped === 'end-of-text' ? 'stopped at end of text' : r.stopped === 'context-length' ? "stopped at the end of the model's context" : 'max-new-tokens reached'}); mean entropy ${formatNumber(mean)} nats per token (temperature ${r.temperature}, seed ${r.seed})\n`,
  );
}
