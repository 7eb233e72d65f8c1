import type * as tf from '@tensorflow/tfjs';

/**
 * The Int32Array the addon's convolution functions take (native/src/conv.cc, enum P):
 * N, IH, IW, IC, OH, OW, OC, KH, KW, SH, SW, DH, DW, PT, PL, PB, PR, depthwise, activation.
 */
export function convParams(info: tf.backend_util.Conv2DInfo, depthwise: boolean, activation = 0): Int32Array {
  const p = info.padInfo;
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    p.left,
    p.bottom,
    p.right,
    depthwise ? 1 : 0,
    activation,
  );
}

/** Whether the addon can run this convolution: NHWC, non-empty, oneDNN-consistent padding. */
export function nativeConvShape(info: tf.backend_util.Conv2DInfo): boolean {
  if (info.dataFormat !== 'channelsLast') return false;
  if ([info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels].some((d) => d <= 0)) return false;
  const p = info.padInfo;
  if ([p.top, p.left, p.bottom, p.right].some((v) => v < 0)) return false;
  // oneDNN demands that the padding it is given reproduces exactly this output size.
  const fits = (inSize: number, pad: number, eff: number, stride: number, out: number): boolean =>
    Math.floor((inSize + pad - eff) / stride) + 1 === out;
  return (
    fits(info.inHeight, p.top + p.bottom, info.effectiveFilterHeight, info.strideHeight, info.outHeight) &&
    fits(info.inWidth, p.left + p.right, info.effectiveFilterWidth, info.strideWidth, info.outWidth)
  );
}
