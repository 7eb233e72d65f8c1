import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';
import type { LatencyObjective, ServingChoice, ServingEngine } from './serving-config.ts';

export const TARGET_BENCH_VERSION = FORMAT_VERSIONS.targetBench;

/** The file in a run's output folder that holds every measurement. */
export const TARGET_BENCH_FILE = 'target-bench.json';

/** One engine at one batch size: one predict call timed again and again, after warm-up. */
export interface BenchCell {
  readonly batch: number;
  /** Timed calls (warm-up calls not counted). */
  readonly calls: number;
  readonly p50Ms: number;
  /** The 99th percentile by nearest rank: the slowest call when fewer than 100 were timed. */
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Examples per second, calls one after another (as the server runs a model's batches). */
  readonly throughput: number;
}

/** An engine's measurements; `error` (and no cells) when it could not run the model here. */
export interface EngineBench {
  readonly engine: ServingEngine;
  /** What ran the model, e.g. `onnxruntime-node 1.23.2, 1 thread`. */
  readonly runtime?: string;
  readonly cells: readonly BenchCell[];
  readonly error?: string;
}

/** The machine measured on: the figures hold for this CPU, not another. */
export interface BenchMachine {
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly arch: string;
  readonly memoryGB: number;
  readonly node: string;
}

/** `target-bench.json`. */
export interface TargetBenchResult {
  readonly formatVersion: typeof TARGET_BENCH_VERSION;
  readonly measuredAt: string;
  /** The model measured (modelFingerprint). */
  readonly modelSha256: string;
  readonly inputShape: readonly number[];
  readonly machine: BenchMachine;
  readonly settings: {
    readonly engines: readonly ServingEngine[];
    readonly batchSizes: readonly number[];
    readonly threads: number;
    /** Milliseconds spent timing each engine × batch size once warm. */
    readonly cellMs: number;
  };
  readonly objective: LatencyObjective;
  readonly engines: readonly EngineBench[];
  readonly choice: ServingChoice;
}
