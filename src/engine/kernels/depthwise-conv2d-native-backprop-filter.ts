import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * dW[kh, kw, c, m] = Σ_{b, oh, ow} x[b, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[b, oh, ow, c·M + m].
 *
 * With the roles swapped this is one depthwise convolution: batch and channels of x fold into
 * B·C channels of a single image, dy (folded the same way) is the filter, dilated by the forward
 * stride and applied with the forward dilation as its stride; a sum over the batch finishes it.
 * Measured against an im2col of strided slices + BatchMatMul (3-40x slower: the wasm strided
 * slice is slow) and a plain JS loop (on par for multiplier 1, 2x slower otherwise).
 */
function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? [1, 1],
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const scope = new WasmKernelScope(args.backend);
  try {
    const [filterHeight, filterWidth, channels, multiplier] = attrs.filterShape;
    const { batchSize, outHeight, outWidth } = info;
    if (outHeight === 0 || outWidth === 0 || batchSize === 0) return scope.release(scope.zeros(attrs.filterShape));
    // Exactly the rows and columns the taps read, so a 'valid' convolution yields the filter size.
    const neededHeight = (filterHeight - 1) * info.dilationHeight + (outHeight - 1) * info.strideHeight + 1;
    const neededWidth = (filterWidth - 1) * info.dilationWidth + (outWidth - 1) * info.strideWidth + 1;
    const { top, left } = info.padInfo;
    const padded = scope.padOrCrop(x, [
      [0, 0],
      [top, neededHeight - top - info.inHeight],
      [left, neededWidth - left - info.inWidth],
      [0, 0],
    ]);
    const image = scope.reshape(scope.run('Transpose', { x: padded }, { perm: [1, 2, 0, 3] }), [
      1,
      neededHeight,
      neededWidth,
      batchSize * channels,
    ]);
    const dyAsFilter = scope.reshape(scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }), [
      outHeight,
      outWidth,
      batchSize * channels,
      multiplier,
    ]);
    const perExample = scope.run(
      'DepthwiseConv2dNative',
      { x: image, filter: dyAsFilter },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: 'valid',
      },
    );
    const summed = scope.run(
      'Sum',
      { x: scope.reshape(perExample, [filterHeight, filterWidth, batchSize, channels * multiplier]) },
      { axis: [2], keepDims: false },
    );
    return scope.release(scope.reshape(summed, attrs.filterShape));
  } finally {
    scope.dispose();
  }
}

/** DepthwiseConv2dNativeBackpropFilter (the filter gradient of depthwiseConv2d) for the wasm backend. */
export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
