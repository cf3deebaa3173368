import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/core/errors.js';
import {
  ARCHITECTURE_PRESETS,
  architectureFromConfig,
  eagleHeadArchitecture,
  getArchitecturePreset,
  parameterCount,
} from '../../src/plan/architecture-presets.js';
import { GPU_PRESETS, getGpuPreset } from '../../src/plan/gpu-presets.js';
import { rooflineLatency } from '../../src/plan/roofline.js';

const llama8b = getArchitecturePreset('llama-3.1-8b');
const h100 = getGpuPreset('h100-sxm');

describe('parameterCount(arch)', () => {
  it('reproduces the published parameter counts from the config.json shapes', () => {
    // Hand count, Llama-3.1-8B: embedding 128256·4096 = 525,336,576 (twice: untied head);
    // per layer q,o 2·4096² = 33,554,432 + k,v 2·4096·1024 = 8,388,608 + MLP 3·4096·14336 =
    // 176,160,768 + norms 8192 = 218,112,000; ×32 = 6,979,584,000; + final norm 4096.
    // Total 8,030,261,248 = the exact count of meta-llama/Llama-3.1-8B's safetensors.
    expect(parameterCount(llama8b)).toBe(8_030_261_248);
    // Llama-3.1-70B: 2·128256·8192 + 80·(2·8192² + 2·8192·1024 + 3·8192·28672 + 2·8192) + 8192.
    expect(parameterCount(getArchitecturePreset('llama-3.1-70b'))).toBe(70_553_706_496);
    // Qwen3-8B: 2·151936·4096 + 36·(2·4096·4096 + 2·4096·1024 + 3·4096·12288 + 2·4096) + 4096
    // = 8,190,726,144; the checkpoint has 8,190,735,360 (its q/k norms add 36·2·128 = 9,216).
    expect(parameterCount(getArchitecturePreset('qwen3-8b'))).toBe(8_190_726_144);
  });
  it('matches every preset model card to within 3% (cards round: 1.23B, 3.21B, 0.6B, 32.8B, …)', () => {
    const cards: Record<string, number> = {
      'llama-3.1-8b': 8.03e9,
      'llama-3.1-70b': 70.6e9,
      'llama-3.2-1b': 1.23e9,
      'llama-3.2-3b': 3.21e9,
      'qwen3-8b': 8.2e9,
      'qwen3-32b': 32.8e9,
      'qwen3-0.6b': 0.6e9,
    };
    for (const arch of ARCHITECTURE_PRESETS) {
      const card = cards[arch.id];
      expect(card, arch.id).toBeDefined();
      expect(Math.abs(parameterCount(arch) / card! - 1), arch.id).toBeLessThan(0.03);
    }
  });
});

