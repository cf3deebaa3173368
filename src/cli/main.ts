/**
 * The `specbound` command line. Each command lives in `commands/<name>.ts` and exports
 * `register(program)`; command modules keep their top-level imports light and load heavy layers
 * (models, plotting, the web server) inside their actions.
 *
 * Errors: a SpecboundError (bad input, unreachable server) prints one line `specbound: …` and
 * exits with its code (2 for bad input); commander's usage errors exit 2; a file-system error of
 * the environment (full disk, read-only or forbidden path) that carries its path is one line,
 * exit 2; anything else is a bug and prints one line (the stack only with SPECBOUND_DEBUG=1), exit 1.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { FileSystemError, fileSystemCode, SpecboundError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('specbound')
    .description(
      'How far can speculative decoding go for your model on your workload?\n' +
        'Speed-of-light bounds (Pankratov & Alistarh, EACL 2026), measured on real models.\n' +
        'Conventions: P = draft-tree nodes including the root (one verifier pass); X = tokens per\n' +
        'iteration including the bonus token; logs are natural (nats).',
    )
    .version(VERSION)
    // Descriptions are laid out by hand; do not re-wrap them at 80 columns when piped.
    .configureHelp({ helpWidth: 160 })
    .configureOutput({ outputError: (str, write) => write(`specbound: ${oneLine(str)} (see --help)\n`) });
  for (const register of commands) register(program);
  program.exitOverride();
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({ outputError: (str, write) => write(`specbound ${c.name()}: ${oneLine(str)} (see --help)\n`) });
  }
  return program;
}

/** Commander's messages as one line ("unknown option '--pi' (Did you mean --pi0?)"). */
function oneLine(message: string): string {
  return message.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
}

export async function main(argv: readonly string[]): Promise<number> {
  // `specbound … | head` closes our stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2; // commander already printed its one-line message
  }
  if (err instanceof SpecboundError) {
    process.stderr.write(`specbound: ${err.message}\n`);
    return err.exitCode;
  }
  // A full disk or a read-only place a writer did not word itself: still the environment, one line, exit 2.
  const code = fileSystemCode(err);
  const file = (err as { path?: unknown; dest?: unknown }).path;
  if (code !== undefined && typeof file === 'string') {
    const syscall = String((err as { syscall?: unknown }).syscall);
    const action = syscall === 'open' ? 'open' : syscall === 'mkdir' ? 'create' : ['read', 'scandir', 'stat', 'lstat'].includes(syscall) ? 'read' : 'write';
    const e = new FileSystemError(action, file, code);
    process.stderr.write(`specbound: ${e.message}\n`);
    return e.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`specbound: internal error: ${msg.split('\n')[0]}${process.env['SPECBOUND_DEBUG'] === '1' ? '' : ' (SPECBOUND_DEBUG=1 shows the stack)'}\n`);
  if (process.env['SPECBOUND_DEBUG'] === '1' && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
  return 1;
}

// Run when executed directly (tsx src/cli/main.ts …); bin/specbound.js imports `main` instead.
const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
