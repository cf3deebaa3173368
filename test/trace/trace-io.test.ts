import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { createTraceWriter, openTrace } from '../../src/trace/index.js';
import type { TracePosition } from '../../src/trace/index.js';
import { fromLogits, fromTopLogprobs } from '../../src/distribution/index.js';
import { InputFileError } from '../../src/core/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-trace-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = { format: 'specbound-trace', version: 1, model: 'm', tokenizer: 't', vocabSize: 10, temperature: 1, promptSet: 'p' };

async function readAll(file: string, options: Parameters<typeof openTrace>[1] = {}): Promise<TracePosition[]> {
  const t = await openTrace(file, options);
  const out: TracePosition[] = [];
  for await (const p of t.positions()) out.push(p);
  return out;
}

async function traceFile(name: string, lines: readonly unknown[], header: unknown = HEADER): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, [header, ...lines].map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

async function errorOf(file: string, options: Parameters<typeof openTrace>[1] = {}): Promise<string> {
  try {
    await readAll(file, options);
  } catch (err) {
    expect(err).toBeInstanceOf(InputFileError);
    return (err as Error).message;
  }
  throw new Error('expected an InputFileError');
}

describe('createTraceWriter / openTrace', () => {
  for (const name of ['round.jsonl', 'round.jsonl.gz']) {
    it(`writes and reads back sparse, dense and draft distributions (${name})`, async () => {
      const file = path.join(dir, name);
      const w = await createTraceWriter(file, { model: 'm', tokenizer: 't', vocabSize: 4, temperature: 0.7, promptSet: 'p', draftModel: 'd' });
      const sparse = fromTopLogprobs(4, [2, 0], [Math.log(0.5), Math.log(0.25)]);
      const dense = fromLogits(Float64Array.of(0, 1, 2, -Infinity));
      await w.write({ seq: 'a', pos: 0, token: 2, task: 'math', dist: sparse, draft: dense });
      await w.write({ seq: 'a', pos: 1, dist: dense });
      await w.close();
      expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const t = await openTrace(file);
      expect(t.header).toMatchObject({ format: 'specbound-trace', version: 1, vocabSize: 4, temperature: 0.7, draftModel: 'd' });
      const ps: TracePosition[] = [];
      for await (const p of t.positions()) ps.push(p);
      expect(ps.length).toBe(2);
      expect(ps[0]).toMatchObject({ seq: 'a', pos: 0, token: 2, task: 'math', line: 2 });
      expect(ps[0]!.dist).toEqual(sparse);
      expect(ps[0]!.draft?.kind).toBe('dense');
      expect(Array.from(ps[1]!.dist.kind === 'dense' ? ps[1]!.dist.logProbs : [])).toEqual(Array.from(dense.logProbs).map((v): unknown => (v === -Infinity ? -Infinity : expect.closeTo(v, 14))));
      if (name.endsWith('.gz')) expect((await readFile(file))[0]).toBe(0x1f);
    });
  }

  it('abort() leaves no file and no temporary', async () => {
    const file = path.join(dir, 'aborted.jsonl');
    const w = await createTraceWriter(file, { model: 'm', tokenizer: 't', vocabSize: 4, temperature: 1, promptSet: 'p' });
    await w.abort();
    expect((await readdir(dir)).filter((f) => f.includes('aborted'))).toEqual([]);
  });

  it('reads logits lines through a softmax and the tail of a top-k line', async () => {
    const file = await traceFile('logits.jsonl', [
      { seq: 0, pos: 0, dist: { logits: [0, 0, null, 0, 0, 0, 0, 0, 0, 0] } },
      { seq: 0, pos: 1, dist: { ids: [1], logprobs: [Math.log(0.6)], tail: 0.4 } },
    ]);
    const [a, b] = await readAll(file);
    expect(a!.dist.kind === 'dense' && a!.dist.logProbs[0]).toBeCloseTo(-Math.log(9), 14);
    expect(b!.dist.kind === 'sparse' && b!.dist.tailMass).toBeCloseTo(0.4, 14);
  });
});

