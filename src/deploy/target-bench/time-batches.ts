import type { BenchCell } from './target-bench-result.ts';

export interface TimeBatchesOptions {
  readonly batchSizes: readonly number[];
  /** Milliseconds of timed calls per batch size, once warm (at least `minCalls` calls are timed). */
  readonly cellMs: number;
  /** Default 5: a slow call still gets a p50 from more than one sample. */
  readonly minCalls?: number;
  /** Default 2000: a fast model's cell stops at this many calls. */
  readonly maxCalls?: number;
  /** Untimed calls first, per batch size (kernel setup, operator caches, JIT); default 3. */
  readonly warmupCalls?: number;
  /** The clock, in ms; default performance.now. */
  readonly now?: () => number;
}

/**
 * Times `predict` on batches of each size, one call after another: p50, p99 and mean of a call
 * and the examples per second. Batches are taken from `rows` in turn (wrapping around), so
 * consecutive calls see different inputs.
 */
export async function timeBatches(
  predict: (batch: readonly Float32Array[]) => Promise<unknown>,
  rows: readonly Float32Array[],
  options: TimeBatchesOptions,
): Promise<BenchCell[]> {
  if (rows.length === 0) throw new RangeError('timeBatches needs at least one row');
  const now = options.now ?? (() => performance.now());
  const minCalls = options.minCalls ?? 5;
  const maxCalls = options.maxCalls ?? 2000;
  const warmupCalls = options.warmupCalls ?? 3;
  let next = 0;
  const take = (size: number): Float32Array[] => {
    const batch = Array.from({ length: size }, (_, k) => rows[(next + k) % rows.length]!);
    next = (next + size) % rows.length;
    return batch;
  };
  const cells: BenchCell[] = [];
  for (const size of options.batchSizes) {
    for (let i = 0; i < warmupCalls; i++) await predict(take(size));
    const times: number[] = [];
    let total = 0;
    while (times.length < maxCalls && (times.length < minCalls || total < options.cellMs)) {
      const batch = take(size);
      const start = now();
      await predict(batch);
      const took = now() - start;
      times.push(took);
      total += took;
    }
    const sorted = times.sort((a, b) => a - b);
    cells.push({
      batch: size,
      calls: sorted.length,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      meanMs: total / sorted.length,
      throughput: total > 0 ? (size * sorted.length * 1000) / total : Infinity,
    });
  }
  return cells;
}

/** The q-quantile of ascending `sorted` by nearest rank: a value that was measured, never an interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
