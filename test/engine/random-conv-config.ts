import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../../src/seed/seeded-random.ts';

export type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

export interface ConvConfig {
  /** x's shape, in the config's data format. */
  xShape: [number, number, number, number];
  /** [height, width, inChannels, outChannels], or [height, width, channels, multiplier] when depthwise. */
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Padding;
  dataFormat: 'NHWC' | 'NCHW';
  info: tf.backend_util.Conv2DInfo;
}

/**
 * A random small convolution that has at least one output: odd sizes, every padding form,
 * strides and (when asked) dilations up to 3, NCHW when asked. Small enough that the cpu
 * backend's reference loops stay fast.
 */
export function randomConvConfig(
  random: SeededRandom,
  options: { depthwise: boolean; dilations: boolean; channelsFirst: boolean },
): ConvConfig {
  const between = (lo: number, hi: number): number => lo + random.int(hi - lo + 1);
  for (;;) {
    const [batch, height, width, channels] = [between(1, 3), between(1, 11), between(1, 11), between(1, 5)];
    const filterShape: [number, number, number, number] = [between(1, 4), between(1, 4), channels, between(1, options.depthwise ? 3 : 5)];
    const strides: [number, number] = [between(1, 3), between(1, 3)];
    const dilations: [number, number] = options.dilations ? [between(1, 3), between(1, 3)] : [1, 1];
    const dataFormat = options.channelsFirst && random.next() < 0.3 ? 'NCHW' : 'NHWC';
    const xShape: [number, number, number, number] =
      dataFormat === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
    const spatial = (): [number, number] => [random.int(4), random.int(4)];
    // tfjs-core derives both output sizes of a numeric padding from the height's filter size and
    // stride; the stock wasm Conv2D then writes past its output. Numbers only where that is harmless.
    const square = filterShape[0] === filterShape[1] && strides[0] === strides[1] && dilations[0] === dilations[1];
    let pick = random.int(4);
    if (pick === 2 && !square) pick = 3;
    const pad: Padding =
      pick === 0
        ? 'same'
        : pick === 1
          ? 'valid'
          : pick === 2
            ? random.int(3)
            : dataFormat === 'NCHW'
              ? [[0, 0], [0, 0], spatial(), spatial()]
              : [[0, 0], spatial(), spatial(), [0, 0]];
    const info = tf.backend_util.computeConv2DInfo(
      xShape,
      filterShape,
      strides,
      dilations,
      pad,
      undefined,
      options.depthwise,
      dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
    );
    if (info.outHeight > 0 && info.outWidth > 0) return { xShape, filterShape, strides, dilations, pad, dataFormat, info };
  }
}
