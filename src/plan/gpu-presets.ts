/**
 * Accelerator presets for the roofline latency model: peak memory bandwidth and peak dense
 * 16-bit (BF16/FP16) matrix throughput of ONE device, as printed by the vendor.
 *
 * Every number cites the vendor document it comes from. Dense means without the 2:4 structured
 * sparsity that datasheets often quote first (those "with sparsity" figures are exactly 2× the
 * dense ones; we halve them where only the sparse figure is printed and say so).
 */
import { InvalidValueError } from '../core/errors.js';

export interface GpuSpec {
  /** Preset id as typed on the command line (`h100-sxm`). */
  readonly id: string;
  readonly name: string;
  /** Peak memory bandwidth, bytes per second. */
  readonly memoryBandwidth: number;
  /** Peak dense BF16/FP16 matrix FLOP/s. */
  readonly matrixFlops: number;
  /** Device memory, bytes (used only to warn when the weights cannot fit). */
  readonly memoryBytes: number;
  /** Where the numbers come from. */
  readonly source: string;
}

const TB = 1e12;
const GB = 1e9;
const TFLOPS = 1e12;

export const GPU_PRESETS: readonly GpuSpec[] = [
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    // NVIDIA H100 Tensor Core GPU datasheet, "H100 SXM" column: GPU memory bandwidth 3.35 TB/s;
    // BF16 Tensor Core 1,979 teraFLOPS "with sparsity" → 989.5 dense; GPU memory 80 GB.
    memoryBandwidth: 3.35 * TB,
    matrixFlops: 989.5 * TFLOPS,
    memoryBytes: 80 * GB,
    source: 'NVIDIA H100 Tensor Core GPU datasheet (H100 SXM: 3.35 TB/s, BF16 1,979 TFLOPS with sparsity)',
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe 80GB',
    // NVIDIA H100 Tensor Core GPU datasheet, "H100 PCIe" column: 2 TB/s; BF16 1,513 TFLOPS with
    // sparsity → 756.5 dense; 80 GB.
    memoryBandwidth: 2.0 * TB,
    matrixFlops: 756.5 * TFLOPS,
    memoryBytes: 80 * GB,
    source: 'NVIDIA H100 Tensor Core GPU datasheet (H100 PCIe: 2 TB/s, BF16 1,513 TFLOPS with sparsity)',
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    // NVIDIA H200 Tensor Core GPU datasheet, "H200 SXM": GPU memory 141 GB, bandwidth 4.8 TB/s,
    // BF16 Tensor Core 1,979 TFLOPS with sparsity → 989.5 dense (same compute die as H100 SXM).
    memoryBandwidth: 4.8 * TB,
    matrixFlops: 989.5 * TFLOPS,
    memoryBytes: 141 * GB,
    source: 'NVIDIA H200 Tensor Core GPU datasheet (H200 SXM: 4.8 TB/s, BF16 1,979 TFLOPS with sparsity)',
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 SXM 80GB',
    // NVIDIA A100 Tensor Core GPU datasheet, "A100 80GB SXM": GPU memory bandwidth 2,039 GB/s;
    // BF16 Tensor Core 312 TFLOPS (624 with sparsity); 80 GB HBM2e.
    memoryBandwidth: 2039 * GB,
    matrixFlops: 312 * TFLOPS,
    memoryBytes: 80 * GB,
    source: 'NVIDIA A100 Tensor Core GPU datasheet (A100 80GB SXM: 2,039 GB/s, BF16 312 TFLOPS dense)',
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S 48GB',
    // NVIDIA L40S GPU datasheet: GPU memory 48 GB GDDR6, memory bandwidth 864 GB/s; BF16 Tensor
    // Core 733 TFLOPS "with sparsity" (362.05 dense as printed in the datasheet's footnoted table).
    memoryBandwidth: 864 * GB,
    matrixFlops: 362.05 * TFLOPS,
    memoryBytes: 48 * GB,
    source: 'NVIDIA L40S GPU datasheet (864 GB/s, BF16 362.05 TFLOPS dense / 733 with sparsity)',
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X 192GB',
    // AMD Instinct MI300X accelerator datasheet: 192 GB HBM3, peak memory bandwidth 5.3 TB/s;
    // peak BF16 matrix 1,307.4 TFLOPS (2,614.9 with structured sparsity).
    memoryBandwidth: 5.3 * TB,
    matrixFlops: 1307.4 * TFLOPS,
    memoryBytes: 192 * GB,
    source: 'AMD Instinct MI300X datasheet (5.3 TB/s, BF16 1,307.4 TFLOPS dense)',
  },
  {
    id: 'rtx4090',
    name: 'NVIDIA GeForce RTX 4090 24GB',
    // NVIDIA Ada GPU architecture whitepaper, Table "GeForce RTX 4090": memory bandwidth
    // 1,008 GB/s; peak FP16 Tensor TFLOPS with FP32 accumulate 165.2 (dense); 24 GB GDDR6X.
    memoryBandwidth: 1008 * GB,
    matrixFlops: 165.2 * TFLOPS,
    memoryBytes: 24 * GB,
    source: 'NVIDIA Ada GPU architecture whitepaper (RTX 4090: 1,008 GB/s, FP16 tensor 165.2 TFLOPS dense, FP32 accumulate)',
  },
];

const GPU_ALIASES: Record<string, string> = {
  h100: 'h100-sxm',
  'h100-sxm5': 'h100-sxm',
  h200sxm: 'h200',
  'h200-sxm': 'h200',
  a100: 'a100-80gb',
  'a100-sxm': 'a100-80gb',
  '4090': 'rtx4090',
  'rtx-4090': 'rtx4090',
};

/** Looks up a GPU preset by id or alias (case-insensitive). */
export function getGpuPreset(name: string, source = '--gpu'): GpuSpec {
  const key = name.trim().toLowerCase();
  const id = GPU_ALIASES[key] ?? key;
  const gpu = GPU_PRESETS.find((g) => g.id === id);
  if (gpu === undefined) {
    throw new InvalidValueError('gpu', name, `unknown GPU; expected one of ${GPU_PRESETS.map((g) => g.id).join(', ')}`, source);
  }
  return gpu;
}

/** Checks a hand-made GPU spec: bandwidth and FLOP/s must be positive and finite. */
export function validateGpuSpec(gpu: GpuSpec, source?: string): void {
  if (!(gpu.memoryBandwidth > 0) || !Number.isFinite(gpu.memoryBandwidth)) {
    throw new InvalidValueError('memory bandwidth', gpu.memoryBandwidth, 'must be a positive, finite number of bytes per second', source);
  }
  if (!(gpu.matrixFlops > 0) || !Number.isFinite(gpu.matrixFlops)) {
    throw new InvalidValueError('matrix FLOP/s', gpu.matrixFlops, 'must be a positive, finite number', source);
  }
}
