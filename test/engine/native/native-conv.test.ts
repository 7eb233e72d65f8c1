import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { assertClose } from '../assert-close.ts';
import { dilateFilter } from '../dilate-filter.ts';
import { randomConvConfig, type ConvConfig } from '../random-conv-config.ts';
import { randomValues } from '../random-values.ts';
import { runKernel, type KernelInput } from '../run-kernel.ts';
import { loadNativeAddon } from '../../../src/engine/native/native-addon.ts';
import { setNativeThreads } from '../../../src/engine/native/native-threads.ts';
import { skipWithoutNative } from './native-available.ts';

const size = tf.util.sizeFromShape;
const CONFIGS = 40;

/** Runs a kernel on cpu then native and compares the outputs within 1e-4 (relative). */
async function compare(kernel: string, inputs: Parameters<typeof runKernel>[2], attrs: object, label: string): Promise<void> {
  const expected = await runKernel('cpu', kernel, inputs, attrs);
  const actual = await runKernel('native', kernel, inputs, attrs);
  assertClose(actual.shape, expected.shape, 0, `${label} shape`);
  assertClose(actual.values, expected.values, 1e-4, label);
}

for (const depthwise of [false, true]) {
  const name = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  test(`${name}, its fused form and both gradients match cpu on ${CONFIGS} random shapes, strides, paddings, dilations`, { skip: skipWithoutNative }, async () => {
    const random = createSeededRandom(depthwise ? 502 : 501);
    for (let i = 0; i < CONFIGS; i++) {
      let c = randomConvConfig(random, { depthwise, dilations: true, channelsFirst: false });
      // tfjs-core's depthwise ops take strides or dilations above 1, not both.
      while (depthwise && c.strides.some((s) => s > 1) && c.dilations.some((d) => d > 1)) {
        c = randomConvConfig(random, { depthwise, dilations: true, channelsFirst: false });
      }
      const label = `${name} ${i}: x ${c.xShape} filter ${c.filterShape} strides ${c.strides} dilations ${c.dilations} pad ${JSON.stringify(c.pad)}`;
      const x = { values: randomValues(random, size(c.xShape)), shape: c.xShape };
      const filter = { values: randomValues(random, size(c.filterShape)), shape: c.filterShape };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations };
      await compare(name, { x, filter }, attrs, label);
      const bias = { values: randomValues(random, c.info.outChannels), shape: [c.info.outChannels] };
      const activation = (['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const)[i % 6];
      await compare(depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D', { x, filter, bias }, { ...attrs, activation, leakyreluAlpha: 0.3 }, `fused ${activation} ${label}`);
      const dy = { values: randomValues(random, size(c.info.outShape)), shape: c.info.outShape };
      // tfjs-core has no dilated conv2d gradient; the depthwise ones take dilations.
      const gradAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', ...(depthwise ? { dilations: c.dilations } : {}) };
      const dilated = c.dilations.some((d) => d > 1);
      if (depthwise && dilated) {
        await compareDilatedDepthwiseGrads(c, x, filter, dy, label);
      } else if (!dilated) {
        await compare(`${name}BackpropInput`, { dy, filter }, { ...gradAttrs, inputShape: c.xShape }, `input grad ${label}`);
        await compare(`${name}BackpropFilter`, { x, dy }, { ...gradAttrs, filterShape: c.filterShape }, `filter grad ${label}`);
      }
    }
  });
}

test('a strided 1x1 filter gradient is right on every call with 2 threads (oneDNN 2.6 jit_1x1 was not)', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(503);
  setNativeThreads(2);
  try {
    for (const [xShape, strides] of [[[1, 10, 6, 3], [2, 3]], [[4, 9, 9, 8], [2, 2]]] as [number[], [number, number]][]) {
      const filterShape = [1, 1, xShape[3], 4];
      const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, 1, 'same');
      const x = { values: randomValues(random, size(xShape)), shape: xShape };
      const dy = { values: randomValues(random, size(info.outShape)), shape: info.outShape };
      // The wrong results came on every other call, as the primitive's buffers alternated.
      for (let call = 0; call < 4; call++) {
        await compare('Conv2DBackpropFilter', { x, dy }, { strides, pad: 'same', dataFormat: 'NHWC', filterShape }, `1x1 filter grad x ${xShape} strides ${strides}, call ${call}`);
      }
    }
  } finally {
    setNativeThreads();
  }
});

