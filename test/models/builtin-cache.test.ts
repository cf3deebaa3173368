import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinModelCachePath, CACHE_FILE_NAME, loadOrTrainBuiltinModel } from '../../src/models/builtin/cache.js';
import { decodeModelFile, type TrainedModel, type TrainingConfig } from '../../src/models/builtin/model-file.js';
import { trainBuiltinModel } from '../../src/models/builtin/train.js';
import { REPO_ROOT } from '../helpers/cli.js';

const TOY_CONFIG: TrainingConfig = { trainingVersion: 1, corpus: 'toy', merges: 5, targetOrder: 3, draftOrder: 2 };
const TOY_TEXT = ['The cat sat on the mat.', 'The dog sat on the log.', 'A cat and a dog.'];

function countingTrainer(): { train: (config: TrainingConfig) => TrainedModel; calls: () => number } {
  let calls = 0;
  return {
    train: (config) => {
      calls++;
      return trainBuiltinModel(config, TOY_TEXT);
    },
    calls: () => calls,
  };
}

/** Rewrites the file's header with `edit` and a fresh checksum (a well-formed file from "another version"). */
function rewriteHeader(file: string, edit: (header: string) => string): void {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt32LE(8);
  const header = bytes.subarray(12, 12 + headerLength).toString('utf8');
  const edited = Buffer.from(edit(header), 'utf8');
  expect(edited.length).toBe(headerLength); // same length keeps the array offsets valid
  edited.copy(bytes, 12);
  const body = bytes.subarray(0, bytes.length - 32);
  createHash('sha256').update(body).digest().copy(bytes, body.length);
  writeFileSync(file, bytes);
}

describe('loadOrTrainBuiltinModel(config, log, train) and its cache', () => {
  let saved: string | undefined;
  let dir: string;
  beforeEach(() => {
    saved = process.env['SPECBOUND_CACHE_DIR'];
    dir = mkdtempSync(path.join(tmpdir(), 'specbound-cache-'));
    process.env['SPECBOUND_CACHE_DIR'] = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['SPECBOUND_CACHE_DIR'];
    else process.env['SPECBOUND_CACHE_DIR'] = saved;
  });

  it('trains once, then reads the same arrays back from SPECBOUND_CACHE_DIR', () => {
    const trainer = countingTrainer();
    const lines: string[] = [];
    const first = loadOrTrainBuiltinModel(TOY_CONFIG, (l) => lines.push(l), trainer.train);
    expect(first.source).toEqual({ kind: 'trained', reason: 'no cached model', file: path.join(dir, CACHE_FILE_NAME) });
    expect(builtinModelCachePath()).toBe(path.join(dir, CACHE_FILE_NAME));
    expect(lines).toHaveLength(1);
    const second = loadOrTrainBuiltinModel(TOY_CONFIG, (l) => lines.push(l), trainer.train);
    expect(second.source.kind).toBe('cache');
    expect(trainer.calls()).toBe(1);
    expect(lines).toHaveLength(1);
    expect(second.model.tokenizer).toEqual(first.model.tokenizer);
    expect(second.model.counts.levels.length).toBe(3);
    second.model.counts.levels.forEach((level, i) => {
      const trained = first.model.counts.levels[i]!;
      for (const name of ['token', 'count', 'continuation', 'childStart'] as const) {
        expect(level[name].constructor).toBe(trained[name].constructor);
        expect(Array.from(level[name])).toEqual(Array.from(trained[name]));
      }
    });
    expect(readdirSync(dir)).toEqual([CACHE_FILE_NAME]); // no temporary file left behind
  });

  it('rebuilds a corrupt cache file (one flipped byte, or truncated)', () => {
    const trainer = countingTrainer();
    loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train);
    const file = path.join(dir, CACHE_FILE_NAME);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x40;
    writeFileSync(file, bytes);
    const flipped = loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train);
    expect(flipped.source).toMatchObject({ kind: 'trained', reason: expect.stringMatching(/checksum mismatch/) as string });
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    const truncated = loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train);
    expect(truncated.source).toMatchObject({ kind: 'trained', reason: expect.stringMatching(/checksum mismatch/) as string });
    writeFileSync(file, 'hello');
    expect(loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train).source).toMatchObject({ reason: expect.stringMatching(/not a specbound/) as string });
    expect(trainer.calls()).toBe(4);
    expect(loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train).source.kind).toBe('cache');
  });

  it('rebuilds a cache from another training version or file format', () => {
    const trainer = countingTrainer();
    loadOrTrainBuiltinModel(TOY_CONFIG, undefined, trainer.train);
    const newer = loadOrTrainBuiltinModel({ ...TOY_CONFIG, trainingVersion: 2 }, undefined, trainer.train);
    expect(newer.source).toMatchObject({ kind: 'trained', reason: expect.stringMatching(/trained with .*"trainingVersion":1/) as string });
    expect(loadOrTrainBuiltinModel({ ...TOY_CONFIG, trainingVersion: 2 }, undefined, trainer.train).source.kind).toBe('cache');
    const file = path.join(dir, CACHE_FILE_NAME);
    rewriteHeader(file, (h) => h.replace('"format":1', '"format":9'));
    expect(decodeModelFile(readFileSync(file), { ...TOY_CONFIG, trainingVersion: 2 })).toEqual({ problem: 'file format 9, expected 1' });
    const reformatted = loadOrTrainBuiltinModel({ ...TOY_CONFIG, trainingVersion: 2 }, undefined, trainer.train);
    expect(reformatted.source).toMatchObject({ kind: 'trained', reason: 'cached model unusable: file format 9, expected 1' });
    expect(trainer.calls()).toBe(3);
  });

  it('still returns the model when the cache directory cannot be written', () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    process.env['SPECBOUND_CACHE_DIR'] = path.join(blocker, 'cache'); // a directory below a file
    const result = loadOrTrainBuiltinModel(TOY_CONFIG, undefined, countingTrainer().train);
    expect(result.source.kind).toBe('trained');
    expect(result.model.counts.order).toBe(3);
    expect(existsSync(path.join(blocker, 'cache'))).toBe(false);
  });

  it('leaves one complete file when two processes train at the same time', async () => {
    const script = path.join(dir, 'train-twice.ts');
    const cacheModule = path.join(REPO_ROOT, 'src', 'models', 'builtin', 'cache.ts');
    const trainModule = path.join(REPO_ROOT, 'src', 'models', 'builtin', 'train.ts');
    writeFileSync(
      script,
      `import { loadOrTrainBuiltinModel } from ${JSON.stringify(cacheModule)};
import { trainBuiltinModel } from ${JSON.stringify(trainModule)};
const text = Array.from({ length: 3000 }, (_, i) => 'Sentence number ' + i + ' is about the cat and the dog.');
const r = loadOrTrainBuiltinModel(${JSON.stringify(TOY_CONFIG)}, undefined, (c) => trainBuiltinModel(c, text));
console.log(r.source.kind);
`,
    );
    const cacheDir = path.join(dir, 'shared-cache');
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], {
          cwd: REPO_ROOT,
          env: { ...process.env, SPECBOUND_CACHE_DIR: cacheDir },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([run(), run()]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(readdirSync(cacheDir)).toEqual([CACHE_FILE_NAME]);
    const decoded = decodeModelFile(readFileSync(path.join(cacheDir, CACHE_FILE_NAME)), TOY_CONFIG);
    expect('problem' in decoded).toBe(false);
  }, 120_000);
});
