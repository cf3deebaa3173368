/**
 * The paper's Table 1: μ and μ₂ of four verifiers on five datasets at temperature 1.0, 80 samples
 * per dataset, plus the mean rows, exactly as printed.
 * Source: Pankratov & Alistarh, "Speculative Decoding Speed-of-Light: Optimal Lower Bounds via
 * Branching Random Walks", EACL 2026, Table 1 (../shared/paper/speed-of-light-paper.txt §4).
 * Addressed as `llama3.1-8b` (the mean row) or `llama3.1-8b/mt-bench`.
 */
import { InvalidValueError } from '../core/errors.js';

export const TABLE1_CITATION =
  'Pankratov & Alistarh, "Speculative Decoding Speed-of-Light: Optimal Lower Bounds via Branching Random Walks", EACL 2026, Table 1 (temperature 1.0, 80 samples per dataset)';

export interface PresetModel {
  readonly id: string;
  /** The model's full name. */
  readonly model: string;
  /** The abbreviation the paper uses. */
  readonly paperLabel: string;
}

export const PRESET_MODELS: readonly PresetModel[] = [
  { id: 'llama3.1-8b', model: 'Llama 3.1 8B Instruct', paperLabel: 'L3-8B' },
  { id: 'llama3.3-70b', model: 'Llama 3.3 70B Instruct', paperLabel: 'L3-70B' },
  { id: 'deepseek-r1-distill-llama-8b', model: 'DeepSeek R1 Distill Llama 8B', paperLabel: 'DS-8B' },
  { id: 'qwen3-8b', model: 'Qwen3 8B', paperLabel: 'Q3-8B' },
];

export const PRESET_DATASETS = ['humaneval', 'mt-bench', 'gsm8k', 'cnn-dm', 'nq'] as const;
export type PresetDataset = (typeof PRESET_DATASETS)[number] | 'mean';

/** [μ, μ₂] per dataset, in PRESET_DATASETS order, then the printed mean row. */
const TABLE1: Record<string, readonly (readonly [number, number])[]> = {
  'llama3.1-8b': [[0.279, 0.777], [1.088, 6.654], [0.636, 2.912], [0.577, 1.531], [0.837, 2.926], [0.683, 2.96]],
  'llama3.3-70b': [[0.136, 0.238], [0.179, 0.383], [0.126, 0.199], [0.146, 0.266], [0.179, 0.382], [0.153, 0.29]],
  'deepseek-r1-distill-llama-8b': [[0.53, 1.252], [0.633, 1.951], [0.233, 0.531], [0.601, 1.65], [0.771, 2.397], [0.554, 1.556]],
  'qwen3-8b': [[0.178, 0.313], [0.369, 0.814], [0.202, 0.369], [0.328, 0.691], [0.518, 1.297], [0.319, 0.697]],
};

/** Short names users may type for the models. */
const ALIASES: Record<string, string> = {
  'l3-8b': 'llama3.1-8b',
  'llama-3.1-8b': 'llama3.1-8b',
  'l3-70b': 'llama3.3-70b',
  'llama-3.3-70b': 'llama3.3-70b',
  'ds-8b': 'deepseek-r1-distill-llama-8b',
  'deepseek-8b': 'deepseek-r1-distill-llama-8b',
  'q3-8b': 'qwen3-8b',
  'qwen-3-8b': 'qwen3-8b',
};

const DATASET_ALIASES: Record<string, PresetDataset> = { mtbench: 'mt-bench', cnndm: 'cnn-dm', 'cnn/dm': 'cnn-dm', 'cnn-dailymail': 'cnn-dm', 'natural-questions': 'nq' };

export interface Preset {
  /** `llama3.1-8b` or `llama3.1-8b/mt-bench`. */
  readonly name: string;
  readonly model: string;
  readonly dataset: PresetDataset;
  readonly mu: number;
  readonly mu2: number;
  readonly temperature: 1;
  readonly citation: string;
}

/** Every preset: for each model, its mean row first, then one row per dataset. */
export function listPresets(): Preset[] {
  const out: Preset[] = [];
  for (const m of PRESET_MODELS) {
    out.push(getPreset(m.id));
    for (const d of PRESET_DATASETS) out.push(getPreset(`${m.id}/${d}`));
  }
  return out;
}

/** Looks up `model` (the mean row) or `model/dataset`; unknown names are an InvalidValueError listing the choices. */
export function getPreset(name: string, source = '--preset'): Preset {
  const [rawModel = '', rawDataset, ...extra] = name.trim().toLowerCase().split('/');
  const id = ALIASES[rawModel] ?? rawModel;
  const model = PRESET_MODELS.find((m) => m.id === id);
  const rows = TABLE1[id];
  if (model === undefined || rows === undefined || extra.length > 0) {
    throw new InvalidValueError('preset', name, `unknown; choose one of ${PRESET_MODELS.map((m) => m.id).join(', ')}, optionally /${PRESET_DATASETS.join('|')} (see \`specbound presets\`)`, source);
  }
  const key = rawDataset === undefined ? 'mean' : (DATASET_ALIASES[rawDataset] ?? rawDataset);
  const dataset = key === 'mean' || (PRESET_DATASETS as readonly string[]).includes(key) ? (key as PresetDataset) : undefined;
  if (dataset === undefined) {
    throw new InvalidValueError('preset', name, `unknown dataset "${rawDataset ?? ''}"; choose one of ${PRESET_DATASETS.join(', ')} or mean`, source);
  }
  const row = rows[dataset === 'mean' ? PRESET_DATASETS.length : PRESET_DATASETS.indexOf(dataset)]!;
  return {
    name: dataset === 'mean' ? id : `${id}/${dataset}`,
    model: model.model,
    dataset,
    mu: row[0],
    mu2: row[1],
    temperature: 1,
    citation: TABLE1_CITATION,
  };
}