test('3x3 convolutions run on the direct jit kernel, not brgconv (3x slower on small images with few channels)', { skip: skipWithoutNative }, () => {
  const addon = loadNativeAddon().addon!;
  // [batch, side, in channels, out channels]: the digits and Fashion-MNIST CNNs' first layers, and larger ones.
  for (const [n, side, ic, oc] of [[64, 8, 1, 16], [64, 4, 8, 16], [64, 28, 1, 32], [8, 14, 32, 64]] as const) {
    // The addon's parameter layout: N, IH, IW, IC, OH, OW, OC, KH, KW, strides, dilations (from 1), paddings T L B R, depthwise, activation.
    const params = Int32Array.of(n, side, side, ic, side, side, oc, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    const [forward] = addon.convImplementations(params).split(' | ');
    assert.doesNotMatch(forward!, /^brg/, `${n}x${side}x${side}x${ic} → ${oc}: ${forward}`);
  }
});

/**
 * The cpu backend's depthwise gradient kernels ignore dilations, so dilated cases are checked
 * against them through the equivalent undilated filter (zeros between the taps).
 */
async function compareDilatedDepthwiseGrads(
  c: ConvConfig,
  x: KernelInput,
  filter: KernelInput & { values: Float32Array },
  dy: KernelInput,
  label: string,
): Promise<void> {
  const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations };
  const wide = dilateFilter(filter.values, c.filterShape, c.dilations);
  const expectedDx = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: wide }, { ...attrs, dilations: [1, 1], inputShape: c.xShape });
  const actualDx = await runKernel('native', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: c.xShape });
  assertClose(actualDx.values, expectedDx.values, 1e-4, `input grad ${label}`);
  const [height, width, channels, multiplier] = c.filterShape;
  const [dh, dw] = c.dilations;
  const wideDw = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, dilations: [1, 1], filterShape: wide.shape });
  const inner = channels * multiplier;
  const expectedDw = new Float32Array(size(c.filterShape));
  for (let r = 0; r < height; r++) {
    for (let col = 0; col < width; col++) {
      const from = (r * dh * wide.shape[1] + col * dw) * inner;
      expectedDw.set(wideDw.values.subarray(from, from + inner), (r * width + col) * inner);
    }
  }
  const actualDw = await runKernel('native', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filterShape });
  assertClose(actualDw.values, expectedDw, 1e-4, `filter grad ${label}`);
}

test('Conv2D of int32 tensors and NCHW falls back to the cpu kernels with the same results', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(503);
  const c = randomConvConfig(random, { depthwise: false, dilations: false, channelsFirst: false });
  const x = { values: Int32Array.from(randomValues(random, size(c.xShape), 3)), shape: c.xShape, dtype: 'int32' as const };
  const filter = { values: Int32Array.from(randomValues(random, size(c.filterShape), 3)), shape: c.filterShape, dtype: 'int32' as const };
  await compare('Conv2D', { x, filter }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1 }, 'int32 conv');
  const nchw = { values: randomValues(random, 2 * 3 * 5 * 5), shape: [2, 3, 5, 5] };
  const f = { values: randomValues(random, 3 * 3 * 3 * 4), shape: [3, 3, 3, 4] };
  await compare('Conv2D', { x: nchw, filter: f }, { strides: 1, pad: 'same', dataFormat: 'NCHW', dilations: 1 }, 'NCHW conv');
});
