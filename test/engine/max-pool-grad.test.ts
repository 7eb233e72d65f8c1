import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { assertClose } from './assert-close.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('MaxPoolGrad on wasm matches the cpu kernel on 60 random configurations, ties included', async () => {
  const random = createSeededRandom(51);
  const between = (lo: number, hi: number): number => lo + random.int(hi - lo + 1);
  for (let i = 0; i < 60; ) {
    const xShape = [between(1, 3), between(1, 10), between(1, 10), between(1, 5)];
    const filterSize = [between(1, 4), between(1, 4)];
    const strides = [between(1, 3), between(1, 3)];
    const pad = [ 'same', 'valid', between(0, 1)][random.int(3)];
    const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], filterSize as [number, number], strides as [number, number], 1, pad as 'same');
    if (info.outHeight <= 0 || info.outWidth <= 0) continue;
    // Every other configuration draws from 7 integer levels, where ties inside a window are
    // common and the gradient must go to the first maximum only; all-negative windows too.
    const x = { values: randomValues(random, size(xShape), i % 2 === 0 ? 3 : undefined), shape: xShape };
    const dy = { values: randomValues(random, size(info.outShape)), shape: info.outShape };
    const attrs = { filterSize, strides, pad };
    const output = await runKernel('cpu', 'MaxPool', { x }, attrs);
    const inputs = { dy, input: x, output: { values: output.values, shape: output.shape } };
    const expected = await runKernel('cpu', 'MaxPoolGrad', inputs, attrs);
    const actual = await runKernel('wasm', 'MaxPoolGrad', inputs, attrs);
    const label = `config ${i}: x ${xShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, xShape, label);
    assertClose(actual.values, expected.values, 1e-6, label);
    i++;
  }
});

test('the gradient of a valid max pool over all-negative windows is not lost on wasm', async () => {
  // The stock wasm MaxPoolGrad returned zeros here.
  await initEngine('wasm');
  const x = tf.tensor4d([-3, -1, -2, -4, -5, -6, -7, -8], [1, 2, 4, 1]);
  const dx = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').sum())(x);
  assert.deepEqual(Array.from(dx.dataSync()), [0, 1, 1, 0, 0, 0, 0, 0]);
  tf.dispose([x, dx]);
});