describe('openTrace rejects bad input with file:line', () => {
  it('empty file', async () => {
    const file = path.join(dir, 'empty.jsonl');
    await writeFile(file, '');
    await expect(openTrace(file)).rejects.toThrow(/empty\.jsonl: empty file/);
  });

  it('missing file', async () => {
    await expect(openTrace(path.join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: cannot read/);
  });

  it('a directory given as a trace', async () => {
    // open() succeeds on a directory and only the read fails (EISDIR): that must still be an InputFileError.
    const err = await openTrace(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(String((err as Error).message)).toContain(`${dir}: cannot read`);
  });

  it('wrong format and wrong version', async () => {
    await expect(openTrace(await traceFile('fmt.jsonl', [], { hello: 1 }))).rejects.toThrow(/fmt\.jsonl:1: not a specbound trace/);
    await expect(openTrace(await traceFile('ver.jsonl', [], { ...HEADER, version: 2 }))).rejects.toThrow(/ver\.jsonl:1: unsupported trace version 2 \(this specbound reads version 1\)/);
  });

  it('malformed JSON names the line', async () => {
    const file = await traceFile('bad.jsonl', [{ seq: 0, pos: 0, dist: { ids: [1], logprobs: [0] } }, '{"seq": 0, "pos": 1,']);
    expect(await errorOf(file)).toMatch(/bad\.jsonl:3: malformed JSON/);
  });

  it('NaN probabilities', async () => {
    const file = await traceFile('nan.jsonl', ['{"seq":0,"pos":0,"dist":{"ids":[1],"logprobs":[NaN]}}']);
    expect(await errorOf(file)).toMatch(/nan\.jsonl:2: a probability is NaN/);
  });

  it('negative tail mass and probabilities above 1', async () => {
    expect(await errorOf(await traceFile('neg.jsonl', [{ seq: 0, pos: 0, dist: { ids: [1], logprobs: [0], tail: -0.2 } }]))).toMatch(/neg\.jsonl:2: dist: tail mass -0\.2 is negative/);
    expect(await errorOf(await traceFile('gt1.jsonl', [{ seq: 0, pos: 0, dist: { ids: [1], logprobs: [0.5] } }]))).toMatch(/gt1\.jsonl:2: dist: logprob 0\.5 of token 1 is > 0/);
  });

  it('sums off 1 say by how much; --renormalize accepts with one warning', async () => {
    const lines = [
      { seq: 0, pos: 0, dist: { ids: [1, 2], logprobs: [Math.log(0.7), Math.log(0.5)] } },
      { seq: 0, pos: 1, dist: { ids: [1, 2], logprobs: [Math.log(0.7), Math.log(0.4)] } },
    ];
    const file = await traceFile('sum.jsonl', lines);
    expect(await errorOf(file)).toMatch(/sum\.jsonl:2: dist: probabilities sum to 1\.20000, off 1 by 0\.200/);
    const warnings: string[] = [];
    const ps = await readAll(file, { renormalize: true, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringMatching(/sum\.jsonl: renormalised 2 distributions .*largest deviation 0\.200 at line 2/)]);
    expect(ps[0]!.dist.kind === 'sparse' && Math.exp(ps[0]!.dist.logProbs[0]!)).toBeCloseTo(0.7 / 1.2, 14);
    const full = await traceFile('fullsum.jsonl', [{ seq: 0, pos: 0, dist: { logprobs: Array(10).fill(Math.log(0.09)) } }]);
    expect(await errorOf(full)).toMatch(/fullsum\.jsonl:2: dist: probabilities sum to 0\.900000, off 1 by 0\.100/);
  });

  it('ids outside the vocabulary, duplicate ids, wrong lengths', async () => {
    expect(await errorOf(await traceFile('oov.jsonl', [{ seq: 0, pos: 0, dist: { ids: [10], logprobs: [-1] } }]))).toMatch(/oov\.jsonl:2: dist: token id 10 is outside the vocabulary \[0, 10\)/);
    expect(await errorOf(await traceFile('tok.jsonl', [{ seq: 0, pos: 0, token: -1, dist: { ids: [1], logprobs: [-1] } }]))).toMatch(/tok\.jsonl:2: token: id -1 is outside/);
    expect(await errorOf(await traceFile('dup.jsonl', [{ seq: 0, pos: 0, dist: { ids: [1, 1], logprobs: [-1, -1] } }]))).toMatch(/listed twice/);
    expect(await errorOf(await traceFile('len.jsonl', [{ seq: 0, pos: 0, dist: { logprobs: [0] } }]))).toMatch(/len\.jsonl:2: dist: 1 logprobs for a full distribution, but the header says vocabSize 10/);
    expect(await errorOf(await traceFile('draft.jsonl', [{ seq: 0, pos: 0, dist: { ids: [1], logprobs: [0] }, draft: { ids: [12], logprobs: [0] } }]))).toMatch(/draft\.jsonl:2: draft: token id 12/);
  });

  it('a field of the wrong type names the field', async () => {
    expect(await errorOf(await traceFile('type.jsonl', [{ seq: 0, pos: 'x', dist: { ids: [1], logprobs: [0] } }]))).toMatch(/type\.jsonl:2: pos: .*\(got "x"\)/);
  });

  it('truncated gzip', async () => {
    const body = [HEADER, ...Array.from({ length: 200 }, (_, i) => ({ seq: 0, pos: i, dist: { ids: [1, 2], logprobs: [Math.log(0.5), Math.log(0.25)] } }))]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const gz = gzipSync(body);
    const file = path.join(dir, 'cut.jsonl.gz');
    await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(await errorOf(file)).toMatch(/cut\.jsonl\.gz:\d+: truncated or corrupt gzip data/);
  });
});
