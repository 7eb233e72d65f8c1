import { availableParallelism } from 'node:os';
import { loadNativeAddon } from './native-addon.ts';

/**
 * Sets how many threads the native engine's kernels use: all cores (the default) for a single
 * training, 1 in each worker when trials train in parallel. A no-op where the addon is absent.
 */
export function setNativeThreads(count: number = availableParallelism()): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`native thread count must be a positive integer, but got ${count}`);
  loadNativeAddon().addon?.setThreads(count);
}

/** The native engine's thread count, or undefined where the addon is absent. */
export function nativeThreads(): number | undefined {
  return loadNativeAddon().addon?.getThreads();
}
