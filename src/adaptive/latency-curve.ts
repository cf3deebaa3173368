/**
 * The cost of one speculative step as a function of its budget P (docs/conventions.md: nodes including the
 * root): T(P) = verifier pass over P tokens + drafting the tree. The adaptive speed-of-light
 * (`dinkelbach.ts`) needs T only at P = 1..P-max, so a curve is a table `costs[P − 1]`.
 *
 * Kinds (issue 16's list, docs/history.md): `constant` (the paper's timing model, T(P) = T(1)), `linear:C`
 * (T(P) = T(1)·(1 + C·(P − 1)): each extra node costs a fraction C of a plain decoding step, e.g. a
 * draft-model chain), and any `plan/` latency model in milliseconds (the planner's roofline, a
 * measured `--latency-csv` / `profile` table), optionally plus a drafter's T_d(P).
 * Relative curves are in units of T(1), so a throughput in tokens per T(1) is the speedup over
 * plain decoding (one token per T(1)).
 */
import { InvalidValueError } from '../core/errors.js';
import type { DrafterLatency, LatencyModel, NumberKind } from '../plan/latency.js';

export interface LatencyCurve {
  /** costs[P − 1] = T(P), P = 1..costs.length; every entry finite and > 0. */
  readonly costs: Float64Array;
  /** 'T(1)' when relative to a plain decoding step, 'ms' for milliseconds. */
  readonly unit: 'T(1)' | 'ms';
  /** Short spelling, e.g. `linear:0.05` (what `parseLatencySpec` reads). */
  readonly label: string;
  /** One line: what T(P) is and where it comes from. */
  readonly description: string;
  readonly kind: NumberKind;
}

/** The default of reports: each extra drafted node costs 5% of a plain step (a small draft model's chain; stated wherever it is used). */
export const DEFAULT_LATENCY_SPEC = 'linear:0.05';

function table(PMax: number, cost: (P: number) => number, source: string): Float64Array {
  if (!Number.isSafeInteger(PMax) || PMax < 1) throw new RangeError(`latency curve: P-max must be an integer >= 1, got ${PMax}`);
  const out = new Float64Array(PMax);
  for (let P = 1; P <= PMax; P++) {
    const t = cost(P);
    if (!(t > 0) || !Number.isFinite(t)) throw new InvalidValueError('latency', t, `T(${P}) must be a positive, finite time`, source);
    out[P - 1] = t;
  }
  return out;
}

/** The paper's timing model: every verifier pass costs the same, whatever P (then the largest P always wins). */
export function constantLatency(PMax: number): LatencyCurve {
  return { costs: table(PMax, () => 1, 'constant'), unit: 'T(1)', label: 'constant', description: "T(P) = T(1) (the paper's timing model)", kind: 'estimate' };
}

/** T(P) = T(1)·(1 + slope·(P − 1)), slope ≥ 0. */
export function linearLatency(PMax: number, slope: number, source = '--latency'): LatencyCurve {
  if (!(slope >= 0) || !Number.isFinite(slope)) throw new InvalidValueError('latency', `linear:${slope}`, 'the slope must be a finite number >= 0', source);
  return {
    costs: table(PMax, (P) => 1 + slope * (P - 1), source),
    unit: 'T(1)',
    label: `linear:${slope}`,
    description: `T(P) = T(1)·(1 + ${slope}·(P - 1)) (each drafted node costs ${slope} of a plain decoding step)`,
    kind: 'estimate',
  };
}

/** T(P) = T_v(P) + T_d(P) in milliseconds from `plan/` latency models (roofline or measured table). */
export function latencyFromModels(PMax: number, verifier: LatencyModel, drafter?: DrafterLatency, label = 'model'): LatencyCurve {
  return {
    costs: table(PMax, (P) => verifier.milliseconds(P) + (drafter?.milliseconds(P) ?? 0), label),
    unit: 'ms',
    label,
    description: `T(P) = ${drafter === undefined ? verifier.description : `${verifier.description}; plus ${drafter.description}`}`,
    kind: drafter === undefined ? verifier.kind : verifier.kind === 'measured' && drafter.kind === 'measured' ? 'measured' : 'estimate',
  };
}

/**
 * Reads `constant` or `linear:C` (the latency kinds that need no file or hardware preset).
 * Throws InvalidValueError naming `source`.
 */
export function parseLatencySpec(text: string, PMax: number, source = '--latency'): LatencyCurve {
  const spec = text.trim();
  if (spec === 'constant') return constantLatency(PMax);
  const m = /^linear:(.+)$/.exec(spec);
  if (m !== null) {
    const slope = Number(m[1]);
    if (m[1]!.trim() === '' || !Number.isFinite(slope)) throw new InvalidValueError('latency', text, 'linear:C needs a number C >= 0, e.g. linear:0.05', source);
    return linearLatency(PMax, slope, source);
  }
  throw new InvalidValueError('latency', text, 'expected constant or linear:C (C = cost of one drafted node in plain decoding steps, e.g. linear:0.05)', source);
}

/** A curve cut or checked to P-max: the first PMax costs (throws when the curve is shorter). */
export function latencyUpTo(curve: LatencyCurve, PMax: number): LatencyCurve {
  if (curve.costs.length < PMax) throw new RangeError(`latency curve ${curve.label} holds T(P) up to P = ${curve.costs.length}, fewer than P-max = ${PMax}`);
  return curve.costs.length === PMax ? curve : { ...curve, costs: curve.costs.slice(0, PMax) };
}
