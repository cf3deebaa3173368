import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { openTrace } from '../../src/trace/index.js';
import { InputFileError } from '../../src/core/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = JSON.stringify({ format: 'specbound-trace', version: 1, model: 'm', tokenizer: 't', vocabSize: 8, temperature: 1, promptSet: 'p' });

/** Lines that are near-valid: right keys, arbitrary (often wrong) values. */
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 10 }), fc.constant(-0.5), fc.constant(0));
const dist = fc.oneof(
  fc.record({ ids: fc.array(fc.integer({ min: -2, max: 10 }), { maxLength: 5 }), logprobs: fc.array(number, { maxLength: 5 }) }, { requiredKeys: [] }),
  fc.record({ ids: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }), logprobs: fc.array(fc.double({ min: -8, max: 0, noNaN: true }), { maxLength: 4 }), tail: number }),
  fc.record({ logprobs: fc.array(fc.oneof(number, fc.constant(null)), { minLength: 7, maxLength: 9 }) }),
  fc.record({ logits: fc.array(fc.oneof(number, fc.constant(null)), { minLength: 8, maxLength: 8 }) }),
  fc.anything(),
);
const positionLine = fc
  .record({ seq: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), pos: fc.oneof(fc.nat(), fc.integer(), fc.string()), token: fc.integer({ min: -2, max: 10 }), dist, draft: dist }, { requiredKeys: ['seq', 'dist'] })
  .map((o) => JSON.stringify(o));
const line = fc.oneof(positionLine, positionLine, fc.json(), fc.string(), fc.constantFrom('NaN', '{"seq":0,"pos":0,"dist":{"ids":[1],"logprobs":[-Infinity]}}', '', '{'));

describe('openTrace (fuzzed with fast-check)', () => {
  it('any file either reads as valid distributions or fails with one InputFileError naming file:line', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), fc.boolean(), fc.boolean(), fc.boolean(), async (lines, gzip, withHeader, renormalize) => {
        const file = path.join(dir, `f${n++}.jsonl${gzip ? '.gz' : ''}`);
        const text = [...(withHeader ? [HEADER] : []), ...lines].join('\n');
        await writeFile(file, gzip ? gzipSync(text) : text);
        try {
          const t = await openTrace(file, { renormalize });
          for await (const p of t.positions()) {
            for (const d of p.draft === undefined ? [p.dist] : [p.dist, p.draft]) {
              if (d.kind === 'sparse') {
                expect(d.tailMass).toBeGreaterThanOrEqual(0);
                expect(d.tailMass).toBeLessThanOrEqual(1);
                expect(d.ids.every((id) => id >= 0 && id < 8)).toBe(true);
              } else expect(d.logProbs.length).toBe(8);
              let s = 0;
              for (const l of d.logProbs) {
                expect(Number.isNaN(l)).toBe(false);
                expect(l).toBeLessThanOrEqual(0);
                s += Math.exp(l);
              }
              expect(s + (d.kind === 'sparse' ? d.tailMass : 0)).toBeCloseTo(1, 2);
            }
          }
        } catch (err) {
          expect(err).toBeInstanceOf(InputFileError);
          expect((err as Error).message.split('\n').length).toBe(1);
          expect((err as Error).message.startsWith(file)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
