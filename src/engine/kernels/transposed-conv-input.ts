import type * as tf from '@tensorflow/tfjs';
import type { WasmKernelScope } from './wasm-kernel-scope.ts';

/**
 * Turns dy (NHWC) into the input of the stride-1, 'valid' convolution with the spatially flipped
 * filter that computes dx, the input gradient of a strided, padded, dilated convolution:
 *
 *   dx[i] = Σ_k dy[(i + top − k·d) / s] · w[k]   (terms with a fractional index are zero)
 *
 * It spreads dy out by the stride (s − 1 zeros after each row and column) and pads it so that
 * the flipped filter, dilated by d, produces exactly inHeight × inWidth outputs. Padding that is
 * negative (explicit paddings wider than the dilated filter) becomes a crop: those rows of dy
 * were computed from padding alone and contribute nothing to dx.
 */
export function transposedConvInput(scope: WasmKernelScope, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape;
  const { strideHeight: sh, strideWidth: sw } = info;
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const withGaps = scope.run(
      'PadV2',
      { x: scope.reshape(dy, [batch, outHeight, 1, outWidth, 1, channels]) },
      { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
    );
    spread = scope.reshape(withGaps, [batch, outHeight * sh, outWidth * sw, channels]);
  }
  const reachHeight = (info.filterHeight - 1) * info.dilationHeight;
  const reachWidth = (info.filterWidth - 1) * info.dilationWidth;
  const before: [number, number] = [reachHeight - info.padInfo.top, reachWidth - info.padInfo.left];
  // The conv output has (padded length − reach) rows; it must equal inHeight.
  const after: [number, number] = [
    info.inHeight + reachHeight - before[0] - spread.shape[1],
    info.inWidth + reachWidth - before[1] - spread.shape[2],
  ];
  return scope.padOrCrop(spread, [
    [0, 0],
    [before[0], after[0]],
    [before[1], after[1]],
    [0, 0],
  ]);
}
