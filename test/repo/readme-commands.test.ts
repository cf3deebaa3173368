/**
 * The README's two first commands are the contract with a newcomer (and CI's .ci/run runs the
 * second one exactly): check that they stay in step with the files they name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const commands = firstBlock
  .split('\n')
  .map((line) => line.replace(/#.*$/, '').trim())
  .filter((line) => line !== '');

describe('README first commands', () => {
  it('are two: run the main job, run the tests', () => {
    expect(commands).toEqual(['npm ci && npx specbound report', 'bash scripts/test-all.sh']);
  });

  it('.ci/run runs exactly the README test command', () => {
    const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    const runLines = ci.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(runLines).toEqual(['exec bash scripts/test-all.sh']);
  });

  it('the test script installs chromium when missing, then npm ci and npm test', () => {
    const script = readFileSync(path.join(REPO_ROOT, 'scripts', 'test-all.sh'), 'utf8');
    expect(script).toMatch(/apt-get install -y -qq chromium/);
    const ci = script.indexOf('npm ci');
    const test = script.indexOf('npm test');
    expect(ci).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(ci);
  });
});
