import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { assertClose } from './assert-close.ts';
import { randomConvConfig } from './random-conv-config.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('Conv2DBackpropFilter on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(11);
  let channelsFirst = 0;
  let oneChannel = 0;
  for (let i = 0; i < 60; i++) {
    const c = randomConvConfig(random, { depthwise: false, dilations: false, channelsFirst: true });
    if (c.dataFormat === 'NCHW') channelsFirst++;
    // One input channel takes the im2col path, more take the swapped convolution.
    if (c.info.inChannels === 1) oneChannel++;
    const x = { values: randomValues(random, size(c.xShape)), shape: c.xShape };
    const dy = { values: randomValues(random, size(c.info.outShape)), shape: c.info.outShape };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape: c.filterShape };
    const expected = await runKernel('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
    const actual = await runKernel('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
    const label = `config ${i}: x ${c.xShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, c.filterShape, label);
    assertClose(actual.values, expected.values, 1e-4, label);
  }
  assert.ok(channelsFirst >= 5, `only ${channelsFirst} NCHW configurations were drawn`);
  assert.ok(oneChannel >= 5, `only ${oneChannel} one-channel configurations were drawn`);
});

test('Conv2DBackpropFilter on wasm matches cpu on layers the size of a real CNN', async () => {
  const random = createSeededRandom(12);
  const layers: Array<[number[], number]> = [[[16, 28, 28, 1], 8], [[16, 14, 14, 8], 16]];
  for (const [xShape, outChannels] of layers) {
    const filterShape = [3, 3, xShape[3], outChannels];
    const dyShape = [...xShape.slice(0, 3), outChannels];
    const x = { values: randomValues(random, size(xShape)), shape: xShape };
    const dy = { values: randomValues(random, size(dyShape)), shape: dyShape };
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape };
    const expected = await runKernel('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
    const actual = await runKernel('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
    // Thousands of float32 products per value: wasm sums them in float32, the cpu kernel in float64.
    assertClose(actual.values, expected.values, 1e-4, `layer ${xShape} -> ${outChannels}`);
  }
});
