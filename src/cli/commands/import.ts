/**
 * `specbound import`: saved server responses (one JSON response per line) → a trace file.
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { parseInteger, parseNumber } from '../parse.js';

const FORMATS = ['openai-completions', 'openai-chat', 'vllm-prompt-logprobs'] as const;

interface ImportCommandOptions {
  from: string;
  output: string;
  vocabSize?: number;
  vocab?: string;
  model?: string;
  tokenizer?: string;
  temperature?: number;
  promptSet?: string;
  task?: string;
  tolerance?: number;
  renormalize?: boolean;
}

export function register(program: Command): void {
  program
    .command('import')
    .summary('convert saved OpenAI/vLLM responses with logprobs into a trace file')
    .description(
      'Converts server responses saved one JSON response per line into a trace\n' +
        '(docs/trace-format.md) that `specbound stats` reads. Formats (--from):\n' +
        '  openai-completions    /v1/completions made with "logprobs": k  (choices[].logprobs.top_logprobs)\n' +
        '  openai-chat           /v1/chat/completions with "logprobs": true, "top_logprobs": k\n' +
        '                        (choices[].logprobs.content[].top_logprobs)\n' +
        '  vllm-prompt-logprobs  vLLM with "prompt_logprobs": k (choices[].prompt_logprobs, or the\n' +
        '                        top-level prompt_logprobs of chat responses)\n' +
        'A line may also be an OpenAI Batch output line {"custom_id", "response": {"body": ...}} or\n' +
        '{"task": "math", "response": ...}; a "task" labels that line\'s sequences.\n\n' +
        'Token ids: servers name tokens by text. "token_id:123" (vLLM --return-tokens-as-token-ids)\n' +
        'is id 123; with --vocab (tokenizer.json, a JSON list of token strings, or {"token": id})\n' +
        'text is looked up; otherwise ids are assigned in order of appearance and the table is\n' +
        'stored in the trace header. Statistics depend only on probabilities, so any of these work.\n\n' +
        'Examples:\n' +
        '  specbound import --from openai-chat responses.jsonl --vocab-size 128256 -o trace.jsonl.gz\n' +
        '  specbound import --from vllm-prompt-logprobs out.jsonl --vocab tokenizer.json -o t.jsonl',
    )
    .argument('<input...>', 'files of saved responses, one JSON response per line (.gz accepted)')
    .requiredOption('--from <format>', `response format: ${FORMATS.join(' | ')}`)
    .requiredOption('-o, --output <trace>', 'trace file to write (.jsonl, or .jsonl.gz to gzip); written only when complete')
    .option('--vocab-size <V>', "the model's vocabulary size (needed for the top-k interval; read from --vocab when omitted)", (v) => parseInteger('--vocab-size', v, { min: 1 }))
    .option('--vocab <file>', 'vocabulary to map token text to ids: tokenizer.json, JSON list of strings, or {"token": id}')
    .option('--model <name>', 'model name for the trace header (default: the responses\' "model")')
    .option('--tokenizer <name>', 'tokenizer name for the trace header (default: the --vocab file, or "unknown")')
    .option('--temperature <T>', 'sampling temperature the responses were made with (header only; default 1)', (v) => parseNumber('--temperature', v, { min: 0 }))
    .option('--prompt-set <name>', 'name of the prompts used (header only; default "unknown")')
    .option('--task <label>', 'task label for every sequence (a line\'s own "task" wins)')
    .option('--tolerance <x>', 'largest accepted amount by which top-k probabilities exceed 1 (default 0.001)', (v) => parseNumber('--tolerance', v, { min: 0, max: 1 }))
    .option('--renormalize', 'accept top-k lists whose probabilities sum above 1 + tolerance, rescaling them (one warning)')
    .action(async (inputs: string[], opts: ImportCommandOptions) => {
      if (!(FORMATS as readonly string[]).includes(opts.from)) throw new InvalidValueError('--from', opts.from, `expected one of ${FORMATS.join(', ')}`);
      const { importResponses, readVocabulary } = await import('../../trace/index.js');
      const vocab = opts.vocab === undefined ? undefined : await readVocabulary(opts.vocab);
      let vocabSize = opts.vocabSize;
      if (vocabSize === undefined && vocab !== undefined) vocabSize = Math.max(...vocab.values()) + 1;
      if (vocabSize === undefined) {
        throw new InvalidValueError('--vocab-size', '(missing)', "give the model's vocabulary size (e.g. 128256 for Llama 3), or --vocab; the spread end of the top-k interval needs it");
      }
      const result = await importResponses({
        format: opts.from as (typeof FORMATS)[number],
        inputs,
        output: opts.output,
        vocabSize,
        vocab,
        model: opts.model,
        tokenizer: opts.tokenizer ?? opts.vocab,
        temperature: opts.temperature,
        promptSet: opts.promptSet,
        task: opts.task,
        tolerance: opts.tolerance,
        renormalize: opts.renormalize === true,
        onWarning: (m) => process.stderr.write(`specbound: warning: ${m}\n`),
      });
      process.stderr.write(`wrote ${opts.output}: ${result.positions} positions in ${result.sequences} sequences\n`);
    });
}
