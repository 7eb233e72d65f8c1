import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { conv2dBackpropInputConfig } from '../../src/engine/kernels/conv2d-backprop-input.ts';
import { assertClose } from './assert-close.ts';
import { randomConvConfig } from './random-conv-config.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('Conv2DBackpropInput on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(21);
  for (let i = 0; i < 60; i++) {
    const c = randomConvConfig(random, { depthwise: false, dilations: false, channelsFirst: true });
    const dy = { values: randomValues(random, size(c.info.outShape)), shape: c.info.outShape };
    const filter = { values: randomValues(random, size(c.filterShape)), shape: c.filterShape };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, inputShape: c.xShape };
    const expected = await runKernel('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const actual = await runKernel('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const label = `config ${i}: filter ${c.filterShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, c.xShape, label);
    assertClose(actual.values, expected.values, 1e-4, label);
  }
});

test("deepline's Conv2DBackpropInput replaces the stock wasm kernel", async () => {
  await initEngine('wasm');
  assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc, conv2dBackpropInputConfig.kernelFunc);
});
