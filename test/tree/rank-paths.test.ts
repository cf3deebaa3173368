import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromRankPaths, hasUniformLevels, parseRankPaths, toBreadthFirstRankPaths, toRankPaths, toVllmTupleString } from '../../src/tree/rank-paths.js';
import { InvalidValueError } from '../../src/core/errors.js';

describe('toRankPaths(tree) and fromRankPaths(paths)', () => {
  it('round-trip a parent-first list of rank paths exactly', () => {
    const paths = [[0], [0, 0], [1], [0, 1], [0, 0, 0]];
    expect(toRankPaths(fromRankPaths(paths))).toEqual(paths);
  });

  it('accept paths in any order and keep the tree (breadth-first view is order-free)', () => {
    const a = fromRankPaths([[0, 0], [1], [0]]);
    expect(toBreadthFirstRankPaths(a)).toEqual([[0], [1], [0, 0]]);
  });

  it('reject a path whose parent is missing, naming the path', () => {
    expect(() => fromRankPaths([[0], [1, 0]], 'tree.json')).toThrow(InvalidValueError);
    expect(() => fromRankPaths([[0], [1, 0]], 'tree.json')).toThrow(/\[1\] is missing.*|tree\.json/);
  });

  it('reject duplicates and negative ranks', () => {
    expect(() => fromRankPaths([[0], [0]])).toThrow(/appears twice/);
    expect(() => fromRankPaths([[-1]])).toThrow(/not a non-negative integer/);
  });

  it('round-trip random prefix-closed trees (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 })), { maxLength: 30 }), (steps) => {
        // Grow a tree: each step adds rank r below an existing path (if free).
        const paths: number[][] = [];
        const all: number[][] = [[]];
        for (const [pick, r] of steps) {
          const parent = all[pick % all.length]!;
          const p = [...parent, r];
          if (all.some((q) => q.join() === p.join())) continue;
          all.push(p);
          paths.push(p);
        }
        const tree = fromRankPaths(paths);
        expect(tree.size).toBe(paths.length + 1);
        expect(toRankPaths(tree)).toEqual(paths);
        expect(parseRankPaths(toVllmTupleString(tree))).toEqual(toBreadthFirstRankPaths(tree));
        expect(parseRankPaths(JSON.stringify(paths))).toEqual(paths);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('toVllmTupleString(tree)', () => {
  it("prints Python's str() of the breadth-first sorted tuples, as vLLM's speculative_token_tree", () => {
    // vLLM sorts tree_choices by (len, path); Python prints 1-tuples as (0,).
    expect(toVllmTupleString(fromRankPaths([[0], [0, 0], [1]]))).toBe('[(0,), (1,), (0, 0)]');
    expect(toVllmTupleString(fromRankPaths([]))).toBe('[]');
  });
});

describe('parseRankPaths(text)', () => {
  it('reads JSON and vLLM tuple strings', () => {
    expect(parseRankPaths('[[0],[0,0],[1]]')).toEqual([[0], [0, 0], [1]]);
    expect(parseRankPaths('[(0,), (0, 0), (1,)]')).toEqual([[0], [0, 0], [1]]);
  });

  it('rejects text that is not a list of lists of numbers', () => {
    expect(() => parseRankPaths('[[0], "a"]', '--tree')).toThrow(/--tree/);
    expect(() => parseRankPaths('{', '--tree')).toThrow(InvalidValueError);
  });
});

describe('hasUniformLevels(tree)', () => {
  it('is true when every node of a level has as many children (what vLLM can draft)', () => {
    expect(hasUniformLevels(fromRankPaths([[0], [1], [0, 0], [1, 0]]))).toBe(true);
    expect(hasUniformLevels(fromRankPaths([[0], [1], [0, 0]]))).toBe(false);
  });
});
