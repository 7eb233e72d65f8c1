import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../../../src/engine/engine.ts';
import { assertClose } from '../assert-close.ts';
import { randomConvConfig } from '../random-conv-config.ts';
import { randomValues } from '../random-values.ts';
import { skipWithoutNative } from './native-available.ts';

const size = tf.util.sizeFromShape;
type Arg = { values: Float32Array; shape: number[] };

/** tf.grads of `loss` at the given values on one engine, as plain arrays. */
async function gradsOn(engine: ResolvedEngine, loss: (...args: tf.Tensor[]) => tf.Scalar, args: Arg[]): Promise<Float32Array[]> {
  await initEngine(engine);
  const grads = tf.tidy(() => tf.grads(loss)(args.map((a) => tf.tensor(a.values, a.shape))));
  const values = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose(grads);
  return values;
}

async function compareGrads(loss: (...args: tf.Tensor[]) => tf.Scalar, args: Arg[], label: string): Promise<void> {
  const expected = await gradsOn('cpu', loss, args);
  const actual = await gradsOn('native', loss, args);
  actual.forEach((g, i) => assertClose(g, expected[i], 1e-4, `${label}, gradient ${i}`));
}

test('tf.grad through fused conv2d (bias, relu) and depthwise conv matches cpu on random configurations', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(801);
  for (let i = 0; i < 16; i++) {
    const depthwise = i % 2 === 1;
    const c = randomConvConfig(random, { depthwise, dilations: false, channelsFirst: false });
    const weights = tf.tensor(randomValues(random, size(c.info.outShape)), c.info.outShape);
    const loss = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      const input = { x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.strides, pad: c.pad as 'same', bias: b, activation: 'relu' as const };
      const y = depthwise ? tf.fused.depthwiseConv2d(input) : tf.fused.conv2d(input);
      return y.mul(weights).sum();
    };
    const args = [
      { values: randomValues(random, size(c.xShape)), shape: c.xShape },
      { values: randomValues(random, size(c.filterShape)), shape: c.filterShape },
      { values: randomValues(random, c.info.outChannels), shape: [c.info.outChannels] },
    ];
    await compareGrads(loss, args, `${depthwise ? 'depthwise' : 'conv2d'} ${i}: x ${c.xShape} filter ${c.filterShape} ${JSON.stringify(c.pad)}`);
    weights.dispose();
  }
});

test('tf.grad through pooling, batch norm, softmax and a fused dense layer matches cpu', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(802);
  const x = { values: randomValues(random, 2 * 9 * 9 * 3), shape: [2, 9, 9, 3] };
  for (const pad of ['valid', 'same'] as const) {
    await compareGrads((t) => tf.maxPool(t as tf.Tensor4D, 3, 2, pad).square().sum(), [x], `max pool ${pad}`);
  }
  // cpu's AvgPoolGrad is only right without padding (see native-kernels.test.ts).
  await compareGrads((t) => tf.avgPool(t as tf.Tensor4D, 3, 2, 'valid').square().sum(), [x], 'avg pool valid');
  const c = 3;
  const stats = (shift: number): Arg => ({ values: randomValues(random, c).map((v) => v + shift), shape: [c] });
  await compareGrads(
    (t, mean, variance, offset, scale) => tf.batchNorm(t, mean, variance, offset, scale, 0.001).square().sum(),
    [x, stats(0), stats(2), stats(0), stats(1)],
    'batch norm',
  );
  // Relu's gradient is one native kernel; zeros included (step(0) is 0).
  const withZeros = { values: randomValues(random, 2 * 9 * 9 * 3, 2), shape: [2, 9, 9, 3] };
  await compareGrads((t) => tf.relu(t).mul(tf.range(0, 2 * 9 * 9 * 3).reshape([2, 9, 9, 3])).sum(), [withZeros], 'relu');
  const a = { values: randomValues(random, 8 * 12), shape: [8, 12] };
  const w = { values: randomValues(random, 12 * 5), shape: [12, 5] };
  const b = { values: randomValues(random, 5), shape: [5] };
  const target = tf.tensor(randomValues(random, 40), [8, 5]);
  await compareGrads(
    (p, q, r) => tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: r, activation: 'relu' }).softmax().mul(target).sum(),
    [a, w, b],
    'fused dense + softmax',
  );
  target.dispose();
});

test('tf.grad through a training-mode batch-norm layer, mean, square, max and min matches cpu', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(803);
  for (const shape of [[4, 5, 5, 3], [6, 7], [2, 3, 3, 16]]) {
    const c = shape[shape.length - 1];
    const axes = shape.slice(0, -1).map((_, i) => i);
    const weights = tf.tensor(randomValues(random, size(shape)), shape);
    // As tfjs-layers normalises in training: the batch's own moments, then FusedBatchNorm.
    const loss = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Scalar => {
      const { mean, variance } = tf.moments(x, axes);
      return tf.batchNorm(x, mean, variance, beta, gamma, 0.001).relu().mul(weights).sum();
    };
    const args = [
      { values: randomValues(random, size(shape)).map((v) => v * 3 + 1), shape },
      { values: randomValues(random, c).map((v) => v + 1), shape: [c] },
      { values: randomValues(random, c), shape: [c] },
    ];
    await compareGrads(loss, args, `batch-norm layer ${shape}`);
    for (const axis of [[0], [1], [0, 1], -1]) {
      await compareGrads((x) => tf.mean(x, axis, true).mul(tf.mean(x)).square().sum(), [args[0]], `mean over ${axis} of ${shape}`);
      await compareGrads((x) => tf.max(x, axis).square().sum().add(tf.min(x, axis).sum()), [args[0]], `max and min over ${axis} of ${shape}`);
    }
    // Ties: every position equal to the maximum gets the gradient, as on cpu.
    const tied = { values: new Float32Array(size(shape)).map((_, i) => i % 3), shape };
    await compareGrads((x) => tf.max(x, axes).mul(tf.range(1, c + 1)).sum(), [tied], `max with ties over ${axes} of ${shape}`);
    weights.dispose();
  }
});
