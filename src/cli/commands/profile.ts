/**
 * `specbound profile`: measures a local model's verifier latency T_v(k), the time of one forward
 * pass over k tokens, and writes it as the `k,ms` table `specbound plan --latency-csv` reads.
 */
import type { Command } from 'commander';
import { formatTable } from '../../core/text-table.js';
import { printJson } from '../output.js';
import { parseBudgetList, parseInteger } from '../parse.js';

interface ProfileCliOptions {
  model: string;
  k: number[];
  repeats: number;
  output?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('profile')
    .summary("time one-pass verification of k tokens on a local model (a latency table for `plan`)")
    .description(
      'Measures T_v(k): the wall time of ONE forward pass that verifies k new tokens (k children of\n' +
        'the root of a draft tree, evaluated in one batched, tree-masked pass), on this machine\'s CPU.\n' +
        'The prompt is processed before timing. Each k is run once to warm up, then --repeats times;\n' +
        'the table shows the median (and min, max) in milliseconds.\n\n' +
        'Write the table with -o and give it to `specbound plan --latency-csv FILE` to plan with\n' +
        'measured latencies instead of a roofline.\n\n' +
        'Examples:\n' +
        '  specbound profile --model llama2c:../shared/models/stories260K/stories260K.bin\n' +
        '  specbound profile --model llama2c:model.bin --k 1..64:x2 --repeats 9 -o table.csv',
    )
    .requiredOption('--model <spec>', 'the model: llama2c:PATH (also builtin, llama2c-skip:PATH#layers=..)')
    .option('--k <list>', 'token counts per pass: list or ranges, e.g. 1,2,4 or 1..64:x2', (v) => parseBudgetList('--k', v), parseBudgetList('--k', '1..64:x2'))
    .option('--repeats <n>', 'timed runs per k after one warm-up (median reported)', (v) => parseInteger('--repeats', v, { min: 1, max: 1000 }), 5)
    .option('-o, --output <file>', 'write the table as "k,ms" CSV (for plan --latency-csv)')
    .option('--json', 'print JSON: {"model": .., "rows": [{"k", "ms", "minMs", "maxMs", "repeats"}], "warnings": [..]}')
    .action(async (opts: ProfileCliOptions) => {
      const { loadModel } = await import('../../models/registry.js');
      const { profileVerification, latencyCsv, profileWarnings } = await import('../../plan/profile.js');
      const { createProgress } = await import('../progress.js');
      const model = await loadModel(opts.model, '--model');
      const progress = createProgress('profile', opts.k.length);
      let rows;
      try {
        rows = await profileVerification(model, opts.k, { repeats: opts.repeats, onProgress: (done) => progress.update(done) });
      } finally {
        progress.stop();
        await model.close?.();
      }
      if (opts.output !== undefined) {
        const { writeFileAtomic } = await import('../../core/atomic-file.js');
        const comment = `specbound profile --model ${opts.model}: one-pass verification of k tokens, median of ${opts.repeats} runs, ms`;
        await writeFileAtomic(opts.output, latencyCsv(rows, comment));
      }
      const warnings = profileWarnings(rows);
      for (const w of warnings) process.stderr.write(`specbound profile: warning: ${w}\n`);
      if (opts.json === true) {
        printJson({ model: opts.model, rows, warnings });
      } else {
        process.stdout.write(
          `${formatTable(
            ['k', 'ms (median)', 'min', 'max', 'ms per token'],
            rows.map((r) => [r.k, r.ms, r.minMs, r.maxMs, r.ms / r.k]),
          )}\n`,
        );
      }
    });
}
