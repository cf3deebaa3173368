import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BuiltinNgramModel } from '../../src/models/builtin/load.js';
import { trainBuiltinModel } from '../../src/models/builtin/train.js';
import type { TokenDistribution } from '../../src/distribution/distribution.js';

const TEXTS = [
  'The cat sat on the mat. The dog sat on the log.',
  'A cat and a dog met at the gate; the cat ran.',
  'Then the dog said: "The mat is mine!"',
];
const trained = trainBuiltinModel({ trainingVersion: 1, corpus: 'toy', merges: 0, targetOrder: 5, draftOrder: 3 }, TEXTS);
const models = [
  new BuiltinNgramModel('builtin', trained, { order: 5, uniformFloor: true }),
  new BuiltinNgramModel('builtin-draft', trained, { order: 3, uniformFloor: false, lowestOrder: 2 }),
];

const logProbs = (d: TokenDistribution | undefined) => Array.from((d as Extract<TokenDistribution, { kind: 'dense' }>).logProbs);

describe('BuiltinNgramModel.openTree(prefix)', () => {
  it('gives every node the distribution of its whole prefix, for random trees and prefixes', async () => {
    const letters = models[0]!.tokenizer.encode('the cat dog.', { bos: false });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...models),
        fc.constantFrom('', 'The', 'the cat sat on th', 'xyz {', 'A dog'),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...letters, 2, 4)), { minLength: 1, maxLength: 20 }),
        async (model, text, bos, steps) => {
          const prefix = model.tokenizer.encode(text, { bos });
          const session = await model.openTree(prefix);
          const paths: number[][] = [prefix];
          expect(logProbs(session.root)).toEqual(logProbs((await model.nextTokenDistributions([prefix]))[0]));
          for (const [pick, token] of steps) {
            const parent = pick % paths.length;
            const [result] = await session.expand([{ parent, token }]);
            const path = [...paths[parent]!, token];
            paths.push(path);
            expect(result!.node).toBe(paths.length - 1);
            expect(logProbs(result!.distribution)).toEqual(logProbs((await model.nextTokenDistributions([path]))[0]));
          }
          session.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('expands several requests in order and rejects unknown nodes and tokens', async () => {
    const model = models[0]!;
    const session = await model.openTree(model.tokenizer.encode('The'));
    const results = await session.expand([
      { parent: 0, token: 4 },
      { parent: 1, token: 5 },
      { parent: 0, token: 6 },
    ]);
    expect(results.map((r) => r.node)).toEqual([1, 2, 3]);
    await expect(session.expand([{ parent: 9, token: 4 }])).rejects.toThrow(/tree node 9/);
    await expect(session.expand([{ parent: 0, token: 999 }])).rejects.toThrow(/token id 999/);
  });
});
