/** `specbound presets`: the paper's Table 1 rows usable as `--preset NAME`. */
import type { Command } from 'commander';
import { listPresets, TABLE1_CITATION, theorem1ValidFrom } from '../../theory/index.js';
import { formatTable } from '../../core/text-table.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('presets')
    .summary("list the paper's Table 1 entropy statistics, usable as --preset NAME")
    .description(
      "Lists the rows of the paper's Table 1: mu (expected next-token entropy, nats) and mu2\n" +
        '(expected second log-moment, nats^2) of four verifiers on five datasets at temperature 1.\n' +
        'NAME is a model (its mean row) or model/dataset, e.g. llama3.1-8b or llama3.1-8b/mt-bench.',
    )
    .option('--json', 'print JSON: {"citation": ..., "presets": [{name, model, dataset, mu, mu2}]}')
    .action((opts: { json?: boolean }) => {
      const presets = listPresets();
      if (opts.json === true) {
        printJson({ citation: TABLE1_CITATION, presets: presets.map(({ citation: _c, ...p }) => ({ ...p, theorem1ValidFrom: theorem1ValidFrom(p) })) });
        return;
      }
      process.stdout.write(
        `${formatTable(
          ['name', 'model', 'dataset', 'mu', 'mu2', 'Thm 1 from P'],
          presets.map((p) => [p.name, p.model, p.dataset, p.mu, p.mu2, theorem1ValidFrom(p)]),
        )}\nsource: ${TABLE1_CITATION}\n`,
      );
    });
}
