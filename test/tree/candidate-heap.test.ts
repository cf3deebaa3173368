import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CandidateHeap } from '../../src/tree/candidate-heap.js';

describe('CandidateHeap(before)', () => {
  it('pops ids in the order of the comparison, ties resolved by the comparison (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 300 }), fc.array(fc.boolean(), { maxLength: 300 }), (keys, popsBetween) => {
        // Max-heap on key, then smaller id first: a total order, so the pop sequence is determined.
        const before = (a: number, b: number) => (keys[a] !== keys[b] ? keys[a]! > keys[b]! : a < b);
        const heap = new CandidateHeap(before);
        const reference: number[] = [];
        const popped: number[] = [];
        const expected: number[] = [];
        keys.forEach((_, id) => {
          heap.push(id);
          reference.push(id);
          if (popsBetween[id] === true) {
            reference.sort((a, b) => (before(a, b) ? -1 : 1));
            expected.push(reference.shift()!);
            popped.push(heap.pop());
          }
        });
        reference.sort((a, b) => (before(a, b) ? -1 : 1));
        expected.push(...reference);
        while (heap.length > 0) popped.push(heap.pop());
        expect(popped).toEqual(expected);
        expect(heap.pop()).toBe(-1);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
