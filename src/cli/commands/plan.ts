/**
 * `specbound plan`: turns an E[X](P) curve (a run, a Table 1 preset or μ/μ₂, or a live
 * deployment's metrics) and a latency model (roofline of a GPU and a model, or measured tables)
 * into a budget, a tree shape, a speedup, a cost and engine settings; and places a live
 * deployment against its speed-of-light.
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { printJson } from '../output.js';
import { parseInteger, parseNumber } from '../parse.js';

interface PlanCliOptions {
  run?: string;
  preset?: string;
  mu?: number;
  mu2?: number;
  metrics?: string;
  gpu: string;
  gpus: number;
  arch?: string;
  draftArch?: string;
  drafter: string;
  curve?: string;
  usdPerGpuHour?: number;
  latencyCsv?: string;
  drafterLatencyCsv?: string;
  PMax?: number;
  memoryBandwidth?: number;
  matrixTflops?: number;
  params?: number;
  bytesPerParam?: number;
  context?: number;
  efficiency?: number;
  overheadMs?: number;
  draftModel?: string;
  eagleHead?: string;
  muCe?: number;
  batch?: number[];
  svg?: string;
  json?: boolean;
}

/** A number that must be > 0 (hardware and model sizes): one clear line otherwise. */
function positiveNumber(flag: string, what: string) {
  return (text: string): number => {
    const v = parseNumber(flag, text);
    if (!(v > 0)) throw new InvalidValueError(flag, text, `must be > 0: ${what}`);
    return v;
  };
}

