import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/engine.ts';
import { taskLoss } from '../../src/models/losses.ts';

const classes = taskLoss({ kind: 'class', name: 'c', classes: ['a', 'b', 'c'] });
const numeric = taskLoss({ kind: 'numeric', name: 'v' });
const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('taskLoss', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('pairs classification with softmax and regression with one linear unit', () => {
    assert.deepEqual(classes.head, { units: 3, activation: 'softmax' });
    assert.deepEqual(numeric.head, { units: 1, activation: 'linear' });
  });

  it('computes cross-entropy from sparse and one-hot labels alike', () => {
    const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
    const expected = -(Math.log(0.7) + Math.log(0.8)) / 2;
    assert.ok(Math.abs(value(classes.loss(tf.tensor1d([0, 2]), p)) - expected) < 1e-6);
    assert.ok(Math.abs(value(classes.loss(tf.tensor2d([[1, 0, 0], [0, 0, 1]]), p)) - expected) < 1e-6);
    // Weights scale each example's loss and the sum is divided by the batch size.
    const weighted = value(classes.loss(tf.tensor1d([0, 2]), p, tf.tensor1d([2, 0])));
    assert.ok(Math.abs(weighted - (-2 * Math.log(0.7)) / 2) < 1e-6);
    // A zero probability on the true class is clipped, not infinite.
    assert.ok(Number.isFinite(value(classes.loss(tf.tensor1d([1]), tf.tensor2d([[1, 0, 0]])))));
  });

  it('computes mean squared error over [batch] or [batch, 1] predictions', () => {
    const mse = value(numeric.loss(tf.tensor1d([1, 2, 3]), tf.tensor2d([[1.5], [2], [1]])));
    assert.ok(Math.abs(mse - (0.25 + 0 + 4) / 3) < 1e-6);
  });
});
