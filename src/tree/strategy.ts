/**
 * A drafting strategy turns "what the drafter (and, for the oracle, the verifier) predicts after
 * this prefix" into a draft tree of budget P (nodes including the root). Every strategy returns a
 * prefix-closed tree of exactly P nodes when the models' supports allow it.
 */
import type { Rng } from '../core/rng.js';
import type { TreeSession } from '../models/model.js';
import type { DraftTree } from './draft-tree.js';

export interface DraftingContext {
  /** The drafter's session, opened on the current prefix. */
  readonly drafter: TreeSession;
  /** The verifier's session on the same prefix (only the oracle needs it). */
  readonly verifier?: TreeSession;
  /** P: tree nodes including the root. */
  readonly budget: number;
  readonly rng?: Rng;
  readonly signal?: AbortSignal;
}

export interface DraftingStrategy {
  /** Short name used on the command line and in reports (`oracle`, `eagle`, …). */
  readonly name: string;
  /** One line for tables: what the strategy does with its parameters. */
  readonly description: string;
  build(context: DraftingContext): Promise<DraftTree>;
}

/** Throws RangeError unless P is an integer ≥ 1. */
export function checkBudget(budget: number): void {
  if (!Number.isSafeInteger(budget) || budget < 1) throw new RangeError(`draft budget P must be an integer >= 1 (the root counts), got ${budget}`);
}
