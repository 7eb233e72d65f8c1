import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposedConvInput } from './transposed-conv-input.ts';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * dx of conv2d, as an XNNPACK Conv2D of the spread and padded dy with the filter flipped
 * spatially and its channel axes swapped. It replaces the stock wasm Conv2DBackpropInput, a
 * direct loop that measured several times slower on the layers deepline trains.
 */
function conv2dBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const scope = new WasmKernelScope(args.backend);
  try {
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
    );
    // The wasm Conv2D is NHWC only; NCHW callers pay one transpose of dy and of dx.
    const channelsFirst = info.dataFormat === 'channelsFirst';
    const dyNhwc = channelsFirst ? scope.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] }) : dy;
    let dx: tf.TensorInfo;
    if (info.outHeight === 0 || info.outWidth === 0) {
      dx = scope.zeros([info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
    } else {
      const input = transposedConvInput(scope, dyNhwc, info);
      const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
      const adjoint = scope.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      dx = scope.run('Conv2D', { x: input, filter: adjoint }, { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' });
    }
    if (channelsFirst) dx = scope.run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
    return scope.release(dx);
  } finally {
    scope.dispose();
  }
}

/** Conv2DBackpropInput (the input gradient of conv2d) for the wasm backend. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
