/**
 * Latency models: how long one verifier pass over k tokens takes (T_v(k)), and how long the
 * drafter takes to build a P-node tree (T_d(P)). Milliseconds everywhere. Every model says what
 * kind of number it gives: `measured` (a table or a profile), or `estimate` (a roofline).
 */

/** What a number is: read from a measurement, an upper bound, or an estimate from a model. */
export type NumberKind = 'measured' | 'bound' | 'estimate';

export interface LatencyModel {
  /** Milliseconds for one pass over `k` tokens (k ≥ 1; k = 0 costs nothing). */
  milliseconds(k: number): number;
  /** `measured` for tables and profiles, `estimate` for rooflines. */
  readonly kind: NumberKind;
  /** One line saying where the numbers come from. */
  readonly description: string;
  /**
   * The same model when B sequences share each pass (continuous batching): k tokens of each of B
   * sequences, B·k tokens in one pass. Absent when the model cannot say (then batch planning refuses).
   */
  atBatch?(batch: number): LatencyModel;
}

/** A drafter's cost to build the tree used at budget P (P counts the root; P = 1 drafts nothing). */
export interface DrafterLatency {
  milliseconds(P: number): number;
  readonly kind: NumberKind;
  readonly description: string;
}

/**
 * The kind of a number computed from others: a bound stays a bound (an upper limit given the
 * rest), anything from an estimate is an estimate, and only measured inputs give a measurement.
 */
export function combineKinds(...kinds: readonly NumberKind[]): NumberKind {
  if (kinds.includes('bound')) return 'bound';
  if (kinds.includes('estimate')) return 'estimate';
  return 'measured';
}
