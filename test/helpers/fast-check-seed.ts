/**
 * Property tests are seeded like everything else (the brief: the same seed gives the same
 * numbers), so the suite that decides whether a change lands is the same on every run: a red CI
 * points at the change, not at a new random draw. Tests that pass their own `seed` keep it.
 *
 * To explore new cases (what a nightly job would do): `SPECBOUND_FC_SEED=random npm test`, or
 * `SPECBOUND_FC_SEED=<integer>` to replay one; fast-check prints the seed and the shrunk
 * counterexample of any failure. (A random seed found the μ_CE rounding tolerance fixed in
 * test/stats/topk-properties.test.ts, seed -1208910153.)
 */
import fc from 'fast-check';

const DEFAULT_SEED = 20261204;
const setting = process.env.SPECBOUND_FC_SEED;
if (setting !== 'random') {
  const seed = setting === undefined || setting === '' ? DEFAULT_SEED : Number(setting);
  if (!Number.isInteger(seed)) throw new Error(`SPECBOUND_FC_SEED=${setting}: expected an integer or "random"`);
  fc.configureGlobal({ seed });
}
