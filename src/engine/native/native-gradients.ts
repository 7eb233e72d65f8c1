import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormGrad } from '../gradients/fused-batch-norm-grad.ts';
import { reductionPlan } from './kernels/elementwise.ts';
import { NATIVE_BACKEND, type NativeBackend } from './native-backend.ts';

// Op codes of kReluGradOp and kSquareGradOp in native/src/elementwise.cc.
const RELU_GRAD_OP = 7;
const SQUARE_GRAD_OP = 8;

/** Native-only kernels that the gradients below call. */
export const RELU_GRAD = 'DeeplineReluGrad';
export const SQUARE_GRAD = 'DeeplineSquareGrad';
export const MEAN_GRAD = 'DeeplineMeanGrad';
export const BATCH_NORM_GRAD = 'DeeplineBatchNormGrad';
export const EXTREMUM_GRAD = 'DeeplineExtremumGrad';

type Args = { inputs: Record<string, tf.TensorInfo>; attrs: tf.NamedAttrMap; backend: NativeBackend };

function nativeOnly(kernelName: string, run: (args: Args) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelConfig {
  return { kernelName, backendName: NATIVE_BACKEND, kernelFunc: run as unknown as tf.KernelFunc };
}

/** dy and x of the same shape in one element-wise pass. */
function fusedBinary(op: number) {
  return ({ inputs, backend }: Args): tf.TensorInfo => {
    const { dy, x } = inputs;
    const out = backend.allocate(tf.util.sizeFromShape(dy.shape));
    backend.addon.binary(op, backend.float32(dy), backend.float32(x), out, 0);
    return backend.output(dy.shape.slice(), out);
  };
}

/** dy (the mean's shape, reduced axes kept as 1) spread over x's shape and divided by the count. */
function meanGrad({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { dy } = inputs;
  const shape = attrs.shape as number[];
  const count = attrs.count as number;
  const out = backend.allocate(tf.util.sizeFromShape(shape));
  const dims = new Int32Array(shape.length);
  const strides = new Int32Array(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    dims[d] = shape[d];
    if (dy.shape[d] !== 1) {
      strides[d] = step;
      step *= dy.shape[d];
    }
  }
  // Multiply by a scalar 1/count that every element reads (all strides 0).
  backend.addon.broadcast(2, backend.float32(dy), Float32Array.of(1 / count), out, dims, strides, new Int32Array(shape.length));
  return backend.output(shape.slice(), out);
}

/** Batch norm's backward sweep: dx and the per-channel sums Σdy and Σdy·(x − mean), as [2, c]. */
function batchNormGrad({ inputs, backend }: Args): tf.TensorInfo[] {
  const { x, dy, mean, factor } = inputs;
  const c = mean.shape[mean.shape.length - 1];
  const dx = backend.allocate(tf.util.sizeFromShape(x.shape));
  const sums = new Float32Array(2 * c);
  backend.addon.batchNormGrad(backend.float32(x), backend.float32(dy), backend.float32(mean), backend.float32(factor), dx, sums.subarray(0, c), sums.subarray(c));
  return [backend.output(x.shape.slice(), dx), backend.makeTensorInfo([2, c], 'float32', sums)];
}

/** Max or Min's gradient: dy where x equals the reduced y, else 0, over x viewed as [outer, reduce, inner]. */
function extremumGrad({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { x, y, dy } = inputs;
  const { outer, reduce, inner } = attrs as unknown as { outer: number; reduce: number; inner: number };
  const dx = backend.allocate(tf.util.sizeFromShape(x.shape));
  backend.addon.extremumGrad(backend.float32(x), backend.float32(y), backend.float32(dy), dx, outer, reduce, inner);
  return backend.output(x.shape.slice(), dx);
}

export const nativeGradientKernels: tf.KernelConfig[] = [
  nativeOnly(RELU_GRAD, fusedBinary(RELU_GRAD_OP)),
  nativeOnly(SQUARE_GRAD, fusedBinary(SQUARE_GRAD_OP)),
  nativeOnly(MEAN_GRAD, meanGrad),
  nativeOnly(BATCH_NORM_GRAD, batchNormGrad),
  nativeOnly(EXTREMUM_GRAD, extremumGrad),
];

const onNative = (...tensors: (tf.Tensor | undefined)[]): boolean =>
  tf.getBackend() === NATIVE_BACKEND &&
  tensors.every((t) => t === undefined || (t.dtype === 'float32' && (tf.backend() as NativeBackend).isFloat32(t)));

/**
 * Gradients that a training step spends most of its element-wise time in, each made one native
 * pass instead of tfjs's chains of ops: Relu (Step then Multiply), Square (two Multiplies),
 * Mean (a ones tensor filled in JS, Multiply, RealDiv), Max and Min (Equal, Cast, Multiply on
 * the cpu kernels: 1.9 s of a 2.4 s step under global max pooling) and FusedBatchNorm (a dozen passes).
 * Gradients are registered per op, not per backend, so on any other backend, and for other
 * dtypes or shapes, the stock gradient runs unchanged. Idempotent.
 */
let installed = false;
export function installNativeGradients(): void {
  if (installed) return;
  installed = true;
  override('Relu', (stock) => (dy, saved, attrs) => {
    const [x] = saved;
    if (!onNative(dy as tf.Tensor, x) || !tf.util.arraysEqual((dy as tf.Tensor).shape, x.shape)) return stock(dy, saved, attrs);
    return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor };
  });
  override('Square', (stock) => (dy, saved, attrs) => {
    const [x] = saved;
    if (!onNative(dy as tf.Tensor, x) || !tf.util.arraysEqual((dy as tf.Tensor).shape, x.shape)) return stock(dy, saved, attrs);
    return { x: () => tf.engine().runKernel(SQUARE_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor };
  });
  override('Mean', (stock) => (dy, saved, attrs) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    if (!onNative(g, x) || g.size === 0) return stock(dy, saved, attrs);
    const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const count = x.size / g.size;
    return { x: () => tf.engine().runKernel(MEAN_GRAD, { dy: tf.reshape(g, kept) }, { shape: x.shape, count } as unknown as tf.NamedAttrMap) as tf.Tensor };
  });
  for (const [kernelName, axisAttr] of [['Max', 'reductionIndices'], ['Min', 'axis']] as const) {
    override(kernelName, (stock) => (dy, saved, attrs) => {
      const [x, y] = saved;
      const g = dy as tf.Tensor;
      const plan = reductionPlan(x.shape, tf.util.parseAxisParam((attrs as Record<string, number | number[]>)[axisAttr], x.shape));
      if (!onNative(g, x, y) || !plan || x.size === 0) return stock(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(EXTREMUM_GRAD, { x, y, dy: g }, plan as unknown as tf.NamedAttrMap) as tf.Tensor };
    });
  }
  override('FusedBatchNorm', () => (dy, saved, attrs) => batchNormGradient(dy as tf.Tensor, saved, attrs));
}

type GradFunc = NonNullable<tf.GradConfig['gradFunc']>;

function override(kernelName: string, make: (stock: GradFunc) => GradFunc): void {
  const stock = kernelName === 'FusedBatchNorm' ? fusedBatchNormGrad : tf.getGradient(kernelName);
  if (!stock) return;
  const warn = console.warn;
  // tfjs warns when a gradient is overridden; these overrides are deliberate.
  console.warn = () => {};
  try {
    tf.registerGradient({ ...stock, gradFunc: make(stock.gradFunc) });
  } finally {
    console.warn = warn;
  }
}

/**
 * FusedBatchNorm's gradient from one native sweep (per-channel statistics, the form tfjs-layers
 * uses): with f = scale/√(var + ε), dx = dy·f, d mean = −f·Σdy, d var = −½·scale·(var + ε)^(−3/2)·Σdy(x − mean),
 * d scale = Σdy(x − mean)/√(var + ε), d offset = Σdy. The sweep runs once, when the first input's
 * gradient is asked for; the per-channel ones are computed from its sums.
 */
function batchNormGradient(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> {
  const [x, mean, variance, scale] = saved;
  const channels = x.shape[x.shape.length - 1];
  const perChannel = (t: tf.Tensor | undefined): boolean => t === undefined || (t.size === channels && t.shape[t.shape.length - 1] === channels);
  if (!onNative(dy, x, mean, variance, scale) || !channels || !perChannel(mean) || !perChannel(variance) || !perChannel(scale) || !tf.util.arraysEqual(dy.shape, x.shape)) {
    return fusedBatchNormGrad.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>;
  }
  const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
  const v = variance.dataSync() as Float32Array;
  const s = scale ? (scale.dataSync() as Float32Array) : undefined;
  const rsqrt = new Float32Array(channels);
  const factor = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    rsqrt[c] = 1 / Math.sqrt(v[c] + epsilon);
    factor[c] = (s ? s[c] : 1) * rsqrt[c];
  }
  let sums: Float32Array | undefined;
  // Runs the sweep; keeps dx only when asked (inside the tape's tidy for x's gradient).
  const sweep = (keepDx: boolean): tf.Tensor | undefined => {
    const [dx, stats] = tf.engine().runKernel(BATCH_NORM_GRAD, { x, dy, mean, factor: tf.tensor1d(factor) }) as tf.Tensor[];
    sums = stats.dataSync() as Float32Array;
    stats.dispose();
    if (keepDx) return dx;
    dx.dispose();
    return undefined;
  };
  const stat = (values: (c: number, sumDy: number, sumDyXmu: number) => number) => (): tf.Tensor => {
    if (!sums) sweep(false);
    const out = new Float32Array(channels);
    for (let c = 0; c < channels; c++) out[c] = values(c, sums![c], sums![channels + c]);
    return tf.tensor(out, mean.shape);
  };
  return {
    x: () => sweep(true)!,
    mean: stat((c, sumDy) => -factor[c] * sumDy),
    variance: stat((c, _, sumDyXmu) => -0.5 * (s ? s[c] : 1) * rsqrt[c] ** 3 * sumDyXmu),
    scale: stat((c, _, sumDyXmu) => rsqrt[c] * sumDyXmu),
    offset: stat((_, sumDy) => sumDy),
  };
}
