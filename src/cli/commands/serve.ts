/** `specbound serve`: the local web page (explorer, runs, plans). */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { InvalidValueError } from '../../core/errors.js';
import { parseInteger } from '../parse.js';

interface ServeOptions {
  port: number;
  host?: string;
  runs?: string;
  allowedHosts?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .summary('open the local web page: explore the bounds, read measurement runs and plans')
    .description(
      'Serves a single-page app on http://127.0.0.1:PORT/ (loopback only unless --host is given):\n' +
        '  Explorer  sliders for mu, mu2, mu_CE and the budget range; Table 1 presets; live plot of\n' +
        '            Theorem 1, ln P/mu, ln P/mu_CE and the simulated i.i.d. optimum; shareable URL\n' +
        '  Runs      the run directories under --runs (made by `specbound measure`/`report`), with\n' +
        '            the figures of report.html and a plan view for plan.json files beside them\n' +
        'It serves only its own assets and the regular files of the --runs directory, read-only; it\n' +
        'runs no commands, and answers only requests whose Host is a loopback name, the --host or an\n' +
        '--allowed-hosts name (403 otherwise, against DNS rebinding).',
    )
    .option('--port <n>', 'TCP port (0 = any free port)', (v) => parseInteger('--port', v, { min: 0, max: 65535 }), 8790)
    .option('--host <host>', 'interface to bind; give 0.0.0.0 only if you mean to expose the page (default 127.0.0.1)')
    .option('--runs <dir>', 'directory of run directories (made by specbound report or measure: report.json or results.json) to show')
    .option('--allowed-hosts <names>', 'comma-separated host names accepted in the Host header besides loopback names and --host')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  specbound report --out runs/builtin && specbound serve --runs runs     # then open http://127.0.0.1:8790/#/runs\n' +
        '  specbound serve --port 0 --runs runs                                  # any free port (printed)\n' +
        '  open http://127.0.0.1:8790/#/explorer?preset=qwen3-8b                   # the explorer on a Table 1 preset\n\n' +
        'The page is for this machine: it binds 127.0.0.1 and answers only requests whose Host header names\n' +
        'it (a guard against DNS rebinding); see README "Security".',
    )
    .action(async (opts: ServeOptions) => {
      if (opts.runs !== undefined && !(existsSync(opts.runs) && statSync(opts.runs).isDirectory())) {
        throw new InvalidValueError('--runs', opts.runs, 'not a directory');
      }
      const { createWebServer, listen } = await import('../../web/server.js');
      const host = opts.host ?? '127.0.0.1';
      const allowedHosts = (opts.allowedHosts ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
      const server = createWebServer({ host, allowedHosts, ...(opts.runs === undefined ? {} : { runsDir: opts.runs }) });
      const url = await listen(server, opts.port, host);
      process.stdout.write(`specbound: serving on ${url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close(() => resolve());
          server.closeAllConnections();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
