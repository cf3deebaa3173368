import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

describe('createProgress(label, total)', () => {
  const script = `import { createProgress } from ${JSON.stringify(path.join(REPO_ROOT, 'src/cli/progress.ts'))};
const p = createProgress('work', 10); for (let i = 0; i < 10; i++) p.increment(); p.stop();`;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  it('prints nothing when stderr is not a terminal (clean logs and --json)', () => {
    const r = run({ SPECBOUND_PROGRESS: '' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('work [');
  });
  it('prints the bar to stderr when forced with SPECBOUND_PROGRESS=1, even without a terminal', () => {
    const r = run({ SPECBOUND_PROGRESS: '1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('work [');
    expect(r.stderr).toContain('10/10');
    expect(r.stdout).toBe('');
  });
});
