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
 * Binary ops where one operand has the output's shape and the other the same shape, a scalar or
 * a trailing slice (a bias, a per-channel factor); other broadcasts go to the cpu kernel.
 */
function binary(op: number) {
  return ({ inputs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { a, b } = inputs;
    if (!backend.isFloat32(a) || !backend.isFloat32(b)) return undefined;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const size = sizeOf(outShape);
    if (size === 0) return undefined;
    let swap: boolean;
    if (sizeOf(a.shape) === size && tiles(b.shape, outShape)) swap = false;
    else if (sizeOf(b.shape) === size && tiles(a.shape, outShape)) swap = true;
    else return undefined;
    const [full, part] = swap ? [b, a] : [a, b];
    const out = backend.allocate(size);
    backend.addon.binary(op, backend.float32(full), backend.float32(part), out, swap ? 1 : 0);
    return backend.output(outShape, out);
  };
}

/**
 * Sum over leading axes (a bias gradient, batch-norm statistics) or trailing axes (a row sum);
 * other axes go to the cpu kernel. Returns the output values and shape, and how many inputs
 * each output summed, so Mean can reuse it.
 */
function sumOf({ inputs, attrs, backend }: NativeKernelArgs): { out: Float32Array; shape: number[]; count: number } | undefined {
  const { x } = inputs;
  if (!backend.isFloat32(x) || sizeOf(x.shape) === 0) return undefined;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
  const rank = x.shape.length;
  if (axes.length === 0 || axes.some((axis, i) => i > 0 && axis === axes[i - 1])) return undefined;
  const leading = axes.every((axis, i) => axis === i);
  const trailing = axes.every((axis, i) => axis === rank - axes.length + i);
  if (!leading && !trailing) return undefined;
  const reduced = leading ? x.shape.slice(0, axes.length) : x.shape.slice(rank - axes.length);
  const kept = leading ? x.shape.slice(axes.length) : x.shape.slice(0, rank - axes.length);
  const outer = leading ? sizeOf(reduced) : sizeOf(kept);
  const inner = leading ? sizeOf(kept) : sizeOf(reduced);
  const out = backend.allocate(leading ? inner : outer);
  backend.addon.sum(backend.float32(x), out, outer, inner, leading ? 1 : 0);
  const shape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept;
  return { out, shape, count: sizeOf(reduced) };
}

function sum(args: NativeKernelArgs): tf.TensorInfo | undefined {
  const r = sumOf(args);
  return r && args.backend.output(r.shape, r.out);
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
  nativeKernel('Sum', sum),
  nativeKernel('Mean', mean),
  nativeKernel('Softmax', softmax),
];
