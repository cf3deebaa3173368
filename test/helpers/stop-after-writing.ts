/**
 * Preloaded into a CLI child (`node --import tsx --import THIS_FILE …`) by tests that must act at
 * one exact stage of a run: right after the run renames a file named in STOP_AFTER_WRITING into
 * place (core/atomic-file.ts writes every file that way), the process stops itself (SIGSTOP)
 * until the test sends SIGCONT. Nothing in src/ knows about it.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const names = new Set((process.env['STOP_AFTER_WRITING'] ?? '').split(',').filter((n) => n !== ''));
const renameSync = fs.renameSync;
fs.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
  renameSync(from, to);
  if (names.has(path.basename(String(to)))) process.kill(process.pid, 'SIGSTOP');
};
syncBuiltinESMExports();
