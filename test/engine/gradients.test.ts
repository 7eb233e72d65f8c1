import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../../src/engine/engine.ts';
import { assertClose } from './assert-close.ts';
import { randomConvConfig } from './random-conv-config.ts';
import { randomValues } from './random-values.ts';

const size = tf.util.sizeFromShape;

/** tf.grads of `loss` at the given values on one engine, as plain arrays. */
async function gradsOn(
  engine: ResolvedEngine,
  loss: (...args: tf.Tensor[]) => tf.Scalar,
  args: Array<{ values: Float32Array; shape: number[] }>,
): Promise<Float32Array[]> {
  await initEngine(engine);
  const grads = tf.tidy(() => tf.grads(loss)(args.map((a) => tf.tensor(a.values, a.shape))));
  const values = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose(grads);
  return values;
}

test('tf.grad through conv2d on wasm matches cpu on 25 random configurations', async () => {
  const random = createSeededRandom(71);
  for (let i = 0; i < 25; i++) {
    // Gradients of conv2d are defined for dilation 1 only (a tfjs op restriction).
    const c = randomConvConfig(random, { depthwise: false, dilations: false, channelsFirst: false });
    const weights = randomValues(random, size(c.info.outShape));
    const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as 'same').mul(tf.tensor(weights, c.info.outShape)).sum();
    const args = [
      { values: randomValues(random, size(c.xShape)), shape: c.xShape },
      { values: randomValues(random, size(c.filterShape)), shape: c.filterShape },
    ];
    const [expected, actual] = [await gradsOn('cpu', loss, args), await gradsOn('wasm', loss, args)];
    assertClose(actual[0], expected[0], 1e-4, `config ${i} dx: x ${c.xShape} filter ${c.filterShape} ${JSON.stringify(c.pad)}`);
    assertClose(actual[1], expected[1], 1e-4, `config ${i} dw: x ${c.xShape} filter ${c.filterShape} ${JSON.stringify(c.pad)}`);
  }
});

test('tf.grad through depthwiseConv2d and separableConv2d on wasm matches cpu on 25 random configurations', async () => {
  const random = createSeededRandom(72);
  for (let i = 0; i < 25; ) {
    const c = randomConvConfig(random, { depthwise: true, dilations: false, channelsFirst: false });
    // separableConv2d takes 'same' or 'valid' only.
    const pad = c.pad === 'same' ? 'same' : 'valid';
    const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, pad, undefined, true);
    if (info.outHeight <= 0 || info.outWidth <= 0) continue;
    const [, , channels, multiplier] = c.filterShape;
    const outChannels = 1 + random.int(4);
    const outShape = [...info.outShape.slice(0, 3), outChannels];
    const weights = randomValues(random, size(outShape));
    const loss = (x: tf.Tensor, depthwise: tf.Tensor, pointwise: tf.Tensor): tf.Scalar => {
      const separable = tf.separableConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, pointwise as tf.Tensor4D, c.strides, pad);
      const alone = tf.depthwiseConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, c.strides, pad);
      return separable.mul(tf.tensor(weights, outShape)).sum().add(alone.square().sum());
    };
    const args = [
      { values: randomValues(random, size(c.xShape)), shape: c.xShape },
      { values: randomValues(random, size(c.filterShape)), shape: c.filterShape },
      { values: randomValues(random, channels * multiplier * outChannels), shape: [1, 1, channels * multiplier, outChannels] },
    ];
    const expected = await gradsOn('cpu', loss, args);
    const actual = await gradsOn('wasm', loss, args);
    for (const [k, name] of ['dx', 'd depthwise filter', 'd pointwise filter'].entries()) {
      assertClose(actual[k], expected[k], 1e-4, `config ${i} ${name}: x ${c.xShape} filter ${c.filterShape} strides ${c.strides} ${pad}`);
    }
    i++;
  }
});

test('the gradient kernels leave no tensor, no backend buffer and no wasm heap behind', async () => {
  await initEngine('wasm');
  const backend = tf.backend() as BackendWasm;
  const random = createSeededRandom(73);
  const x = tf.tensor4d(randomValues(random, 16 * 32 * 32 * 4), [16, 32, 32, 4]);
  const w = tf.tensor4d(randomValues(random, 3 * 3 * 4 * 8), [3, 3, 4, 8]);
  const dw = tf.tensor4d(randomValues(random, 3 * 3 * 8 * 2), [3, 3, 8, 2]);
  const table = tf.tensor2d(randomValues(random, 50 * 6), [50, 6]);
  const ids = tf.tensor1d([1, 4, 4, 9, 49, 0], 'int32');
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor): tf.Scalar => {
    const features = tf.depthwiseConv2d(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), c as tf.Tensor4D, 1, 'same');
    return tf.maxPool(features, 2, 2, 'valid').sum().add(tf.gather(e, ids).square().sum());
  };
  const step = (): void => tf.dispose(tf.grads(loss)([x, w, dw, table]));
  // The heap only grows; a leak inside wasm (say, an XNNPACK operator per call) would grow it.
  const heapBytes = (): number => (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
  step();
  const before = { ...tf.memory(), buffers: backend.dataIdMap.numDataIds(), heap: heapBytes() };
  // Each step hands XNNPACK ~400 KB of dy as filters: kept past their step, 60 steps would
  // outgrow the 16 MB heap.
  for (let i = 0; i < 60; i++) step();
  const after = { ...tf.memory(), buffers: backend.dataIdMap.numDataIds(), heap: heapBytes() };
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  assert.equal(after.buffers, before.buffers);
  assert.equal(after.heap, before.heap);
  tf.dispose([x, w, dw, table, ids]);
});
