import type * as tf from '@tensorflow/tfjs';
import { allFloat32, nativeKernel, type NativeKernelArgs } from '../native-kernel.ts';

/**
 * FusedBatchNorm with per-channel statistics (the form tfjs-layers produces): the variance and
 * scale fold into one factor per channel here, the addon does the per-element pass.
 */
function batchNorm({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined {
  const { x, mean, variance, offset, scale } = inputs as Record<string, tf.TensorInfo | undefined>;
  if (!x || !mean || !variance || !allFloat32(backend, x, mean, variance, offset, scale)) return undefined;
  const channels = x.shape[x.shape.length - 1];
  const perChannel = (t: tf.TensorInfo | undefined): boolean =>
    t === undefined || (t.shape.length >= 1 && t.shape[t.shape.length - 1] === channels && t.shape.slice(0, -1).every((d) => d === 1));
  if (!channels || ![mean, variance, offset, scale].every(perChannel)) return undefined;
  const epsilon = (attrs.varianceEpsilon as number | undefined) ?? 0.001;
  const v = backend.float32(variance);
  const s = scale ? backend.float32(scale) : undefined;
  const factor = new Float32Array(channels);
  for (let c = 0; c < channels; c++) factor[c] = (s ? s[c] : 1) / Math.sqrt(v[c] + epsilon);
  const shift = offset ? backend.float32(offset) : new Float32Array(channels);
  const out = backend.allocate(backend.float32(x).length);
  backend.addon.scaleShift(backend.float32(x), backend.float32(mean), factor, shift, out);
  return backend.output(x.shape.slice(), out);
}

export const fusedBatchNormConfig = nativeKernel('FusedBatchNorm', batchNorm);
