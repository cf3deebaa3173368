import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/core/errors.js';
import { createOpenAIModel } from '../../src/models/openai/load.js';
import { MODEL_SCHEME_NAMES, loadModel, parseModelSpelling } from '../../src/models/registry.js';
import { createModelServer, type ModelServer } from '../../src/models/server/model-server.js';
import { SHARED } from '../helpers/cli.js';
import { createFakeModel } from './server-fake-model.js';

const CHECKPOINT = path.join(SHARED, 'models', 'stories260K', 'stories260K.bin');

const open: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function served(options: { contextLength?: number; maxModelLen?: number }): Promise<string> {
  const model = { ...createFakeModel(), ...(options.contextLength === undefined ? {} : { contextLength: options.contextLength }) };
  const server = createModelServer({ model, modelName: 'fake-7', ...(options.maxModelLen === undefined ? {} : { maxModelLen: options.maxModelLen }) });
  open.push(server);
  return server.listen(0);
}

const clientOptions = (url: string, concurrency: number) => ({ endpoints: [url], model: 'fake-7', logprobs: 3, concurrency, maxRetries: 0, timeoutMs: 5_000, backoffBaseMs: 1, backoffCapMs: 4 });

describe('model capabilities (LanguageModel.contextLength, remote, concurrency)', () => {
  it("a llama2.c checkpoint's context is its header's seq_len; in-process, one request at a time", async () => {
    // llama2.c's header (run.c, Config): 7 little-endian int32s dim, hidden_dim, n_layers, n_heads,
    // n_kv_heads, vocab_size, seq_len; read here independently of the loader.
    const seqLen = readFileSync(CHECKPOINT).readInt32LE(6 * 4);
    const model = await loadModel(`llama2c:${CHECKPOINT}`);
    expect(model.contextLength).toBe(seqLen);
    expect(model.remote).toBe(false);
    expect(model.concurrency).toBe(1);
  });

  it("a served model's context is the server's max_model_len (it was stored and never read), remote, with the client's request limit", async () => {
    const model = await createOpenAIModel(clientOptions(await served({ maxModelLen: 40 }), 3));
    expect(model.contextLength).toBe(40);
    expect(model.remote).toBe(true);
    expect(model.concurrency).toBe(3);
    await model.close();
  });

  it("serve-model reports its model's own context as max_model_len, so the client respects it end to end", async () => {
    const model = await createOpenAIModel(clientOptions(await served({ contextLength: 24 }), 1));
    expect(model.contextLength).toBe(24);
    await model.close();
  });
});

describe('the model scheme table', () => {
  it('names every scheme in the unknown-kind error and returns the checked scheme', () => {
    expect(MODEL_SCHEME_NAMES).toEqual(['llama2c', 'llama2c-skip', 'builtin', 'builtin-draft', 'openai', 'gguf']);
    expect(parseModelSpelling('openai:http://a/v1#model=m').scheme).toBe('openai');
    expect(() => parseModelSpelling('ggml:x.bin', '--target')).toThrow(InvalidValueError);
    expect(() => parseModelSpelling('ggml:x.bin', '--target')).toThrow('unknown kind "ggml"; expected one of llama2c, llama2c-skip, builtin, builtin-draft, openai, gguf');
  });
});
