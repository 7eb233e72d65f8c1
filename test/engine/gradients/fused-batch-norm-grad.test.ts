import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../../src/engine/engine.ts';

/** y = (x − mean)·rsqrt(variance + ε)·scale + offset from plain ops: autodiff through them is the reference. */
function reference(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), scale), offset);
}

function maxRelativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1e-3))).dataSync()[0]);
}

for (const engine of ['cpu', 'wasm'] as const) {
  test(`the FusedBatchNorm gradient matches autodiff through plain ops (${engine})`, async () => {
    await initEngine(engine);
    for (const shape of [[6, 5], [4, 7, 7, 3], [2, 3, 5, 8], [3, 1, 1, 16]]) {
      const c = shape.at(-1)!;
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0, 2, 'float32', 1);
        const mean = tf.randomNormal([c], 0, 1, 'float32', 2);
        const variance = tf.randomUniform([c], 0.2, 3, 'float32', 3);
        const scale = tf.randomNormal([c], 1, 0.5, 'float32', 4);
        const offset = tf.randomNormal([c], 0, 1, 'float32', 5);
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 6);
        const epsilon = 1e-3;
        const viaOp = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.batchNorm(a, m, v, o, s, epsilon))([x, mean, variance, scale, offset], dy);
        const viaPlainOps = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => reference(a, m, v, s, o, epsilon))([x, mean, variance, scale, offset], dy);
        ['x', 'mean', 'variance', 'scale', 'offset'].forEach((name, i) => {
          assert.deepEqual(viaOp[i].shape, viaPlainOps[i].shape, `${name} gradient shape for ${shape}`);
          const err = maxRelativeError(viaOp[i], viaPlainOps[i]);
          assert.ok(err < 1e-4, `${name} gradient for x of shape [${shape}] differs by ${err}`);
        });
      });
    }
  });
}

test('the batch-norm gradient leaves no tensors behind', async () => {
  await initEngine('wasm');
  const x = tf.randomNormal([4, 5, 5, 3]);
  const m = tf.zeros([3]);
  const v = tf.ones([3]);
  const scale = tf.ones([3]);
  const offset = tf.zeros([3]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(tf.grads((a: tf.Tensor, s: tf.Tensor) => tf.batchNorm(a, m, v, offset, s))([x, scale]));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, m, v, scale, offset]);
});