describe('rooflineLatency(options)', () => {
  it('gives the hand-computed memory-bound latency of Llama-3.1-8B on an H100 SXM', () => {
    // Efficiency 1, empty context, BF16. Weights read: all but the untied input embedding:
    // 8,030,261,248 − 525,336,576 = 7,504,924,672 params × 2 B = 15,009,849,344 B; plus one
    // embedding row 4096·2 = 8,192 B; plus the KV entry written, 2·32·8·128·2 = 131,072 B.
    // 15,009,988,608 B / 3.35e12 B/s = 4.480593614 ms. FLOPs 2·7,504,924,672 + 4·32·4096 =
    // 15,010,373,632 → 0.01517 ms at 989.5 TFLOP/s: memory-bound.
    const roof = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0 });
    const b = roof.breakdown(1);
    expect(b.bytes).toBe(15_009_988_608);
    expect(b.flops).toBe(15_010_373_632);
    expect(b.limitedBy).toBe('memory');
    expect(roof.milliseconds(1)).toBeCloseTo(4.480593614, 8);
    expect(roof.kind).toBe('estimate');
  });
  it('adds the KV cache of the context and divides by the efficiency', () => {
    // Context 1024, efficiency 0.5: bytes = 15,009,849,344 + 8,192 + 131,072·(1024 + 1)
    // = 15,144,206,336 B over 3.35e12·0.5 B/s = 9.041317216 ms.
    const roof = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 0.5, contextLength: 1024 });
    expect(roof.breakdown(1).bytes).toBe(15_144_206_336);
    expect(roof.milliseconds(1)).toBeCloseTo(9.041317216, 8);
  });
  it('is flat in k until the ridge point F/B ≈ 295 tokens, then compute-bound', () => {
    // 989.5e12 / 3.35e12 = 295.4 tokens; the attention and KV terms move it by about 1%.
    const roof = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0 });
    expect(roof.ridgeTokens).toBeGreaterThanOrEqual(290);
    expect(roof.ridgeTokens).toBeLessThanOrEqual(296);
    expect(roof.breakdown(roof.ridgeTokens - 1).limitedBy).toBe('memory');
    expect(roof.breakdown(roof.ridgeTokens).limitedBy).toBe('compute');
    expect(roof.milliseconds(64) / roof.milliseconds(1)).toBeLessThan(1.001);
    // Past the ridge the time is the FLOPs at peak: 2·W·k + 4·L·H·d·k² with W = 7,504,924,672
    // and 4·32·32·128 = 524,288; at k = 2048: 3.0742e13 + 2.1990e12 FLOPs / 989.5e12 = 33.29 ms.
    const flops = 15_009_849_344 * 2048 + 524_288 * 2048 ** 2;
    expect(roof.breakdown(2048).flops).toBe(flops);
    expect(roof.milliseconds(2048)).toBeCloseTo((flops / 989.5e12) * 1000, 9);
  });
  it('splits across devices (ideal tensor parallelism) and adds a fixed overhead', () => {
    const one = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0 });
    const two = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0, devices: 2, overheadMs: 0.5 });
    expect(two.milliseconds(1)).toBeCloseTo(one.milliseconds(1) / 2 + 0.5, 10);
  });
  it('halves the weight time with 1-byte weights', () => {
    const bf16 = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0 });
    const fp8 = rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1, contextLength: 0, bytesPerParameter: 1 });
    // 7,504,924,672 + 4,096 + 131,072 B vs 15,009,988,608 B.
    expect(fp8.breakdown(1).bytes).toBe(7_504_924_672 + 4096 + 131_072);
    expect(fp8.milliseconds(1) / bf16.milliseconds(1)).toBeCloseTo(0.5, 4);
  });
  it('rejects nonsense hardware and model numbers with one line naming the value', () => {
    expect(() => rooflineLatency({ arch: llama8b, gpu: { ...h100, memoryBandwidth: 0 } })).toThrow(InvalidValueError);
    expect(() => rooflineLatency({ arch: llama8b, gpu: { ...h100, memoryBandwidth: 0 } })).toThrow(/invalid memory bandwidth .*: 0 \(must be a positive/);
    expect(() => rooflineLatency({ arch: llama8b, gpu: h100, parameters: -8e9 })).toThrow('invalid parameters (from --params): -8000000000 (must be a positive, finite number)');
    expect(() => rooflineLatency({ arch: { ...llama8b, layers: -2 }, gpu: h100 })).toThrow('invalid num_hidden_layers');
    expect(() => rooflineLatency({ arch: llama8b, gpu: h100, efficiency: 1.5 })).toThrow('invalid efficiency');
    expect(() => rooflineLatency({ arch: llama8b, gpu: { ...h100, matrixFlops: Number.NaN } })).toThrow('invalid matrix FLOP/s');
  });
});

describe('GPU presets', () => {
  it('are all positive and cite a vendor document', () => {
    for (const g of GPU_PRESETS) {
      expect(g.memoryBandwidth, g.id).toBeGreaterThan(1e11);
      expect(g.matrixFlops, g.id).toBeGreaterThan(1e13);
      expect(g.source, g.id).toMatch(/datasheet|whitepaper/);
    }
    expect(getGpuPreset('H100').id).toBe('h100-sxm');
    expect(() => getGpuPreset('tpu-v9')).toThrow(/unknown GPU; expected one of h100-sxm/);
  });
});

describe('architectureFromConfig(config, file)', () => {
  it('reads the Hugging Face config.json fields, deriving head_dim when absent', () => {
    const arch = architectureFromConfig(
      { hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, tie_word_embeddings: false },
      'config.json',
    );
    expect(parameterCount(arch)).toBe(parameterCount(llama8b));
    expect(arch.headDim).toBe(128);
  });
  it('names the bad field and the file', () => {
    expect(() => architectureFromConfig({ hidden_size: 0, intermediate_size: 1, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 2 }, 'cfg.json')).toThrow(
      'invalid hidden_size (from cfg.json): 0 (must be a positive integer)',
    );
    expect(() => architectureFromConfig({ hidden_size: 8 }, 'cfg.json')).toThrow('invalid num_attention_heads (from cfg.json): undefined (missing or not a number)');
  });
});

describe('eagleHeadArchitecture(target)', () => {
  it('is one layer of the target with a 3h→h fusion and a 32000-token head', () => {
    // 32000·4096 embedding + head (untied) + 218,112,000 (one layer) + 4096 + 3·4096² fusion.
    const head = eagleHeadArchitecture(llama8b);
    expect(parameterCount(head)).toBe(2 * 32000 * 4096 + 218_112_000 + 4096 + 3 * 4096 * 4096);
  });
});
