/**
 * A tree session for any model: the backend's own when it has one (shared ancestors), otherwise
 * an emulation that asks for each node's whole prefix. Callers never special-case backends.
 */
import type { DistributionCallOptions, LanguageModel, TreeExpansion, TreeNodeResult, TreeSession } from './model.js';

export async function openTreeSession(
  model: LanguageModel,
  prefix: readonly number[],
  options?: DistributionCallOptions,
): Promise<TreeSession> {
  if (model.openTree !== undefined) return model.openTree(prefix, options);
  const [root] = await model.nextTokenDistributions([prefix], options);
  if (root === undefined) throw new Error(`${model.name}: no distribution returned for the root prefix`);
  const paths: (readonly number[])[] = [prefix];
  return {
    root,
    async expand(requests: readonly TreeExpansion[], opts?: DistributionCallOptions): Promise<TreeNodeResult[]> {
      const newPaths = requests.map(({ parent, token }) => {
        const p = paths[parent];
        if (p === undefined) throw new RangeError(`tree node ${parent} does not exist`);
        return [...p, token];
      });
      const dists = await model.nextTokenDistributions(newPaths, opts);
      if (dists.length !== newPaths.length) throw new Error(`${model.name}: asked for ${newPaths.length} distributions, got ${dists.length}`);
      return newPaths.map((path, i) => {
        paths.push(path);
        return { node: paths.length - 1, distribution: dists[i]! };
      });
    },
    close() {
      paths.length = 0;
    },
  };
}
