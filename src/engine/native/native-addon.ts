import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The oneDNN addon built from native/ (scripts/build-native.mjs). Every function works on the
 * caller's typed arrays in place: inputs are read, outputs are preallocated by the caller.
 * Integer shape parameters travel as one Int32Array whose layout each kernel file documents.
 */
export interface NativeAddon {
  version(): string;
  setThreads(count: number): void;
  getThreads(): number;
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, bias: Float32Array | null, params: Int32Array, alpha: number): void;
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, bias: Float32Array | null, params: Int32Array, alpha: number): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, params: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, params: Int32Array): void;
  /** Which oneDNN implementations a convolution shape gets (forward | data grad | filter grad). */
  convImplementations(params: Int32Array): string;
  pool(x: Float32Array, out: Float32Array, params: Int32Array, isMax: number): void;
  maxPoolGrad(dy: Float32Array, x: Float32Array, y: Float32Array, dx: Float32Array, params: Int32Array): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array, params: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, swap: number): void;
  /** x viewed as [outer, reduce, inner] reduced (0 sum, 1 max, 2 min) over reduce into out [outer, inner]. */
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, reduce: number, inner: number): void;
  /** Max or Min's gradient: dx [outer, reduce, inner] = dy [outer, inner] where x equals y [outer, inner], else 0. */
  extremumGrad(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, outer: number, reduce: number, inner: number): void;
  /** out (dims) = a op b, each read with its own element strides per dim (0 where broadcast). */
  /** Batch norm's backward sweep over x, dy [rows, c]: dx = dy·factor, and per channel Σdy and Σdy·(x − mean). */
  batchNormGrad(x: Float32Array, dy: Float32Array, mean: Float32Array, factor: Float32Array, dx: Float32Array, sumDy: Float32Array, sumDyXmu: Float32Array): void;
  broadcast(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  softmax(x: Float32Array, out: Float32Array, rowLength: number): void;
  scaleShift(x: Float32Array, mean: Float32Array, scale: Float32Array, shift: Float32Array, out: Float32Array): void;
  /** One Adam step; hyper = [lr, beta1, beta2, epsilon, beta1^t, beta2^t]. */
  adam(
    value: Float32Array,
    m: Float32Array,
    v: Float32Array,
    gradient: Float32Array,
    outValue: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    hyper: Float32Array,
  ): void;
}

/** Where `npm ci` (scripts/build-native.mjs) puts the compiled addon. */
export const NATIVE_ADDON_PATH = fileURLToPath(new URL('../../../native/build/Release/deepline_native.node', import.meta.url));

let loaded: { addon?: NativeAddon; reason?: string } | undefined;

/**
 * The addon, or the reason it is unavailable (not built because oneDNN was missing at install
 * time, or it fails to load because libdnnl.so.2 went away since).
 */
export function loadNativeAddon(): { addon?: NativeAddon; reason?: string } {
  if (loaded) return loaded;
  if (process.env.DEEPLINE_NATIVE === '0') {
    // For comparing engines, or working around a native kernel, without rebuilding.
    loaded = { reason: 'the native engine is turned off (DEEPLINE_NATIVE=0)' };
  } else if (!existsSync(NATIVE_ADDON_PATH)) {
    loaded = { reason: 'the native addon is not built (oneDNN was not installed when npm ci ran)' };
  } else {
    // OpenMP's idle threads otherwise spin between kernels, taking the core the JS code between
    // them needs: measured 12x slower training at 2 threads on 2 busy cores. libgomp reads this
    // when the addon loads it; a user's own setting wins.
    process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
    try {
      loaded = { addon: createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon };
    } catch (e) {
      loaded = { reason: `the native addon does not load (${(e as Error).message.split('\n')[0]})` };
    }
  }
  return loaded;
}
