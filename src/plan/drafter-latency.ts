/**
 * Drafter latency T_d(P): the time to build the tree verified at budget P.
 *
 * - `chain`: a draft model proposes a chain, one token per step: P − 1 sequential passes of one
 *   token, T_d = (P − 1)·T_draft(1).
 * - `draft-model`: a draft model grows a tree EAGLE-2 style: `depth` sequential steps, each
 *   expanding the `top_k` best frontier nodes in one pass, T_d = depth·T_draft(top_k).
 * - `eagle`: the same schedule with an EAGLE head (one decoder layer reading the verifier's hidden
 *   states) as the draft network.
 * - `ngram`: prompt-lookup drafting on the CPU, ≈ free: T_d = 0.
 *
 * depth and top_k come from the tree shape chosen for P (`tree-shape.ts`); for a chain they are
 * P − 1 and 1, so `chain` is `draft-model` with the shape forced to a chain.
 */
import { InvalidValueError } from '../core/errors.js';
import type { DrafterLatency, LatencyModel } from './latency.js';
import type { TreeShapeSummary } from './tree-shape.js';

export const DRAFTER_KINDS = ['chain', 'eagle', 'draft-model', 'ngram'] as const;
export type DrafterKind = (typeof DRAFTER_KINDS)[number];

export function parseDrafterKind(text: string, source = '--drafter'): DrafterKind {
  const v = text.trim().toLowerCase();
  if ((DRAFTER_KINDS as readonly string[]).includes(v)) return v as DrafterKind;
  throw new InvalidValueError('drafter', text, `expected one of ${DRAFTER_KINDS.join(', ')}`, source);
}

/** True for drafters that can only propose a chain. */
export function drafterIsChainOnly(kind: DrafterKind): boolean {
  return kind === 'chain' || kind === 'ngram';
}

/**
 * T_d(P) for a drafter kind. `draftPass` is the draft network's T(k) (a draft model or EAGLE
 * head roofline, or a measured table); unused for `ngram`. `shapeAt(P)` gives the tree shape.
 */
export function drafterLatency(kind: DrafterKind, draftPass: LatencyModel | undefined, shapeAt: (P: number) => TreeShapeSummary): DrafterLatency {
  if (kind === 'ngram') {
    return { kind: 'estimate', description: 'n-gram prompt lookup on the CPU: taken as free (0 ms)', milliseconds: () => 0 };
  }
  if (draftPass === undefined) throw new Error(`drafter ${kind} needs a draft-pass latency model`);
  const what = kind === 'eagle' ? 'EAGLE head' : 'draft model';
  return {
    kind: draftPass.kind,
    description: `${kind}: depth sequential ${what} passes of top_k tokens each; ${draftPass.description}`,
    milliseconds: (P) => {
      if (P <= 1) return 0;
      const shape = shapeAt(P);
      return shape.depth * draftPass.milliseconds(Math.max(1, shape.topK));
    },
  };
}
