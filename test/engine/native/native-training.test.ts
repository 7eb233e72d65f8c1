import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type ResolvedEngine } from '../../../src/engine/engine.ts';
import { NativeBackend } from '../../../src/engine/native/native-backend.ts';
import { skipWithoutNative } from './native-available.ts';

/** scikit-learn's digits (examples/data/digits.csv): 8x8 pixels scaled to [0, 1] and the digit. */
function loadDigits(): { x: Float32Array; labels: Int32Array; count: number } {
  const lines = readFileSync(new URL('../../../examples/data/digits.csv', import.meta.url), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const labelColumn = header.indexOf('digit');
  const rows = lines.slice(1);
  const x = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, n) => {
    let p = 0;
    line.split(',').forEach((cell, c) => {
      if (c === labelColumn) labels[n] = Number(cell);
      else x[n * 64 + p++] = Number(cell) / 16;
    });
  });
  return { x, labels, count: rows.length };
}

function digitsCnn(): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: 900 + k });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.averagePooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Trains the digits CNN on the first 1,400 digits and returns its accuracy on the other 397. */
async function digitsAccuracy(engine: ResolvedEngine): Promise<number> {
  await initEngine(engine);
  const data = loadDigits();
  const split = 1400;
  const model = digitsCnn();
  const [xTrain, yTrain, xTest] = tf.tidy(() => {
    const x = tf.tensor4d(data.x, [data.count, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
    return [x.slice(0, split), y.slice(0, split), x.slice(split)];
  });
  await model.fit(xTrain, yTrain, { epochs: 12, batchSize: 32, shuffle: false, verbose: 0 });
  const predicted = tf.tidy(() => (model.predict(xTest) as tf.Tensor).argMax(-1).dataSync());
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === data.labels[split + i]) correct++;
  tf.dispose([xTrain, yTrain, xTest]);
  model.dispose();
  return correct / predicted.length;
}

test('the digits CNN trains on native to the accuracy it reaches on wasm', { skip: skipWithoutNative }, async () => {
  const wasm = await digitsAccuracy('wasm');
  const native = await digitsAccuracy('native');
  assert.ok(wasm > 0.9, `wasm reached only ${wasm} (native ${native})`);
  assert.ok(Math.abs(native - wasm) <= 0.02, `native reached ${native}, wasm ${wasm}`);
});

test('1,000 training steps leak neither tensors nor memory, and disposed outputs are recycled', { skip: skipWithoutNative }, async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await initEngine('native');
  const backend = tf.backend() as NativeBackend;
  const data = loadDigits();
  const model = digitsCnn();
  const batch = (b: number): [tf.Tensor, tf.Tensor] =>
    tf.tidy(() => {
      const start = (b * 32) % (data.count - 32);
      const x = tf.tensor4d(data.x.subarray(start * 64, (start + 32) * 64), [32, 8, 8, 1]);
      return [x, tf.oneHot(tf.tensor1d(data.labels.subarray(start, start + 32), 'int32'), 10)];
    });
  const step = async (b: number): Promise<void> => {
    const [x, y] = batch(b);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
  };
  for (let b = 0; b < 50; b++) await step(b);
  gc();
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  const rss = process.memoryUsage().rss;
  for (let b = 50; b < 1000; b++) await step(b);
  gc();
  assert.equal(tf.memory().numTensors, tensors, 'tensors after 1,000 steps');
  assert.equal(tf.memory().numBytes, bytes, 'tensor bytes after 1,000 steps');
  const grown = (process.memoryUsage().rss - rss) / 2 ** 20;
  assert.ok(grown < 40, `RSS grew by ${grown.toFixed(1)} MiB over 950 steps`);
  assert.ok(backend.pool.cachedBytes < 64 * 2 ** 20, `the pool holds ${backend.pool.cachedBytes} bytes`);
  model.dispose();

  // A native output's array goes back to the pool the moment its tensor is disposed.
  const a = tf.ones([256, 256]);
  const product = tf.matMul(a, a);
  const cached = backend.pool.cachedBytes;
  product.dispose();
  assert.equal(backend.pool.cachedBytes, cached + 256 * 256 * 4);
  a.dispose();
});
