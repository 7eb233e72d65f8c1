import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/data/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { assertClose } from './assert-close.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('ResizeNearestNeighborGrad on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(91);
  const between = (lo: number, hi: number): number => lo + random.int(hi - lo + 1);
  for (let i = 0; i < 60; i++) {
    const imageShape = [between(1, 3), between(1, 7), between(1, 7), between(1, 4)];
    // Up- and downsampling by any factor, including the integer ones upSampling2d uses.
    const outShape = [imageShape[0], between(1, 15), between(1, 15), imageShape[3]];
    const attrs = { alignCorners: random.next() < 0.5, halfPixelCenters: false };
    const inputs = {
      images: { values: randomValues(random, size(imageShape)), shape: imageShape },
      dy: { values: randomValues(random, size(outShape)), shape: outShape },
    };
    const expected = await runKernel('cpu', 'ResizeNearestNeighborGrad', inputs, attrs);
    const actual = await runKernel('wasm', 'ResizeNearestNeighborGrad', inputs, attrs);
    const label = `config ${i}: ${imageShape} -> ${outShape} ${JSON.stringify(attrs)}`;
    assert.deepEqual(actual.shape, imageShape, label);
    assertClose(actual.values, expected.values, 1e-6, label);
  }
});

test('with half-pixel centers the wasm gradient is the adjoint of the forward resize', async () => {
  // The cpu gradient kernel ignores halfPixelCenters, so check <resize(x), dy> = <x, grad(dy)>.
  const random = createSeededRandom(92);
  for (let i = 0; i < 10; i++) {
    const imageShape = [2, 1 + random.int(6), 1 + random.int(6), 2];
    const outShape = [2, 1 + random.int(12), 1 + random.int(12), 2];
    const x = randomValues(random, size(imageShape));
    const dy = randomValues(random, size(outShape));
    const attrs = { alignCorners: false, halfPixelCenters: true };
    const forward = await runKernel('cpu', 'ResizeNearestNeighbor', { images: { values: x, shape: imageShape } }, { ...attrs, size: outShape.slice(1, 3) });
    const grad = await runKernel('wasm', 'ResizeNearestNeighborGrad', { images: { values: x, shape: imageShape }, dy: { values: dy, shape: outShape } }, attrs);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, v, k) => s + v * b[k], 0);
    assertClose([dot(grad.values, x)], [dot(forward.values, dy)], 1e-5, `config ${i}: ${imageShape} -> ${outShape}`);
  }
});

test('upSampling2d trains with a batch of several examples on wasm as on cpu', async () => {
  // The stock wasm kernel sent the gradients of example 2 onwards to the wrong pixels.
  const random = createSeededRandom(93);
  const x = randomValues(random, 4 * 3 * 5 * 2);
  const w = randomValues(random, 4 * 6 * 10 * 2);
  const grads: Float32Array[] = [];
  for (const engine of ['cpu', 'wasm'] as const) {
    await initEngine(engine);
    const g = tf.tidy(() =>
      tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [6, 10]).mul(tf.tensor(w, [4, 6, 10, 2])).sum())(tf.tensor(x, [4, 3, 5, 2])),
    );
    grads.push(g.dataSync() as Float32Array);
    g.dispose();
  }
  assertClose(grads[1], grads[0], 1e-6, 'upsampling gradient');
});
