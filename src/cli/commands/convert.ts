/**
 * `specbound convert llama2c-to-gguf MODEL.bin --tokenizer tok.bin -o OUT.gguf`: a llama2.c
 * checkpoint as a GGUF v3 file (float32, architecture llama, SentencePiece tokenizer) that
 * llama.cpp loads, so the `gguf:` path can be checked against the TypeScript engine on one model.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';

interface ConvertOptions {
  tokenizer?: string;
  output: string;
  name?: string;
}

const KINDS = ['llama2c-to-gguf'] as const;

export function register(program: Command): void {
  program
    .command('convert')
    .summary('convert a llama2.c checkpoint to a GGUF file llama.cpp loads')
    .description(
      'convert llama2c-to-gguf MODEL.bin [--tokenizer tok.bin] -o OUT.gguf\n' +
        'writes GGUF v3 with float32 tensors, architecture "llama" and the SentencePiece tokenizer\n' +
        '(tokenizer.ggml.model "llama"), the layout of llama.cpp\'s own convert-llama2c-to-ggml.\n' +
        'The tokenizer defaults to tok<V>.bin or tokenizer.bin next to the checkpoint.\n\n' +
        'Example:\n' +
        '  specbound convert llama2c-to-gguf ../shared/models/stories260K/stories260K.bin \\\n' +
        '      --tokenizer ../shared/models/stories260K/tok512.bin -o stories260K.gguf\n' +
        '  specbound report --target gguf:stories260K.gguf',
    )
    .argument('<kind>', `what to convert: ${KINDS.join(' | ')}`)
    .argument('<checkpoint>', 'the llama2.c checkpoint (.bin, legacy or version-1 export)')
    .option('--tokenizer <file>', "the checkpoint's llama2.c tokenizer.bin (default: tok<V>.bin or tokenizer.bin beside it)")
    .requiredOption('-o, --output <file>', 'the GGUF file to write (written only when complete)')
    .option('--name <name>', 'general.name in the file (default: the checkpoint file name)')
    .action(async (kind: string, checkpoint: string, opts: ConvertOptions) => {
      if (!(KINDS as readonly string[]).includes(kind)) throw new InvalidValueError('conversion', kind, `expected one of ${KINDS.join(', ')}`);
      const { loadLlama2c } = await import('../../models/llama2c/load.js');
      const { parseModelSpec } = await import('../../models/spec.js');
      const { convertLlama2cToGguf } = await import('../../models/gguf/convert-llama2c.js');
      const spelling = `llama2c:${checkpoint}${opts.tokenizer === undefined ? '' : `#tokenizer=${encodeURIComponent(opts.tokenizer)}`}`;
      const model = await loadLlama2c(parseModelSpec(spelling, '<checkpoint>'), '<checkpoint>');
      const out = path.resolve(opts.output);
      await convertLlama2cToGguf(model.checkpoint, model.tokenizer, out, opts.name ?? path.basename(checkpoint).replace(/\.bin$/, ''));
      process.stderr.write(`wrote ${out} (vocabulary ${model.vocabSize}, ${model.checkpoint.config.nLayers} layers, float32)\n`);
    });
}
