import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposedConvInput } from './transposed-conv-input.ts';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * dx of a depthwise convolution, as a depthwise convolution (multiplier 1) of the spread and
 * padded dy with the spatially flipped filter, followed by a sum over the channel multiplier.
 * Every step runs in wasm; the convolution has the forward pass's small kernel, which XNNPACK
 * handles well.
 */
function depthwiseConv2dNativeBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? [1, 1],
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const scope = new WasmKernelScope(args.backend);
  try {
    const [filterHeight, filterWidth, channels, multiplier] = filter.shape;
    if (info.outHeight === 0 || info.outWidth === 0) return scope.release(scope.zeros(info.inShape));
    const input = transposedConvInput(scope, dy, info);
    const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perOutputChannel = scope.run(
      'DepthwiseConv2dNative',
      { x: input, filter: scope.reshape(flipped, [filterHeight, filterWidth, channels * multiplier, 1]) },
      { strides: [1, 1], pad: 'valid', dilations: [info.dilationHeight, info.dilationWidth] },
    );
    if (multiplier === 1) return scope.release(perOutputChannel);
    const [batch, height, width] = info.inShape;
    const grouped = scope.reshape(perOutputChannel, [batch, height, width, channels, multiplier]);
    return scope.release(scope.run('Sum', { x: grouped }, { axis: [4], keepDims: false }));
  } finally {
    scope.dispose();
  }
}

/** DepthwiseConv2dNativeBackpropInput (the input gradient of depthwiseConv2d) for the wasm backend. */
export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
