import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../../src/engine/engine.ts';
import { assertClose } from './assert-close.ts';
import { randomValues } from './random-values.ts';

/**
 * 12x12 one-channel images whose class (0-3) is the quadrant holding a bright 3x3 blob, on noise.
 * Learnable in a few steps by a small CNN, so a falling loss means the gradients are right.
 */
function quadrantImages(count: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const random = createSeededRandom(seed);
  const x = randomValues(random, count * 144).map((v) => v * 0.2);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.int(4);
    labels[n] = label;
    const top = (label >> 1) * 6 + 1 + random.int(3);
    const left = (label & 1) * 6 + 1 + random.int(3);
    for (let r = top; r < top + 3; r++) for (let c = left; c < left + 3; c++) x[n * 144 + r * 12 + c] = 1;
  }
  return { x, labels };
}

function smallCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 6, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  return model;
}

/** Every layer kind deepline's CNN families train: conv, depthwise, separable, both pools, batch norm, dense. */
function wideCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  return model;
}

/** One SGD step from fixed weights on one engine; returns the weights after it and the loss. */
async function oneStep(engine: ResolvedEngine, start: Float32Array[]): Promise<{ weights: Float32Array[]; loss: number }> {
  await initEngine(engine);
  const model = wideCnn();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(start[i], w.shape)));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const data = quadrantImages(16, 82);
  const [x, y] = tf.tidy(() => [tf.tensor4d(data.x, [16, 12, 12, 1]), tf.oneHot(tf.tensor1d(data.labels, 'int32'), 4)]);
  const loss = (await model.trainOnBatch(x, y)) as number;
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  return { weights, loss };
}

test('a small CNN (conv, max pool, batch norm, dense) trains on wasm: the loss falls', async () => {
  await initEngine('wasm');
  const data = quadrantImages(32, 81);
  const x = tf.tensor4d(data.x, [32, 12, 12, 1]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 4);
  const model = smallCnn();
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) losses.push((await model.trainOnBatch(x, y)) as number);
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[14] < 0.5 * losses[0], `the loss went from ${losses[0]} to ${losses[14]}`);
  tf.dispose([x, y]);
  model.dispose();
});

test('one SGD step of a CNN with every layer kind gives the same weights on wasm as on cpu', async () => {
  await initEngine('cpu');
  const random = createSeededRandom(83);
  const shapes = tf.tidy(() => wideCnn().getWeights().map((w) => w.shape));
  // Fixed, asymmetric starting weights (variance ones for batch norm keep it well conditioned).
  const start = shapes.map((shape) => randomValues(random, tf.util.sizeFromShape(shape)).map((v) => 0.5 * v));
  const expected = await oneStep('cpu', start);
  const actual = await oneStep('wasm', start);
  assertClose([actual.loss], [expected.loss], 1e-5, 'loss before the step');
  actual.weights.forEach((w, i) => assertClose(w, expected.weights[i], 1e-4, `weight ${i} (shape ${shapes[i]})`));
  // The step must have moved the weights, or the comparison proves nothing.
  assert.ok(expected.weights.some((w, i) => w.some((v, j) => Math.abs(v - start[i][j]) > 1e-3)));
});
