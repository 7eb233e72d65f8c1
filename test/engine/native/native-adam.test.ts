import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../../../src/engine/engine.ts';
import { assertClose } from '../assert-close.ts';
import { randomValues } from '../random-values.ts';
import { skipWithoutNative } from './native-available.ts';

/** Five Adam steps of a small MLP from fixed weights; the weights and optimizer state after them. */
async function adamSteps(engine: ResolvedEngine): Promise<{ weights: Float32Array[]; state: { name: string; values: Float32Array }[]; saved: Float32Array }> {
  await initEngine(engine);
  const random = createSeededRandom(701);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.setWeights(model.getWeights().map((w) => tf.tensor(randomValues(random, w.size), w.shape)));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(randomValues(random, 40 * 12), [40, 12]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 40 }, (_, i) => i % 3), 'int32'), 3);
  // A clone taken before training must keep its values while the variable moves on.
  const before = model.getWeights()[0].clone(); // shares the variable's array
  const beforeValues = before.dataSync().slice();
  for (let step = 0; step < 5; step++) await model.trainOnBatch(x, y);
  assert.deepEqual(before.dataSync(), beforeValues, `${engine}: a weight read before training changed`);
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const state = (await model.optimizer.getWeights()).map((w) => ({ name: w.name, values: w.tensor.dataSync() as Float32Array }));
  tf.dispose([x, y, before]);
  model.dispose();
  return { weights, state, saved: beforeValues as Float32Array };
}

test('Adam on native updates weights and moments as the stock update does on cpu', { skip: skipWithoutNative }, async () => {
  const expected = await adamSteps('cpu');
  const actual = await adamSteps('native');
  assert.equal(actual.weights.length, expected.weights.length);
  actual.weights.forEach((w, i) => assertClose(w, expected.weights[i], 1e-4, `weight ${i}`));
  assert.deepEqual(
    actual.state.map((s) => s.name.replace(/\d+/g, '')),
    expected.state.map((s) => s.name.replace(/\d+/g, '')),
    'optimizer weight names',
  );
  actual.state.forEach((s, i) => assertClose(s.values, expected.state[i].values, 1e-4, `optimizer weight ${s.name}`));
});
