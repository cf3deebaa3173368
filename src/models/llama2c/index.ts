/**
 * The llama2.c backend: Karpathy's llama2.c checkpoints (legacy and version-1 "ak42" float32
 * exports) with their `tokenizer.bin`, run in-process with a slot KV cache, tree sessions whose
 * nodes attend to their ancestors (tree attention mask, many nodes per batched pass), one-pass
 * verification of a whole draft tree, and layer-skipping self-drafters.
 *
 * Spellings: `llama2c:PATH[#tokenizer=PATH]`, `llama2c-skip:PATH#layers=0,1,3[&tokenizer=PATH]`.
 */
export { loadLlama2cModel, loadLlama2c, parseLayerList } from './load.js';
export { Llama2cModel } from './model.js';
export { readLlama2cCheckpoint, LLAMA2C_MAGIC } from './checkpoint.js';
export type { Llama2cCheckpoint, Llama2cConfig, Llama2cWeights, Llama2cLayerWeights } from './checkpoint.js';
export { readLlama2cTokenizer, Llama2cTokenizer, LLAMA2C_BOS, LLAMA2C_EOS } from './tokenizer.js';
export { Llama2cTransformer, matmul } from './transformer.js';
export type { ForwardBatch } from './transformer.js';
export { KvCache } from './kv-cache.js';
export { Llama2cTreeSession, verifyTree, prefill, checkPrefix } from './tree-decoding.js';
