import * as tf from '@tensorflow/tfjs';
import { activationCode, allFloat32, nativeKernel, sizeOf, type NativeKernelArgs } from '../native-kernel.ts';
import { convParams, nativeConvShape } from './conv-params.ts';

type Strides = [number, number] | number;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** Conv2D and DepthwiseConv2dNative, plain or fused with a per-channel bias and an activation. */
function convolve(depthwise: boolean) {
  return ({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined => {
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    if (!x || !filter || preluActivationWeights || !allFloat32(backend, x, filter, bias)) return undefined;
    const code = activationCode(attrs.activation);
    if (code === undefined) return undefined;
    const dataFormat = (attrs.dataFormat as string | undefined) === 'NCHW' ? 'channelsFirst' : 'channelsLast';
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as Strides,
      (attrs.dilations as Strides | undefined) ?? 1,
      attrs.pad as Pad,
      attrs.dimRoundingMode as Rounding,
      depthwise,
      dataFormat,
    );
    if (!nativeConvShape(info)) return undefined;
    if (bias && (sizeOf(bias.shape) !== info.outChannels || bias.shape.slice(0, -1).some((d) => d !== 1))) return undefined;
    const out = backend.allocate(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
    const alpha = code === 3 ? ((attrs.leakyreluAlpha as number | undefined) ?? 0.2) : 0;
    backend.addon.conv2d(
      backend.float32(x),
      backend.float32(filter),
      out,
      bias ? backend.float32(bias) : null,
      convParams(info, depthwise, code),
      alpha,
    );
    return backend.output([info.batchSize, info.outHeight, info.outWidth, info.outChannels], out);
  };
}

export const conv2dConfig = nativeKernel('Conv2D', convolve(false));
export const fusedConv2dConfig = nativeKernel('FusedConv2D', convolve(false));
export const depthwiseConv2dNativeConfig = nativeKernel('DepthwiseConv2dNative', convolve(true));
export const fusedDepthwiseConv2dConfig = nativeKernel('FusedDepthwiseConv2D', convolve(true));
