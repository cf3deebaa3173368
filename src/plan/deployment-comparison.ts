/**
 * A live deployment against its speed-of-light: its measured mean acceptance length at its own
 * budget P, beside the run's measured oracle E[X*](P) (the most any drafter could reach on that
 * model and workload), the i.i.d. optimum, Theorem 1's bound and the ln P/μ estimate. The
 * headline is measured / speed-of-light, where the speed-of-light is the oracle when a run is
 * given, else the i.i.d. optimum (the run's, or simulated from μ, μ₂), else Theorem 1 where it
 * applies, else the trivial bound P (and the text says which).
 */
import type { Report } from '../results/results-schema.js';
import { limitEstimate, reportedBound, type EntropyStats } from '../theory/index.js';
import type { AcceptedCurve } from './accepted-curve.js';
import type { DeploymentMetrics } from './deployment-metrics.js';
import type { NumberKind } from './latency.js';

export interface LabelledValue {
  readonly value: number;
  readonly kind: NumberKind;
  /** What the value is, in words. */
  readonly label: string;
}

export interface DeploymentComparison {
  readonly engine: DeploymentMetrics['engine'];
  readonly source: string;
  readonly budget: number | undefined;
  readonly meanAcceptanceLength: LabelledValue;
  readonly perPositionAcceptance: readonly number[];
  readonly conditionalAcceptance: readonly number[];
  /** Reference values at the deployment's budget. */
  readonly atBudget: {
    readonly oracle?: LabelledValue;
    readonly iid?: LabelledValue;
    readonly theorem1?: LabelledValue;
    readonly limit?: LabelledValue;
    readonly trivial?: LabelledValue;
  };
  /** The reference used for the headline. */
  readonly speedOfLight?: LabelledValue;
  /** measured / speed-of-light, in [0, 1] up to noise. */
  readonly fractionOfSpeedOfLight?: number;
  readonly summary: string;
  readonly notes: readonly string[];
}

/**
 * A run curve's value at P: exact when measured there, else linear interpolation in ln P between
 * the neighbouring budgets (undefined outside the measured range).
 */
export function curveValueAt(points: readonly { P: number; mean: number }[] | undefined, P: number): { value: number; interpolated: boolean } | undefined {
  if (points === undefined || points.length === 0) return undefined;
  const sorted = [...points].sort((a, b) => a.P - b.P);
  const exact = sorted.find((p) => p.P === P);
  if (exact !== undefined) return { value: exact.mean, interpolated: false };
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.P < P && P < b.P) {
      const t = (Math.log(P) - Math.log(a.P)) / (Math.log(b.P) - Math.log(a.P));
      return { value: a.mean + t * (b.mean - a.mean), interpolated: true };
    }
  }
  return undefined;
}

export function compareDeployment(metrics: DeploymentMetrics, context: { report?: Report; stats?: EntropyStats; runLabel?: string; iid?: AcceptedCurve }): DeploymentComparison {
  const notes = [...metrics.notes];
  const P = metrics.budget;
  const measured: LabelledValue = {
    value: metrics.meanAcceptanceLength,
    kind: 'measured',
    label: metrics.engine === 'vllm' ? 'vLLM mean acceptance length 1 + accepted/drafts' : 'SGLang avg_spec_accept_length',
  };
  const atBudget: {
    oracle?: LabelledValue;
    iid?: LabelledValue;
    theorem1?: LabelledValue;
    limit?: LabelledValue;
    trivial?: LabelledValue;
  } = {};
  if (P !== undefined) {
    atBudget.trivial = { value: P, kind: 'bound', label: 'trivial bound E[X] <= P' };
    const run = context.report;
    if (run !== undefined) {
      const o = curveValueAt(run.curves.oracle, P);
      if (o !== undefined) atBudget.oracle = { value: o.value, kind: 'measured', label: `oracle E[X*](${P}) of ${context.runLabel ?? 'the run'}${o.interpolated ? ' (interpolated in ln P)' : ''}` };
      else notes.push(`the run's oracle curve does not cover P = ${P}`);
      const iid = curveValueAt(run.curves.iid, P);
      if (iid !== undefined) atBudget.iid = { value: iid.value, kind: 'measured', label: `i.i.d. optimum at P = ${P}${iid.interpolated ? ' (interpolated in ln P)' : ''}` };
    }
    if (atBudget.iid === undefined && context.iid !== undefined) {
      const pt = context.iid.points.find((p) => p.P === P);
      if (pt !== undefined) atBudget.iid = { value: pt.expectedAccepted, kind: 'estimate', label: `simulated i.i.d. optimum E[X*](${P}) of the calibrated law` };
    }
    if (context.stats !== undefined) {
      const b = reportedBound(context.stats, P);
      // Below P = 1 + mu2/mu^2 Theorem 1 says nothing (its value is the trivial bound): not a reference then.
      if (b.theoremApplies) atBudget.theorem1 = { value: b.value, kind: 'bound', label: `Theorem 1 bound at P = ${P}` };
      else notes.push(`Theorem 1 applies only from P = 1 + mu2/mu^2 = ${fmt(1 + context.stats.mu2 / context.stats.mu ** 2)}; at P = ${P} the only bound is the trivial E[X] <= P`);
      atBudget.limit = { value: Math.min(P, Math.max(1, limitEstimate(context.stats.mu, P))), kind: 'estimate', label: `ln P / mu at P = ${P}` };
    }
  } else {
    notes.push('the deployment does not say its budget, so it cannot be placed against the bounds');
  }
  const speedOfLight = atBudget.oracle ?? atBudget.iid ?? atBudget.theorem1 ?? atBudget.trivial;
  const fraction = speedOfLight === undefined ? undefined : measured.value / speedOfLight.value;
  let summary: string;
  if (speedOfLight === undefined || fraction === undefined || P === undefined) {
    summary = `this deployment accepts ${fmt(measured.value)} tokens per verifier pass (measured); its budget is unknown`;
  } else {
    const which =
      atBudget.oracle !== undefined
        ? 'the measured oracle'
        : atBudget.iid !== undefined
          ? `the ${atBudget.iid.kind === 'measured' ? "run's" : 'simulated'} i.i.d. optimum`
          : atBudget.theorem1 !== undefined
            ? 'the Theorem 1 bound'
            : 'the trivial bound E[X] <= P (give --run or --preset for a real speed-of-light)';
    summary =
      `this deployment reaches ${Math.round(fraction * 100)}% of the speed-of-light at its budget P = ${P}: ` +
      `${fmt(measured.value)} tokens per pass measured vs ${fmt(speedOfLight.value)} from ${which}`;
  }
  return {
    engine: metrics.engine,
    source: metrics.source,
    budget: P,
    meanAcceptanceLength: measured,
    perPositionAcceptance: metrics.perPositionAcceptance,
    conditionalAcceptance: metrics.conditionalAcceptance,
    atBudget,
    ...(speedOfLight === undefined ? {} : { speedOfLight }),
    ...(fraction === undefined ? {} : { fractionOfSpeedOfLight: fraction }),
    summary,
    notes,
  };
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
