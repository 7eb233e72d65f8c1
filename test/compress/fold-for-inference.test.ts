import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { foldForInference } from '../../src/compress/fold-for-inference.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { randomizeWeights } from '../../src/testing/random-weights.ts';

const families = await builtinFamilies();

function maxDiff(a: tf.LayersModel, b: tf.LayersModel, shape: number[]): number {
  const rng = createSeededRandom(5);
  return tf.tidy(() => {
    const x = tf.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.next() * 2 - 1), shape);
    return tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0]!;
  });
}

const count = (model: tf.LayersModel, className: string): number => model.layers.filter((l) => l.getClassName() === className).length;

describe('foldForInference', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('folds every batch norm of a CNN (conv, residual, separable) into the layer before it, and each activation after one, keeping its outputs', async () => {
    const model = buildModel(
      {
        family: 'cnn',
        blocks: [
          { filters: 6, kernelSize: 3, pool: 'max', batchNorm: true },
          { kind: 'residual', filters: 6, kernelSize: 3, pool: 'none', batchNorm: true },
          { kind: 'separable', filters: 5, kernelSize: 3, pool: 'none', batchNorm: true },
        ],
        dense: [7],
        dropout: 0.2,
        globalPool: 'avg',
      },
      { inputShape: [8, 8, 1], head: { units: 3, activation: 'softmax' }, seed: 1, families },
    );
    randomizeWeights(model, 2);
    const folded = await foldForInference(model);
    assert.equal(count(model, 'BatchNormalization'), 4);
    assert.equal(count(folded, 'BatchNormalization'), 0);
    // Only the residual block's activation stays a layer: it follows an Add, not a conv.
    assert.equal(count(model, 'Activation'), 4);
    assert.deepEqual(folded.layers.filter((l) => l.getClassName() === 'Activation').map((l) => l.name), ['relu_1']);
    assert.deepEqual(['conv_0', 'conv_1a', 'conv_1b', 'sepconv_2'].map((name) => (folded.getLayer(name).getConfig() as { activation: string }).activation), ['relu', 'relu', 'linear', 'relu']);
    assert.ok(maxDiff(model, folded, [16, 8, 8, 1]) < 1e-5);
    model.dispose();
    folded.dispose();
  });

  it('folds a sequential MLP to its dense layers, and leaves a model with nothing to fold as it is', async () => {
    const mlp = buildModel({ family: 'mlp', hidden: [8, 4], dropout: 0.1, batchNorm: true, activation: 'relu' }, { inputShape: [5], head: { units: 2, activation: 'softmax' }, seed: 3, families });
    randomizeWeights(mlp, 4);
    const folded = await foldForInference(mlp);
    assert.equal(count(folded, 'BatchNormalization'), 0);
    assert.equal(count(folded, 'Activation'), 0);
    assert.ok(maxDiff(mlp, folded, [32, 5]) < 1e-5);
    const plain = buildModel({ family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: [5], head: { units: 2, activation: 'softmax' }, seed: 3, families });
    assert.equal(await foldForInference(plain), plain);
    [mlp, folded, plain].forEach((m) => m.dispose());
  });
});
