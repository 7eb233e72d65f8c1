import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom, type SeededRandom } from '../../src/seed/seeded-random.ts';
import { assertClose } from './assert-close.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

function randomResize(random: SeededRandom, batch: number, anyCorners: boolean) {
  const between = (lo: number, hi: number): number => lo + random.int(hi - lo + 1);
  const imageShape = [batch, between(1, 7), between(1, 7), between(1, 4)];
  // Up- and downsampling by any factor, including the integer ones upSampling2d uses.
  const outShape = [batch, between(1, 15), between(1, 15), imageShape[3]];
  // The cpu gradient kernel loops forever for alignCorners with a side of 1 and ignores
  // halfPixelCenters; the two options exclude each other.
  const corner = random.int(3);
  const alignCorners = corner === 1 && (anyCorners || (imageShape[1] > 1 && imageShape[2] > 1));
  const halfPixelCenters = anyCorners && corner === 2;
  return { imageShape, outShape, attrs: { alignCorners, halfPixelCenters } };
}

test('ResizeNearestNeighborGrad on wasm matches the cpu kernel on 60 random single-image configurations', async () => {
  // Single images only: the cpu kernel offsets dy by the images' batch stride, wrong beyond one.
  const random = createSeededRandom(91);
  for (let i = 0; i < 60; i++) {
    const { imageShape, outShape, attrs } = randomResize(random, 1, false);
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

test('ResizeNearestNeighborGrad on wasm sends each dy value back where the cpu forward resize copied it from', async () => {
  const random = createSeededRandom(92);
  for (let i = 0; i < 40; i++) {
    const { imageShape, outShape, attrs } = randomResize(random, 1 + random.int(3), true);
    // Resizing an image of pixel indices tells which pixel each output copied.
    const indices = Float32Array.from({ length: size(imageShape) }, (_, k) => k);
    const copied = await runKernel('cpu', 'ResizeNearestNeighbor', { images: { values: indices, shape: imageShape } }, { ...attrs, size: outShape.slice(1, 3) });
    const dy = randomValues(random, size(outShape));
    const expected = new Float32Array(size(imageShape));
    copied.values.forEach((source, o) => (expected[source] += dy[o]));
    const inputs = { images: { values: indices, shape: imageShape }, dy: { values: dy, shape: outShape } };
    const actual = await runKernel('wasm', 'ResizeNearestNeighborGrad', inputs, attrs);
    assertClose(actual.values, expected, 1e-6, `config ${i}: ${imageShape} -> ${outShape} ${JSON.stringify(attrs)}`);
  }
});
