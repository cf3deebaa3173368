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

describe('stageEta(done, total, elapsed)', () => {
  it('says nothing until enough of the stage is done to extrapolate', async () => {
    const { stageEta } = await import('../../src/cli/progress.js');
    expect(stageEta(0, 10, 5)).toBeUndefined(); // nothing done: no rate (was NULL/INF)
    expect(stageEta(1, 100, 30)).toBeUndefined(); // one of 100 units: one sample of a variable cost
    expect(stageEta(5, 10, 0.5)).toBeUndefined(); // under a second: timer noise
    // Linear extrapolation by hand: 4 of 10 done in 20 s → 5 s each → 6 left → 30 s.
    expect(stageEta(4, 10, 20)).toBe(30);
    // One of 5 is a fifth of the stage (≥ a tenth): 12 s for one → 48 s for the other four.
    expect(stageEta(1, 5, 12)).toBe(48);
    expect(stageEta(10, 10, 20)).toBe(0);
  });

  it('formats durations as a user reads them', async () => {
    const { formatDuration } = await import('../../src/cli/progress.js');
    expect([formatDuration(42.4), formatDuration(185), formatDuration(3720)]).toEqual(['42s', '3m05s', '1h02m']);
  });
});
