import type { KernelInput } from './run-kernel.ts';

/**
 * The undilated filter equal to `filter` dilated by `dilations`: zeros between the taps. The cpu
 * backend's depthwise gradient kernels ignore dilations, so dilated cases are checked against
 * them through this equivalent filter.
 */
export function dilateFilter(filter: Float32Array, shape: number[], dilations: [number, number]): KernelInput {
  const [height, width, channels, multiplier] = shape;
  const [dh, dw] = dilations;
  const outShape = [(height - 1) * dh + 1, (width - 1) * dw + 1, channels, multiplier];
  const inner = channels * multiplier;
  const values = new Float32Array(outShape[0] * outShape[1] * inner);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const from = (r * width + c) * inner;
      values.set(filter.subarray(from, from + inner), (r * dh * outShape[1] + c * dw) * inner);
    }
  }
  return { values, shape: outShape };
}
