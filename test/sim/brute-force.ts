/**
 * Independent reference for the simulator's tests: enumerate every node of a deterministic token
 * tree (each node has the same children `probs`) down to `depth`, sort all node probabilities,
 * and return the cumulative sums of the largest P. Also returns the largest probability a node
 * below `depth` can have, so a test can check the cut-off did not matter.
 */
export function bruteForceOptimum(probs: readonly number[], depth: number, maxNodes: number): { cumulative: number[]; cutoffBound: number; smallestKept: number } {
  const all: number[] = [1];
  let level = [1];
  for (let d = 1; d <= depth; d++) {
    const next: number[] = [];
    for (const parent of level) for (const p of probs) next.push(parent * p);
    all.push(...next);
    level = next;
  }
  all.sort((a, b) => b - a);
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < maxNodes; i++) {
    sum += all[i]!;
    cumulative.push(sum);
  }
  return { cumulative, cutoffBound: Math.max(...probs) ** (depth + 1), smallestKept: all[maxNodes - 1]! };
}
