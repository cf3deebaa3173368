/**
 * Starts the real `specbound serve-model --model MODEL --port 0 --json` in a child process and
 * resolves with its base URL; `stop()` ends it. Used by tests that talk to a served model.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

export interface ServedModel {
  readonly url: string;
  /** The server's process id (to read its memory from /proc). */
  readonly pid: number;
  stop(): void;
}

export function startServeModel(model = 'builtin', extraArgs: readonly string[] = []): Promise<ServedModel> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'serve-model', '--model', model, '--port', '0', '--json', ...extraArgs],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const end = out.indexOf('}');
      if (end >= 0) resolve({ url: (JSON.parse(out.slice(0, end + 1)) as { url: string }).url, pid: child.pid!, stop: () => child.kill('SIGTERM') });
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`serve-model exited with ${code}`)));
  });
}
