/**
 * A small report.json valid against ReportSchema, built in code for tests of the readers
 * (web page, planner). Curves: Theorem 1 and ln P/μ from theory/ for μ = 0.5, μ₂ = 1.2; the
 * "oracle", "iid" and drafter curves are synthetic but ordered as real ones are
 * (drafters ≤ oracle, iid ≤ Theorem 1).
 */
import { limitEstimate, reportedBound } from '../../src/theory/index.js';
import { ReportSchema, type Report } from '../../src/results/results-schema.js';

export function fixtureReport(mu = 0.5, mu2 = 1.2): Report {
  const budgets = [1, 2, 4, 8, 16, 32, 64, 128, 256];
  const curve = (f: (P: number) => number, se = 0.01) => budgets.map((P) => ({ P, mean: f(P), se }));
  const est = (x: number) => ({ estimate: x, ci95: [x * 0.9, x * 1.1] as [number, number], interval: [x, x] as [number, number] });
  const summary = { positions: 400, sequences: 8, mu: est(mu), mu2: est(mu2), muCE: est(mu * 1.4), pi0: est(0.01), tailMass: 0 };
  const report = {
    version: 1,
    generator: 'test fixture',
    config: { target: 'builtin', draft: 'builtin-draft', prompts: 'builtin', samples: 8, maxNewTokens: 50, temperature: 1, PMax: 256, seed: 1 },
    stats: { overall: summary, tasks: { story: summary, code: { ...summary, mu: est(mu * 0.8) } } },
    curves: {
      oracle: curve((P) => Math.min(P, 1 + 0.9 * Math.log(P) / mu)),
      iid: curve((P) => Math.min(P, 1 + 0.8 * Math.log(P) / mu)),
      theorem1: curve((P) => reportedBound({ mu, mu2 }, P).value, 0),
      limit: curve((P) => limitEstimate(mu, P), 0),
      drafters: { chain: curve((P) => Math.min(P, 1 + 0.3 * Math.log(P) / mu)), 'q-greedy': curve((P) => Math.min(P, 1 + 0.5 * Math.log(P) / mu)) },
    },
    entropyHistogram: { edges: [0, 0.5, 1, 1.5, 2], counts: [50, 20, 20, 10] },
  };
  return ReportSchema.parse(report);
}
