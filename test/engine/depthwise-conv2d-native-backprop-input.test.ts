import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { assertClose } from './assert-close.ts';
import { dilateFilter } from './dilate-filter.ts';
import { randomConvConfig } from './random-conv-config.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('DepthwiseConv2dNativeBackpropInput on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(41);
  let multiplied = 0;
  for (let i = 0; i < 60; i++) {
    const c = randomConvConfig(random, { depthwise: true, dilations: true, channelsFirst: false });
    const dy = { values: randomValues(random, size(c.info.outShape)), shape: c.info.outShape };
    const filterValues = randomValues(random, size(c.filterShape));
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.xShape };
    const actual = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: { values: filterValues, shape: c.filterShape } }, attrs);
    // The cpu kernel ignores dilations: give it the equivalent undilated filter instead.
    const wide = dilateFilter(filterValues, c.filterShape, c.dilations);
    const expected = await runKernel('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: wide }, { ...attrs, dilations: [1, 1] });
    if (c.filterShape[3] > 1) multiplied++;
    const label = `config ${i}: filter ${c.filterShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, c.xShape, label);
    assertClose(actual.values, expected.values, 1e-4, label);
  }
  assert.ok(multiplied >= 20, `only ${multiplied} configurations had a channel multiplier above 1`);
});
