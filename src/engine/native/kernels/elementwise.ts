import * as tf from '@tensorflow/tfjs';
import { nativeKernel, sizeOf, type NativeKernelArgs } from '../native-kernel.ts';

/** Op codes of native/src/elementwise.cc. */
const UNARY = { Relu: 0, Step: 1, Neg: 2, Square: 3, Sqrt: 4, Exp: 5, Log: 6, Reciprocal: 7 } as const;
const BINARY = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 } as const;

function unary(op: number) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { x } = inputs;
    if (!backend.isFloat32(x)) return undefined;
    const values = backend.float32(x);
    const out = backend.allocate(values.length);
    backend.addon.unary(op, values, out, (attrs.alpha as number | undefined) ?? 0);
    return backend.output(x.shape.slice(), out);
  };
}

/** True when `small`, less its leading 1s, is a trailing part of `full` (so it tiles it). */
function tiles(small: readonly number[], full: readonly number[]): boolean {
  let start = 0;
  while (start < small.length && small[start] === 1) start++;
  const rest = small.slice(start);
  if (rest.length > full.length) return false;
  const tail = full.slice(full.length - rest.length);
  return rest.every((d, i) => d === tail[i]);
}

/**
 * Binary ops on float32 with any broadcast: the same shape, a scalar or a trailing slice (a
 * bias, a per-channel factor) in one flat loop; anything else through collapsed strides
 * (global pooling's gradient broadcasts [batch, 1, 1, c] over [batch, h, w, c]).
 */
function binary(op: number) {
  return ({ inputs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { a, b } = inputs;
    if (!backend.isFloat32(a) || !backend.isFloat32(b)) return undefined;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const size = sizeOf(outShape);
    if (size === 0) return undefined;
    const out = backend.allocate(size);
    let swap: boolean | undefined;
    if (sizeOf(a.shape) === size && tiles(b.shape, outShape)) swap = false;
    else if (sizeOf(b.shape) === size && tiles(a.shape, outShape)) swap = true;
    if (swap !== undefined) {
      const [full, part] = swap ? [b, a] : [a, b];
      backend.addon.binary(op, backend.float32(full), backend.float32(part), out, swap ? 1 : 0);
    } else {
      const plan = broadcastPlan(a.shape, b.shape, outShape);
      backend.addon.broadcast(op, backend.float32(a), backend.float32(b), out, plan.dims, plan.aStrides, plan.bStrides);
    }
    return backend.output(outShape, out);
  };
}

/**
 * The dims and per-operand element strides of a broadcast, with dims of size 1 dropped and
 * neighbours merged where both operands walk them alike (both contiguous or both repeated).
 */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): { dims: Int32Array; aStrides: Int32Array; bStrides: Int32Array } {
  const rank = outShape.length;
  const pad = (shape: readonly number[]): number[] => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const [pa, pb] = [pad(aShape), pad(bShape)];
  // Walking from the innermost dim: 'same' = operand has the dim, 'bcast' = repeated over it.
  const dims: number[] = [];
  const kinds: [boolean, boolean][] = [];
  for (let d = rank - 1; d >= 0; d--) {
    if (outShape[d] === 1) continue;
    const kind: [boolean, boolean] = [pa[d] !== 1, pb[d] !== 1];
    const last = kinds.length - 1;
    if (last >= 0 && kinds[last][0] === kind[0] && kinds[last][1] === kind[1]) dims[last] *= outShape[d];
    else {
      dims.push(outShape[d]);
      kinds.push(kind);
    }
  }
  dims.reverse();
  kinds.reverse();
  const strides = (which: 0 | 1): Int32Array => {
    const s = new Int32Array(dims.length);
    let step = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (kinds[d][which]) {
        s[d] = step;
        step *= dims[d];
      }
    }
    return s;
  };
  return { dims: Int32Array.from(dims), aStrides: strides(0), bStrides: strides(1) };
}

/**
 * x's shape as [outer, reduce, inner] when the reduced axes form one block once size-1 dims are
 * set aside: leading (a bias gradient, batch-norm statistics), trailing (a row sum) or in the
 * middle (global pooling over [batch, h, w, c]); undefined for other patterns.
 */
export function reductionPlan(shape: readonly number[], axes: readonly number[]): { outer: number; reduce: number; inner: number } | undefined {
  const sizes = [1, 1, 1];
  let part = 0;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const want = axes.includes(i) ? 1 : part === 0 ? 0 : 2;
    if (want < part) return undefined;
    part = want;
    sizes[part] *= shape[i];
  }
  return { outer: sizes[0], reduce: sizes[1], inner: sizes[2] };
}

/** Op codes of native/src/elementwise.cc's Reduction. */
const REDUCTION = { sum: 0, max: 1, min: 2 } as const;

/**
 * A reduction over axes that reductionPlan covers (others go to the cpu kernel). Returns the
 * output values and shape, and how many inputs each output reduced, so Mean can reuse it.
 */
function reduceOf(op: number, axisAttr: string) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): { out: Float32Array; shape: number[]; count: number } | undefined => {
    const { x } = inputs;
    if (!backend.isFloat32(x) || sizeOf(x.shape) === 0) return undefined;
    const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    const plan = reductionPlan(x.shape, axes);
    if (!plan) return undefined;
    const out = backend.allocate(plan.outer * plan.inner);
    backend.addon.reduce(op, backend.float32(x), out, plan.outer, plan.reduce, plan.inner);
    const shape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return { out, shape, count: plan.reduce };
  };
}

const sumOf = reduceOf(REDUCTION.sum, 'axis');

function reduction(run: ReturnType<typeof reduceOf>) {
  return (args: NativeKernelArgs): tf.TensorInfo | undefined => {
    const r = run(args);
    return r && args.backend.output(r.shape, r.out);
  };
}

/**
 * Mean as a native sum scaled by 1/count: batch norm's moments reduce over every axis but the
 * channels, which the cpu kernel did by transposing first: 886 ms of a 837 ms-per-batch BN-CNN
 * step as profiled (tf.profile sums kernel times, nested ones included).
 */
function mean(args: NativeKernelArgs): tf.TensorInfo | undefined {
  const r = sumOf(args);
  if (!r) return undefined;
  const scale = 1 / r.count;
  for (let i = 0; i < r.out.length; i++) r.out[i] *= scale;
  return args.backend.output(r.shape, r.out);
}

/** Softmax over the last axis (the only one tfjs-core's softmax op takes). */
function softmax({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined {
  const { logits } = inputs;
  const rank = logits.shape.length;
  const dim = (attrs.dim as number | undefined) ?? -1;
  if (!backend.isFloat32(logits) || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
  const cols = logits.shape[rank - 1];
  const values = backend.float32(logits);
  if (cols === 0 || values.length === 0) return undefined;
  const out = backend.allocate(values.length);
  backend.addon.softmax(values, out, cols);
  return backend.output(logits.shape.slice(), out);
}

export const elementwiseConfigs: tf.KernelConfig[] = [
  ...Object.entries(UNARY).map(([name, op]) => nativeKernel(name, unary(op))),
  ...Object.entries(BINARY).map(([name, op]) => nativeKernel(name, binary(op))),
  nativeKernel('Sum', reduction(sumOf)),
  nativeKernel('Mean', mean),
  // Global max pooling: the cpu kernels transpose first (455 ms for [128, 14, 14, 256]).
  nativeKernel('Max', reduction(reduceOf(REDUCTION.max, 'reductionIndices'))),
  nativeKernel('Min', reduction(reduceOf(REDUCTION.min, 'axis'))),
  nativeKernel('Softmax', softmax),
];
