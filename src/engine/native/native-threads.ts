import { availableParallelism } from 'node:os';
import { loadNativeAddon, type NativeAddon } from './native-addon.ts';

/**
 * How many threads the native engine's kernels use: a count, or `auto` (the default) — up to
 * `max` threads (all cores, or the worker's share when trials train in parallel), the count per
 * training chosen by timing its first batches (see createThreadTuner). Small models train
 * fastest on one thread, where waking a thread pool costs more than the work it shares: the
 * digits CNN ran 2.4x slower on 2 threads than on 1, the Fashion-MNIST CNN 1.35x faster.
 */
export type ThreadSetting = number | 'auto';

let auto = true;
let autoMax = availableParallelism();

/**
 * Sets the native engine's threads: a positive count, or `auto` up to `max` (default all cores).
 * A no-op for the kernels where the addon is absent.
 */
export function setNativeThreads(setting: ThreadSetting = 'auto', max: number = availableParallelism()): void {
  const count = setting === 'auto' ? max : setting;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`native thread count must be a positive integer or 'auto', but got ${setting}`);
  auto = setting === 'auto';
  autoMax = count;
  loadNativeAddon().addon?.setThreads(count);
}

/** The native engine's thread count now, or undefined where the addon is absent. */
export function nativeThreads(): number | undefined {
  return loadNativeAddon().addon?.getThreads();
}

/**
 * A tuner for one training on the native engine when its threads are `auto` and more than one
 * may be used; undefined otherwise (other engines, a fixed count, one core).
 */
export function nativeThreadTuner(): ThreadTuner | undefined {
  const addon = autoThreadsAddon();
  return addon && tunerOn(addon);
}

/** The addon where its threads are `auto` and more than one may be used: where a count is to be chosen. */
function autoThreadsAddon(): NativeAddon | undefined {
  const addon = loadNativeAddon().addon;
  return addon && auto && autoMax >= 2 ? addon : undefined;
}

function tunerOn(addon: NativeAddon): ThreadTuner {
  return createThreadTuner({ candidates: [1, autoMax], set: (n) => addon.setThreads(n) });
}

/** Runs inference calls at the thread count chosen for their batch size (see nativeInferenceThreads). */
export interface InferenceThreads {
  run<T>(batch: number, call: () => Promise<T>): Promise<T>;
}

/**
 * For a model run for inference on the native engine with `auto` threads: per batch size, the
 * thread count is chosen by timing the first calls (the tuner below, on calls instead of training
 * batches) and set around every later call, then put back, so models run in turn each keep their
 * own best count. On the digits CNN at batch 64, one thread runs in 0.51 ms and two in 0.99 ms
 * (waking the pool costs more than the work it shares); larger models gain from two. Undefined
 * where the threads are a fixed count, the machine has one core, or the addon is absent.
 */
export function nativeInferenceThreads(): InferenceThreads | undefined {
  const addon = autoThreadsAddon();
  if (!addon) return undefined;
  const tuners = new Map<number, ThreadTuner>();
  return {
    async run(batch, call) {
      let tuner = tuners.get(batch);
      if (!tuner) tuners.set(batch, (tuner = tunerOn(addon)));
      const previous = addon.getThreads();
      if (tuner.chosen === undefined) tuner.beforeBatch();
      else addon.setThreads(tuner.chosen);
      const started = performance.now();
      try {
        return await call();
      } finally {
        tuner.afterBatch(performance.now() - started);
        addon.setThreads(previous);
      }
    },
  };
}

export interface ThreadTuner {
  /** Before each training batch: sets the thread count that batch runs with. */
  beforeBatch(): void;
  /** After the batch, with its wall time (its loss read back, so the work is done). */
  afterBatch(ms: number): void;
  /** The count settled on, once the tuning batches have run. */
  readonly chosen: number | undefined;
}

export interface ThreadTunerOptions {
  /** Thread counts to try, fewest first. */
  readonly candidates: readonly number[];
  readonly set: (threads: number) => void;
  /** Untimed batches per candidate first: oneDNN builds its primitives per thread count. */
  readonly warmup?: number;
  /** Timed batches per candidate, taken in turns so that a change in load hits every candidate. */
  readonly rounds?: number;
  /**
   * How much faster (as a fraction) more threads must be to be chosen: a tie keeps the cores
   * free for the rest of the process (data loading, the other trials).
   */
  readonly margin?: number;
}

/**
 * Chooses a thread count by training: every batch is a real training step, so tuning costs only
 * the few batches run at the slower count. The schedule is `warmup` batches per candidate, then
 * `rounds` rounds of one timed batch per candidate; the candidate with the smallest median time
 * wins, and is set for the rest of the training.
 */
export function createThreadTuner(options: ThreadTunerOptions): ThreadTuner {
  const { candidates, set } = options;
  const warmup = options.warmup ?? 2;
  const rounds = options.rounds ?? 5;
  const margin = options.margin ?? 0.03;
  const schedule: { threads: number; timed: boolean }[] = [];
  for (const threads of candidates) for (let i = 0; i < warmup; i++) schedule.push({ threads, timed: false });
  for (let r = 0; r < rounds; r++) for (const threads of candidates) schedule.push({ threads, timed: true });
  const times = new Map<number, number[]>(candidates.map((c) => [c, []]));
  let batch = 0;
  let chosen: number | undefined;
  return {
    beforeBatch() {
      if (chosen !== undefined) return;
      set(schedule[batch].threads);
    },
    afterBatch(ms) {
      if (chosen !== undefined) return;
      const slot = schedule[batch++];
      if (slot.timed) times.get(slot.threads)!.push(ms);
      if (batch < schedule.length) return;
      let best = candidates[0];
      for (const c of candidates.slice(1)) if (median(times.get(c)!) < median(times.get(best)!) * (1 - margin)) best = c;
      chosen = best;
      set(best);
    },
    get chosen() {
      return chosen;
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
