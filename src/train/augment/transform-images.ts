import * as tf from '@tensorflow/tfjs';

export interface TransformImagesOptions {
  readonly interpolation: 'nearest' | 'bilinear';
  /** What pixels mapped from outside the image become: 0, or the nearest edge pixel. */
  readonly fill: 'zero' | 'edge';
}

/**
 * Applies one projective transform per image. `transforms` holds 8 numbers per image,
 * [a0, a1, a2, b0, b1, b2, c0, c1], mapping each output pixel (x, y) to the input point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1 (pixel indices, y down).
 * Takes [b, h, w] or [b, h, w, c] and returns the same shape. Uses the engine's Transform kernel,
 * which cpu, wasm and tfjs-node all have, so shifts, rotations and crops need no gather code.
 */
export function transformImages(x: tf.Tensor, transforms: Float32Array, options: TransformImagesOptions): tf.Tensor {
  return tf.tidy(() => {
    const b = x.shape[0];
    const images = tf.cast(x.rank === 3 ? tf.expandDims(x, -1) : x, 'float32') as tf.Tensor4D;
    const fillMode = options.fill === 'zero' ? 'constant' : 'nearest';
    // One image per call: tfjs-backend-cpu 4.22's Transform returns from inside its batch loop,
    // so in a batched call every image after the first comes back as zeros.
    const parts = tf.split<tf.Tensor4D>(images, b, 0).map((image, i) =>
      tf.image.transform(image, tf.tensor2d(transforms.subarray(i * 8, i * 8 + 8), [1, 8]), options.interpolation, fillMode, 0),
    );
    const out = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    return x.rank === 3 ? tf.squeeze(out, [3]) : out;
  });
}
