import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import { fillReportSection } from '../../evaluate/report-section.ts';
import { exportFileName } from '../exporters/exporter.ts';
import { benchEngineInChild } from './bench-engine-in-child.ts';
import { chooseServing } from './choose-serving.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import { SERVING_CONFIG_VERSION, SERVING_FILE, type LatencyObjective, type ServingConfig, type ServingEngine } from './serving-config.ts';
import { TARGET_BENCH_FILE, TARGET_BENCH_VERSION, type BenchMachine, type EngineBench, type TargetBenchResult } from './target-bench-result.ts';
import { renderTargetBenchSection } from './target-bench-section.ts';

/** ONNX Runtime, which `deepline serve` runs by default, and the two fast TF.js engines. */
export const DEFAULT_BENCH_ENGINES: readonly ServingEngine[] = ['onnx', 'native', 'wasm'];

export interface TargetBenchOptions {
  readonly objective: LatencyObjective;
  /** Default DEFAULT_BENCH_ENGINES. */
  readonly engines?: readonly ServingEngine[];
  /** The largest batch size measured; sizes are 1, 2, 4 … up to it. Default 256. */
  readonly maxBatch?: number;
  /** ONNX Runtime's intra-op threads and the native engine's threads, as `deepline serve --threads`. Default 1. */
  readonly threads?: number;
  /** Milliseconds of timed calls per engine and batch size. Default 150. */
  readonly cellMs?: number;
  /** Called as each engine's measurement starts. */
  readonly onEngine?: (engine: ServingEngine) => void;
}

// The synthetic inputs' seed: fixed, so reruns and engines see the same inputs.
const INPUT_SEED = 20_240_601;

/**
 * The target benchmark of a run's output folder: every engine's p50 and p99 latency and
 * throughput per batch size on this machine, and the serving settings chosen from them for the
 * latency objective (chooseServing). Writes nothing; saveTargetBench does.
 */
export async function runTargetBench(dir: string, options: TargetBenchOptions): Promise<TargetBenchResult> {
  const engines = options.engines ?? DEFAULT_BENCH_ENGINES;
  checkOutputFolder(dir, engines);
  const batchSizes = batchSizesUpTo(options.maxBatch ?? 256);
  const threads = options.threads ?? 1;
  const cellMs = options.cellMs ?? 150;
  const transform = JSON.parse(await readFile(join(dir, 'transform.json'), 'utf8')) as { featureShape?: number[] };
  const timeoutMs = 60_000 + batchSizes.length * cellMs * 40;
  const measured: EngineBench[] = [];
  // One at a time: engines measured side by side would share the cores and slow each other.
  for (const engine of engines) {
    options.onEngine?.(engine);
    measured.push(await benchEngineInChild({ dir, engine, threads, batchSizes, cellMs, seed: INPUT_SEED }, timeoutMs));
  }
  return {
    formatVersion: TARGET_BENCH_VERSION,
    measuredAt: new Date().toISOString(),
    modelSha256: await modelFingerprint(dir),
    inputShape: transform.featureShape ?? [],
    machine: machine(),
    settings: { engines: [...engines], batchSizes, threads, cellMs },
    objective: options.objective,
    engines: measured,
    choice: chooseServing(measured, options.objective.maxLatencyMs),
  };
}

/**
 * Writes target-bench.json and serving.json into the output folder and fills the report's
 * target-benchmark section (when the folder has a report.html). Returns the files written.
 */
export async function saveTargetBench(dir: string, result: TargetBenchResult): Promise<string[]> {
  const serving: ServingConfig = {
    formatVersion: SERVING_CONFIG_VERSION,
    ...result.choice,
    threads: result.settings.threads,
    objective: result.objective,
    modelSha256: result.modelSha256,
    measuredAt: result.measuredAt,
  };
  const written: string[] = [];
  const write = async (name: string, text: string, what: string): Promise<void> => {
    try {
      await writeFile(join(dir, name), text);
    } catch (e) {
      throw fileAccessError(e, join(dir, name), { what, action: 'write' });
    }
    written.push(join(dir, name));
  };
  await write(TARGET_BENCH_FILE, `${JSON.stringify(result, null, 2)}\n`, 'target benchmark');
  await write(SERVING_FILE, `${JSON.stringify(serving, null, 2)}\n`, 'serving settings');
  const report = join(dir, 'report.html');
  if (existsSync(report)) {
    const page = await readFile(report, 'utf8').catch((e: unknown) => {
      throw fileAccessError(e, report, { what: 'run report' });
    });
    await write('report.html', fillReportSection(page, 'target-bench', renderTargetBenchSection(result)), 'run report');
  }
  return written;
}

/** 1, 2, 4 … up to `max`, and `max` itself when it is not a power of two. */
export function batchSizesUpTo(max: number): number[] {
  const sizes: number[] = [];
  for (let b = 1; b <= max; b *= 2) sizes.push(b);
  if (sizes[sizes.length - 1] !== max) sizes.push(max);
  return sizes;
}

/** The folder must hold what the engines run, else the mistake is named before anything starts. */
function checkOutputFolder(dir: string, engines: readonly ServingEngine[]): void {
  const hint = 'give the output folder of a completed run (the task file\'s `output`, e.g. out/digits) or a run id from `deepline runs`';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DeeplineError('DL_DATA_MISSING', `there is no output folder at ${dir}`, { hint, location: { file: dir } });
  const transform = join(dir, 'transform.json');
  if (!existsSync(transform)) {
    throw new DeeplineError('DL_DATA_MISSING', `${dir} holds no transform.json, so it is not the output folder of a completed deepline run`, { hint, location: { file: transform } });
  }
  const onnx = join(dir, exportFileName('onnx'));
  if (engines.includes('onnx') && !existsSync(onnx)) {
    throw new DeeplineError('DL_DATA_MISSING', `${onnx} does not exist: the onnx engine runs the model exported by the run`, {
      hint: 'run the task with `export: [onnx]` (the default) to write it, or measure the TF.js engines only: --engines native,wasm',
      location: { file: onnx },
    });
  }
  const tfjs = join(dir, 'model', 'model.json');
  const tfjsEngines = engines.filter((e) => e !== 'onnx');
  if (tfjsEngines.length > 0 && !existsSync(tfjs)) {
    throw new DeeplineError('DL_DATA_MISSING', `${tfjs} does not exist: the ${tfjsEngines.join(' and ')} engine${tfjsEngines.length > 1 ? 's run' : ' runs'} the TF.js model the run published in model/`, {
      hint: 'give the output folder of a completed run, or measure ONNX Runtime only: --engines onnx',
      location: { file: tfjs },
    });
  }
}

function machine(): BenchMachine {
  return {
    cpu: cpus()[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    platform: process.platform,
    arch: process.arch,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
  };
}
