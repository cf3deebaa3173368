/**
 * Views of a model's tree session used by a measurement:
 * - `temperatureSession`: every distribution passed through `withTemperature(T)` (models return
 *   temperature-1 distributions; SPEC.md: μ, μ₂ and the trees are at the configured temperature);
 * - `subSession`: the same session re-rooted at one of its nodes, so a draft tree built at
 *   position t of a generated sequence reuses the backend's state for the prefix (with a KV-cache
 *   backend, the tree costs one token per node instead of re-reading the prefix).
 */
import { withTemperature } from '../dist/temperature.js';
import type { TokenDistribution } from '../dist/distribution.js';
import type { DistributionCallOptions, TreeExpansion, TreeNodeResult, TreeSession } from '../models/model.js';

/** `session` with every distribution at temperature `temperature` (the same object when T = 1). */
export function temperatureSession(session: TreeSession, temperature: number): TreeSession {
  if (temperature === 1) return session;
  return {
    root: withTemperature(session.root, temperature),
    async expand(requests: readonly TreeExpansion[], options?: DistributionCallOptions): Promise<TreeNodeResult[]> {
      const results = await session.expand(requests, options);
      return results.map((r) => ({ node: r.node, distribution: withTemperature(r.distribution, temperature) }));
    },
    close() {
      session.close();
    },
  };
}

/**
 * `session` seen from its node `node` (whose next-token distribution is `distribution`): node 0 of
 * the view is `node`; nodes the view creates keep the ids the underlying session gives them
 * (always > `node`, so never 0). Closing the view does not close the session.
 */
export function subSession(session: TreeSession, node: number, distribution: TokenDistribution): TreeSession {
  if (node === 0) return { root: distribution, expand: (r, o) => session.expand(r, o), close() {} };
  return {
    root: distribution,
    expand(requests: readonly TreeExpansion[], options?: DistributionCallOptions): Promise<TreeNodeResult[]> {
      return session.expand(
        requests.map((r) => (r.parent === 0 ? { parent: node, token: r.token } : r)),
        options,
      );
    },
    close() {},
  };
}
