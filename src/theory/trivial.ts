/**
 * The trivial bound: a verifier pass over P tree nodes yields at most P tokens, E[X] ≤ P.
 * @example trivialBound(8) // 8
 */
import { validateBudget } from './validate.js';

export function trivialBound(P: number): number {
  validateBudget(P);
  return P;
}
