import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * MaxPoolGrad for the wasm backend, replacing the stock one, which drops the gradient of any
 * 'valid' window whose values are all negative (it happens whenever pooling is not preceded by a
 * ReLU) and measured slower than this.
 *
 * A plain loop over the input on purpose: each window is scanned once, as the forward pass does,
 * and the gradient goes to the first maximum in row-major order, exactly as the cpu backend and
 * TensorFlow pick it. The wasm alternatives (MaxPoolWithArgmax + ScatterNd, or an equality mask)
 * either share the stock bug or give ties to every equal value.
 */
function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const scope = new WasmKernelScope(args.backend);
  try {
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { effectiveFilterHeight: filterHeight, effectiveFilterWidth: filterWidth } = info;
    const dx = scope.allocate(input.shape, 'float32');
    const dxValues = dx.values;
    dxValues.fill(0);
    const x = args.backend.typedArrayFromHeap(input);
    const dyValues = args.backend.typedArrayFromHeap(dy);
    const best = new Float32Array(channels);
    const bestAt = new Int32Array(channels);
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowStart = oh * strideHeight - info.padInfo.top;
        const rowFrom = Math.max(0, rowStart);
        const rowTo = Math.min(inHeight, rowStart + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const colStart = ow * strideWidth - info.padInfo.left;
          const colFrom = Math.max(0, colStart);
          const colTo = Math.min(inWidth, colStart + filterWidth);
          best.fill(-Infinity);
          bestAt.fill(-1);
          for (let r = rowFrom; r < rowTo; r++) {
            for (let col = colFrom; col < colTo; col++) {
              const at = ((b * inHeight + r) * inWidth + col) * channels;
              for (let c = 0; c < channels; c++) {
                const v = x[at + c];
                if (v > best[c]) {
                  best[c] = v;
                  bestAt[c] = at + c;
                }
              }
            }
          }
          const dyAt = ((b * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) {
            if (bestAt[c] >= 0) dxValues[bestAt[c]] += dyValues[dyAt + c];
          }
        }
      }
    }
    return scope.release(dx.info);
  } finally {
    scope.dispose();
  }
}

/** MaxPoolGrad (the input gradient of maxPool, NHWC) for the wasm backend. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
