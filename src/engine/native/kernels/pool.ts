import * as tf from '@tensorflow/tfjs';
import { allFloat32, nativeKernel, sizeOf, type NativeKernelArgs } from '../native-kernel.ts';
import { nativeConvShape } from './conv-params.ts';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** The pooling window of x, or undefined when the addon can't take it. */
export function poolInfo(xShape: Shape4, attrs: tf.NamedAttrMap): tf.backend_util.Conv2DInfo | undefined {
  const info = tf.backend_util.computePool2DInfo(
    xShape,
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
  );
  if (!nativeConvShape(info)) return undefined;
  // A window lying wholly in the padding has no TF meaning; oneDNN rejects such paddings.
  const p = info.padInfo;
  if (Math.max(p.top, p.bottom) >= info.filterHeight || Math.max(p.left, p.right) >= info.filterWidth) return undefined;
  return info;
}

/** native/src/pool.cc's parameter layout: N, IH, IW, C, OH, OW, KH, KW, SH, SW, PT, PL, PB, PR. */
export function poolParams(info: tf.backend_util.Conv2DInfo): Int32Array {
  const p = info.padInfo;
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, p.top, p.left, p.bottom, p.right,
  );
}

function pool(isMax: boolean) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { x } = inputs;
    if (!allFloat32(backend, x) || x.shape.length !== 4) return undefined;
    const info = poolInfo(x.shape as Shape4, attrs);
    if (!info) return undefined;
    const shape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    const out = backend.allocate(sizeOf(shape));
    backend.addon.pool(backend.float32(x), out, poolParams(info), isMax ? 1 : 0);
    return backend.output(shape, out);
  };
}

function maxPoolGrad({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined {
  const { dy, input, output } = inputs;
  if (!allFloat32(backend, dy, input, output)) return undefined;
  const info = poolInfo(input.shape as Shape4, attrs);
  if (!info) return undefined;
  const dx = backend.allocate(sizeOf(input.shape));
  backend.addon.maxPoolGrad(backend.float32(dy), backend.float32(input), backend.float32(output), dx, poolParams(info));
  return backend.output(input.shape.slice(), dx);
}

function avgPoolGrad({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined {
  const { dy, input } = inputs;
  if (!allFloat32(backend, dy, input)) return undefined;
  const info = poolInfo(input.shape as Shape4, attrs);
  if (!info) return undefined;
  const dx = backend.allocate(sizeOf(input.shape));
  backend.addon.avgPoolGrad(backend.float32(dy), dx, poolParams(info));
  return backend.output(input.shape.slice(), dx);
}

export const maxPoolConfig = nativeKernel('MaxPool', pool(true));
export const avgPoolConfig = nativeKernel('AvgPool', pool(false));
export const maxPoolGradConfig = nativeKernel('MaxPoolGrad', maxPoolGrad);
export const avgPoolGradConfig = nativeKernel('AvgPoolGrad', avgPoolGrad);
