import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { assertClose } from './assert-close.ts';
import { randomConvConfig } from './random-conv-config.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('DepthwiseConv2dNativeBackpropFilter on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(31);
  let dilated = 0;
  for (let i = 0; i < 60; i++) {
    const c = randomConvConfig(random, { depthwise: true, dilations: true, channelsFirst: false });
    const x = { values: randomValues(random, size(c.xShape)), shape: c.xShape };
    const dy = { values: randomValues(random, size(c.info.outShape)), shape: c.info.outShape };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filterShape };
    const actual = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
    const [dh, dw] = c.dilations;
    const [height, width, channels, multiplier] = c.filterShape;
    // The cpu kernel ignores dilations: ask it for the gradient of the equivalent undilated
    // filter (zeros between the taps) and keep the taps that exist.
    const wideShape = [(height - 1) * dh + 1, (width - 1) * dw + 1, channels, multiplier];
    const wide = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, dilations: [1, 1], filterShape: wideShape });
    const inner = channels * multiplier;
    const expected = new Float32Array(size(c.filterShape));
    for (let r = 0; r < height; r++) {
      for (let col = 0; col < width; col++) {
        const from = (r * dh * wideShape[1] + col * dw) * inner;
        expected.set(wide.values.subarray(from, from + inner), (r * width + col) * inner);
      }
    }
    if (dh > 1 || dw > 1) dilated++;
    const label = `config ${i}: x ${c.xShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, c.filterShape, label);
    assertClose(actual.values, expected, 1e-4, label);
  }
  assert.ok(dilated >= 20, `only ${dilated} dilated configurations were drawn`);
});

test('without dilation the wasm kernel equals the cpu kernel called directly', async () => {
  const random = createSeededRandom(32);
  const x = { values: randomValues(random, 2 * 9 * 9 * 3), shape: [2, 9, 9, 3] };
  const dy = { values: randomValues(random, 2 * 5 * 5 * 6), shape: [2, 5, 5, 6] };
  const attrs = { strides: [2, 2], dilations: [1, 1], pad: 'same', filterShape: [3, 3, 3, 2] };
  const expected = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
  const actual = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs);
  assertClose(actual.values, expected.values, 1e-5, 'strides 2, same, multiplier 2');
});
