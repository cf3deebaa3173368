/**
 * Views of a model's tree session (generic: `measure` uses them, any tree builder may):
 * - `temperatureSession`: every distribution passed through `withTemperature(T)` (models return
 *   temperature-1 distributions; μ, μ₂ and the trees are taken at the sampling temperature, as the
 *   paper's verifier samples from its tempered distribution, docs/architecture.md "Contracts");
 * - `subSession`: the same session re-rooted at one of its nodes, so a draft tree built at
 *   position t of a generated sequence reuses the backend's state for the prefix (with a KV-cache
 *   backend, the tree costs one token per node instead of re-reading the prefix).
 */
import { withTemperature } from '../distribution/temperature.js';
import type { TokenDistribution } from '../distribution/distribution.js';
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

/**
 * `session` with memory: expanding a (parent, token) pair that was expanded before returns the
 * same node and distribution without asking the model again. The oracle tree, the drafters'
 * trees and their verification at one position overlap heavily (they all follow the likeliest
 * continuations), so this removes most of the model work of a measurement. Results are the
 * same as without the cache: a node's distribution depends only on its path.
 */
export function cachingSession(session: TreeSession): TreeSession & { readonly hits: () => number } {
  const cache = new Map<string, TreeNodeResult>();
  let hits = 0;
  return {
    root: session.root,
    hits: () => hits,
    async expand(requests: readonly TreeExpansion[], options?: DistributionCallOptions): Promise<TreeNodeResult[]> {
      const out = new Array<TreeNodeResult | undefined>(requests.length);
      const missing: number[] = [];
      const missingKeys = new Map<string, number>();
      requests.forEach((r, i) => {
        const key = `${r.parent}:${r.token}`;
        const hit = cache.get(key);
        if (hit !== undefined) {
          out[i] = hit;
          hits++;
        } else if (!missingKeys.has(key)) {
          missingKeys.set(key, missing.length);
          missing.push(i);
        }
      });
      if (missing.length > 0) {
        const results = await session.expand(
          missing.map((i) => requests[i]!),
          options,
        );
        if (results.length !== missing.length) throw new Error(`tree session returned ${results.length} nodes for ${missing.length} requests`);
        missing.forEach((i, j) => {
          const r = requests[i]!;
          cache.set(`${r.parent}:${r.token}`, results[j]!);
        });
      }
      return requests.map((r, i) => out[i] ?? cache.get(`${r.parent}:${r.token}`)!);
    },
    close() {
      cache.clear();
      session.close();
    },
  };
}