export function register(program: Command): void {
  program
    .command('plan')
    .summary('choose the draft budget P, tree shape and engine settings for your hardware; compare a live deployment')
    .description(
      'Finds the budget P (draft-tree nodes including the root) that maximises\n' +
        '  speedup(P) = E[X](P) * T_v(1) / (T_v(P) + T_d(P))\n' +
        'where E[X](P) is the expected tokens per verifier pass, T_v(k) the verifier latency for k\n' +
        'tokens in one pass and T_d(P) the drafter latency, and prints the speedup, tokens/s, cost,\n' +
        'the tree shape, and settings for vLLM, SGLang, EAGLE and llama.cpp.\n\n' +
        'E[X](P) comes from one of:\n' +
        '  --run DIR          a run directory (its report.json): a measured drafter curve, else the\n' +
        '                     measured oracle (choose with --curve oracle|iid|chain|eagle|...)\n' +
        '  --preset NAME      a row of the paper\'s Table 1. The ceiling is the simulated i.i.d.\n' +
        '                     optimum E[X*](P) of the law calibrated to its (mu, mu2); the planned curve\n' +
        '                     is a drafter model capped at it (--curve drafter, the default): a drafter\n' +
        '                     whose top token is accepted with probability alpha per position, alpha\n' +
        '                     from --metrics (a deployment\'s per-position acceptance), else --mu-ce\n' +
        '                     (Lemma 7), else published measurements (vLLM\'s CI EAGLE-3 baselines).\n' +
        '                     Other curves: iid (the optimum), limit (ln P/mu), theorem1 (bound).\n' +
        '  --mu X --mu2 Y     your own entropy statistics (nats, nats^2), as for --preset\n' +
        '  --metrics SRC      alone: a live vLLM deployment\'s per-position acceptance (measured up to\n' +
        '                     its budget, extended beyond with its last conditional rate)\n' +
        'With --metrics beside --run/--preset/--mu, the deployment is also compared with the\n' +
        'speed-of-light at its own budget: "this deployment reaches N% of the speed-of-light".\n' +
        '--metrics reads vLLM\'s Prometheus /metrics text or SGLang\'s /server_info JSON, from a file\n' +
        'or an http(s) URL.\n\n' +
        'Latency: a roofline of --arch on --gpu (weights + KV cache read per pass vs 2*params*k\n' +
        'FLOPs, at --efficiency of peak), or measured tables --latency-csv (verifier, "k,ms") and\n' +
        '--drafter-latency-csv (one draft-network pass of k tokens). `specbound profile` writes such\n' +
        'a table for a local llama2.c model. Latencies are for one sequence at a time (batch 1, the\n' +
        'paper\'s setting) unless --batch B1,B2,...: then a pass carries B·P tokens (roofline: weights\n' +
        'read once, KV cache and FLOPs per sequence; a measured table read at B·P tokens), and the\n' +
        'output gives the best P, speedup and cost per batch size, the break-even batch from which\n' +
        'speculation stops paying, and per-batch chain lengths in vLLM\'s syntax\n' +
        '(num_speculative_tokens_per_batch_size) and TensorRT-LLM\'s max_concurrency.\n\n' +
        'Every number is labelled: measured (from a run, a deployment or a table), bound (Theorem 1\n' +
        'or the trivial E[X] <= P) or estimate (ln P/mu, rooflines, extrapolations).\n\n' +
        'Presets: --gpu h100-sxm, h100-pcie, h200, a100-80gb, l40s, mi300x, rtx4090;\n' +
        '--arch llama-3.1-8b, llama-3.1-70b, llama-3.2-1b, llama-3.2-3b, qwen3-8b, qwen3-32b,\n' +
        'qwen3-0.6b, or the path of a Hugging Face config.json.\n\n' +
        'Examples:\n' +
        '  specbound plan --preset llama3.1-8b --gpu h100-sxm --drafter eagle --usd-per-gpu-hour 2.5\n' +
        '  specbound plan --run ./specbound-report --latency-csv table.csv --drafter ngram --json\n' +
        '  specbound plan --metrics http://localhost:8000/metrics --preset llama3.1-8b --svg plan.svg',
    )
    .option('--run <dir>', 'run directory (or its report.json) from `specbound report`')
    .option('--preset <name>', "a row of the paper's Table 1, e.g. llama3.1-8b or qwen3-8b/gsm8k")
    .option('--mu <nats>', 'expected next-token entropy of the verifier (> 0)', (v) => parseNumber('--mu', v))
    .option('--mu2 <nats2>', 'expected second log-moment E[sum p (ln p)^2] (>= mu^2)', (v) => parseNumber('--mu2', v))
    .option('--metrics <file-or-url>', "a live deployment: vLLM /metrics text or SGLang /server_info JSON")
    .option('--gpu <name>', 'GPU preset for the roofline', 'h100-sxm')
    .option('--gpus <n>', 'devices the model is split over (tensor parallel); bandwidth, FLOP/s and cost scale with it', (v) => parseInteger('--gpus', v, { min: 1 }), 1)
    .option('--arch <name-or-config.json>', "the verifier's architecture (default: the preset's model, else llama-3.1-8b)")
    .option('--draft-arch <name-or-config.json>', 'the draft model of chain / draft-model drafters (default: the family\'s small model)')
    .option('--drafter <kind>', 'chain (draft model, chain), eagle (EAGLE-3 head, tree), draft-model (draft model, tree), ngram (prompt lookup, free)', 'eagle')
    .option('--curve <name>', 'which E[X](P) to plan on: run: oracle, iid, a drafter name; preset/mu: drafter (default), iid, limit or theorem1')
    .option('--mu-ce <nats>', "the drafter's cross-entropy mu_CE against the verifier: with --preset/--mu, the drafter model of Lemma 7", (v) => parseNumber('--mu-ce', v, { min: 0 }))
    .option('--usd-per-gpu-hour <usd>', 'price of one GPU-hour, for cost per million tokens', positiveNumber('--usd-per-gpu-hour', 'a price in USD'))
    .option('--latency-csv <file>', 'measured verifier latency table "k,ms" (replaces the roofline)')
    .option('--drafter-latency-csv <file>', 'measured draft-network latency table "k,ms" for one pass of k tokens')
    .option('--P-max <n>', 'largest budget considered (default: the run\'s, or 1024)', (v) => parseInteger('--P-max', v, { min: 1 }))
    .option('--memory-bandwidth <GB/s>', 'override the GPU preset\'s memory bandwidth', positiveNumber('--memory-bandwidth', 'memory bandwidth in GB/s'))
    .option('--matrix-tflops <TFLOP/s>', 'override the GPU preset\'s dense 16-bit matrix throughput', positiveNumber('--matrix-tflops', 'matrix throughput in TFLOP/s'))
    .option('--params <count>', 'override the verifier\'s parameter count (e.g. 8e9)', positiveNumber('--params', 'a parameter count'))
    .option('--bytes-per-param <bytes>', 'bytes per weight: 2 (BF16, default), 1 (FP8/INT8), 0.5 (4-bit)', positiveNumber('--bytes-per-param', 'bytes per weight'))
    .option('--context <tokens>', 'tokens in the KV cache during decoding (default 1024)', (v) => parseInteger('--context', v, { min: 0 }))
    .option('--efficiency <fraction>', 'fraction of peak bandwidth and FLOP/s kernels reach, in (0, 1] (default 0.7)', (v) => parseNumber('--efficiency', v))
    .option('--overhead-ms <ms>', 'fixed cost per forward pass, ms (default 0)', (v) => parseNumber('--overhead-ms', v))
    .option('--draft-model <name>', 'draft model to name in the engine settings')
    .option('--eagle-head <name>', 'EAGLE-3 head to name in the engine settings')
    .option('--batch <sizes>', 'plan for these batch sizes (sequences sharing each pass), e.g. 1,8,32,128: best P, speedup and cost per batch size and the break-even batch', (v) => v.split(',').map((x) => parseInteger('--batch', x.trim(), { min: 1, max: 65536 })))
    .option('--svg <file>', 'also write an SVG of speedup against P with the chosen P marked')
    .option('--json', 'print JSON: {"best": {...}, "curve": [...], "configs": {...}, ...}')
    .action(async (opts: PlanCliOptions) => {
      const { buildPlan } = await import('../../plan/build-plan.js');
      const { parseDrafterKind } = await import('../../plan/drafter-latency.js');
      const { result, plan, deploymentPoint } = await buildPlan({
        ...(opts.run === undefined ? {} : { run: opts.run }),
        ...(opts.preset === undefined ? {} : { preset: opts.preset }),
        ...(opts.mu === undefined ? {} : { mu: opts.mu }),
        ...(opts.mu2 === undefined ? {} : { mu2: opts.mu2 }),
        ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
        gpu: opts.gpu,
        devices: opts.gpus,
        ...(opts.arch === undefined ? {} : { arch: opts.arch }),
        ...(opts.draftArch === undefined ? {} : { draftArch: opts.draftArch }),
        drafter: parseDrafterKind(opts.drafter),
        ...(opts.curve === undefined ? {} : { curve: opts.curve }),
        ...(opts.usdPerGpuHour === undefined ? {} : { usdPerGpuHour: opts.usdPerGpuHour }),
        ...(opts.latencyCsv === undefined ? {} : { latencyCsv: opts.latencyCsv }),
        ...(opts.drafterLatencyCsv === undefined ? {} : { drafterLatencyCsv: opts.drafterLatencyCsv }),
        ...(opts.PMax === undefined ? {} : { PMax: opts.PMax }),
        ...(opts.memoryBandwidth === undefined ? {} : { memoryBandwidth: opts.memoryBandwidth * 1e9 }),
        ...(opts.matrixTflops === undefined ? {} : { matrixFlops: opts.matrixTflops * 1e12 }),
        ...(opts.params === undefined ? {} : { parameters: opts.params }),
        ...(opts.bytesPerParam === undefined ? {} : { bytesPerParameter: opts.bytesPerParam }),
        ...(opts.context === undefined ? {} : { contextLength: opts.context }),
        ...(opts.efficiency === undefined ? {} : { efficiency: opts.efficiency }),
        ...(opts.overheadMs === undefined ? {} : { overheadMs: opts.overheadMs }),
        ...(opts.draftModel === undefined ? {} : { draftModel: opts.draftModel }),
        ...(opts.eagleHead === undefined ? {} : { eagleHead: opts.eagleHead }),
        ...(opts.muCe === undefined ? {} : { muCE: opts.muCe }),
        ...(opts.batch === undefined ? {} : { batches: opts.batch }),
      });
      if (opts.svg !== undefined) {
        const { planFigureSvg } = await import('../../plan/figure.js');
        const { writeFileAtomic } = await import('../../core/atomic-file.js');
        await writeFileAtomic(opts.svg, `${planFigureSvg(plan, deploymentPoint === undefined ? {} : { deployment: deploymentPoint })}\n`);
      }
      if (opts.json === true) {
        printJson(result);
      } else {
        const { formatPlan } = await import('../../plan/format-plan.js');
        process.stdout.write(`${formatPlan(result)}\n`);
      }
    });
}
