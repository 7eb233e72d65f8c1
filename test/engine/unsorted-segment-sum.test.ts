import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { assertClose } from './assert-close.ts';
import { randomValues } from './random-values.ts';
import { runKernel } from './run-kernel.ts';

const size = tf.util.sizeFromShape;

test('UnsortedSegmentSum on wasm matches the cpu kernel on 60 random configurations', async () => {
  const random = createSeededRandom(61);
  let dropped = 0;
  for (let i = 0; i < 60; i++) {
    const rank = 1 + random.int(3);
    const xShape = Array.from({ length: rank }, () => 1 + random.int(6));
    // tfjs ops pass rank-1 ids (gather's gradient flattens them); the cpu kernel assumes it.
    const idShape = xShape.slice(0, 1);
    const numSegments = 1 + random.int(6);
    // A third of the configurations hold ids outside [0, numSegments), which must be dropped.
    const outOfRange = i % 3 === 0;
    const ids = Int32Array.from({ length: size(idShape) }, () =>
      outOfRange ? random.int(numSegments + 3) - 1 : random.int(numSegments),
    );
    if (ids.some((id) => id < 0 || id >= numSegments)) dropped++;
    const inputs = {
      x: { values: randomValues(random, size(xShape)), shape: xShape },
      segmentIds: { values: ids, shape: idShape, dtype: 'int32' as const },
    };
    const expected = await runKernel('cpu', 'UnsortedSegmentSum', inputs, { numSegments });
    const actual = await runKernel('wasm', 'UnsortedSegmentSum', inputs, { numSegments });
    const label = `config ${i}: x ${xShape}, ids ${Array.from(ids)}, ${numSegments} segments`;
    assert.deepEqual(actual.shape, [numSegments, ...xShape.slice(idShape.length)], label);
    assertClose(actual.values, expected.values, 1e-5, label);
  }
  assert.ok(dropped >= 10, `only ${dropped} configurations had ids out of range`);
});

test('UnsortedSegmentSum on wasm keeps int32 data int32 and sums it exactly', async () => {
  await initEngine('wasm');
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]], undefined, 'int32');
  const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2], 'int32'), 3);
  assert.equal(out.dtype, 'int32');
  assert.deepEqual(out.arraySync(), [[3, 4], [0, 0], [6, 8]]);
  // Ids of higher rank cover as many leading axes of x, as in TensorFlow.
  const byCell = tf.unsortedSegmentSum(x.slice([0, 0], [2, 2]), tf.tensor2d([[0, 1], [1, 1]], undefined, 'int32') as never, 2);
  assert.deepEqual(byCell.arraySync(), [1, 9]);
  tf.dispose([x, out, byCell]);
});

test('the gradient of gather (an embedding lookup) on wasm matches cpu', async () => {
  const random = createSeededRandom(62);
  const table = randomValues(random, 40 * 5);
  const ids = Int32Array.from({ length: 64 }, () => random.int(40));
  const weights = randomValues(random, 64 * 5);
  const grads: Float32Array[] = [];
  for (const engine of ['cpu', 'wasm'] as const) {
    await initEngine(engine);
    const g = tf.tidy(() => {
      const t = tf.tensor2d(table, [40, 5]);
      const w = tf.tensor2d(weights, [64, 5]);
      return tf.grad((e: tf.Tensor) => tf.gather(e, tf.tensor1d(ids, 'int32')).mul(w).sum())(t);
    });
    grads.push(g.dataSync() as Float32Array);
    g.dispose();
  }
  assertClose(grads[1], grads[0], 1e-5, 'embedding gradient');
});
