/**
 * Parses the `--law` spellings of `specbound simulate`:
 *   zipf:S:V                 every node Zipf(S) over V tokens (deterministic tree, exact result)
 *   dirichlet:ALPHA:V        every node a fresh symmetric Dirichlet(ALPHA) over V tokens
 *   mixture:W:EPS:S:V        with probability W near-deterministic (1 − EPS on top), else Zipf(S)
 *   calibrated:MU:MU2[:V]    the confident/spread mixture matching (μ, μ₂)
 * Bad text is an InvalidValueError naming the flag, the text and what was expected.
 */
import { InvalidValueError } from '../core/errors.js';
import { calibratedLaw } from './calibrated-law.js';
import type { ChildLaw } from './child-law.js';
import { dirichletLaw } from './dirichlet-law.js';
import { mixtureLaw } from './mixture-law.js';
import { zipfLaw } from './zipf-law.js';

export const LAW_SYNTAX = 'zipf:S:V, dirichlet:ALPHA:V, mixture:W:EPS:S:V or calibrated:MU:MU2[:V]';

export function parseLaw(text: string, flag = '--law'): ChildLaw {
  const [kind = '', ...fields] = text.trim().split(':');
  const number = (i: number, name: string): number => {
    const raw = fields[i];
    const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) throw new InvalidValueError(flag, text, `${name} ${raw === undefined ? 'is missing' : `"${raw}" is not a number`}; expected ${LAW_SYNTAX}`);
    return v;
  };
  const arity = (min: number, max = min): void => {
    if (fields.length < min || fields.length > max) throw new InvalidValueError(flag, text, `${kind} takes ${min === max ? min : `${min} or ${max}`} fields; expected ${LAW_SYNTAX}`);
  };
  switch (kind.toLowerCase()) {
    case 'zipf':
      arity(2);
      return zipfLaw(number(0, 'exponent S'), number(1, 'vocabulary V'), `${flag} ${text}`);
    case 'dirichlet':
      arity(2);
      return dirichletLaw(number(0, 'ALPHA'), number(1, 'vocabulary V'), `${flag} ${text}`);
    case 'mixture':
      arity(4);
      return mixtureLaw({ weight: number(0, 'weight W'), epsilon: number(1, 'EPS'), s: number(2, 'exponent S'), vocabSize: number(3, 'vocabulary V') }, `${flag} ${text}`);
    case 'calibrated':
      arity(2, 3);
      return calibratedLaw(
        { mu: number(0, 'MU'), mu2: number(1, 'MU2'), ...(fields.length === 3 ? { vocabSize: number(2, 'vocabulary V') } : {}) },
        `${flag} ${text}`,
      );
    default:
      throw new InvalidValueError(flag, text, `unknown law "${kind}"; expected ${LAW_SYNTAX}`);
  }
}
