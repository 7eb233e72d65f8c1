import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * The source row (or column) the forward resizeNearestNeighbor reads for each output one, with
 * the forward pass's own arithmetic, so the gradient goes exactly where the value came from.
 */
function sources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const out = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const fraction = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    out[o] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return out;
}

/**
 * ResizeNearestNeighborGrad (the gradient of upSampling2d) for the wasm backend, replacing the
 * stock one, which is right but measured 3x slower (11.6 ms against 3.6 ms for 64x14x14x32
 * upsampled 2x). One pass over dy adds each value to the pixel it was copied from, the same work
 * as the forward pass.
 *
 * Note the cpu backend's own kernel is wrong for batches of more than one (it offsets dy by the
 * images' batch stride) and ignores halfPixelCenters; this one follows the forward pass instead.
 */
function resizeNearestNeighborGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
  const [batch, inHeight, inWidth, channels] = images.shape;
  const [, outHeight, outWidth] = dy.shape;
  const scope = new WasmKernelScope(args.backend);
  try {
    const dx = scope.allocate(images.shape, 'float32');
    const dxValues = dx.values;
    dxValues.fill(0);
    const dyValues = args.backend.typedArrayFromHeap(dy);
    const rows = sources(inHeight, outHeight, alignCorners, halfPixelCenters ?? false);
    const cols = sources(inWidth, outWidth, alignCorners, halfPixelCenters ?? false);
    let from = 0;
    for (let b = 0; b < batch; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowAt = (b * inHeight + rows[oh]) * inWidth;
        for (let ow = 0; ow < outWidth; ow++) {
          const to = (rowAt + cols[ow]) * channels;
          for (let c = 0; c < channels; c++) dxValues[to + c] += dyValues[from++];
        }
      }
    }
    return scope.release(dx.info);
  } finally {
    scope.dispose();
  }
}

/** ResizeNearestNeighborGrad (NHWC) for the wasm backend. */
export const resizeNearestNeighborGradConfig: tf.KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGrad as unknown as tf.KernelFunc,
};
