import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome, MlpGenome } from '../../src/models/genome.ts';
import { estimateTrainingMemoryMB } from '../../src/models/estimate-memory.ts';
import { taskLoss } from '../../src/models/losses.ts';
import type { FitOptimizer } from '../../src/models/training-recipe.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const MB = 1024 * 1024;

function dense(batchNorm: boolean): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 20, activation: 'relu', inputShape: [10] }));
  if (batchNorm) model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

/** Peak bytes of one training step as the engine counts them (weights included), with a fresh optimizer so its slots are created in it. */
async function measuredStepMB(model: tf.LayersModel, batchSize: number, optimizer: FitOptimizer): Promise<number> {
  const task = taskLoss({ kind: 'class', name: 'digit', classes: Array.from({ length: 10 }, (_, i) => `${i}`) });
  const opt = optimizer === 'adam' ? tf.train.adam(1e-3) : optimizer === 'sgd' ? tf.train.momentum(1e-3, 0.9) : tf.train.rmsprop(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([batchSize, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 10));
  const start = tf.memory().numBytes;
  const weights = model.weights.reduce((n, w) => n + w.read().size * 4, 0);
  const profile = await tf.profile(() => {
    opt.minimize(() => task.loss(y, model.apply(x, { training: true }) as tf.Tensor), false, variables);
  });
  opt.dispose();
  // tfjs's MomentumOptimizer.dispose forgets its learning-rate scalar (fitModel works around it too).
  if (optimizer === 'sgd') (opt as unknown as { c: tf.Tensor }).c.dispose();
  tf.dispose([x, y]);
  return (profile.peakBytes - start + weights) / MB;
}

describe('estimateTrainingMemoryMB', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('counts weights, then per trainable weight its gradient, slots and update temporaries', () => {
    const plain = dense(false);
    const params = 10 * 20 + 20 + 20 * 3 + 3;
    assert.equal(estimateTrainingMemoryMB(plain, 32, 'adam').weightsMB, ((params + 17 * params) * 4) / MB);
    assert.equal(estimateTrainingMemoryMB(plain, 32, 'sgd').weightsMB, ((params + 6 * params) * 4) / MB);
    assert.equal(estimateTrainingMemoryMB(plain, 32, 'rmsprop').weightsMB, ((params + 18 * params) * 4) / MB);
    assert.equal(estimateTrainingMemoryMB(plain, 32).weightsMB, estimateTrainingMemoryMB(plain, 32, 'adam').weightsMB, 'adam is the default');
    // Batch norm's moving mean and variance are weights without gradients or slots.
    const normed = dense(true);
    const trainable = params + 2 * 20;
    assert.equal(estimateTrainingMemoryMB(normed, 32, 'adam').weightsMB, ((trainable + 2 * 20 + 17 * trainable) * 4) / MB);
    plain.dispose();
    normed.dispose();
  });

  it('scales the activations linearly with the batch size, and only them', () => {
    const model = dense(true);
    const one = estimateTrainingMemoryMB(model, 1);
    const big = estimateTrainingMemoryMB(model, 64);
    // Per example: input 10, dense 20 × 6, batch norm 20 × 16, head 3 × 6.
    assert.equal(one.activationsMB, ((10 + 20 * 6 + 20 * 16 + 3 * 6) * 4) / MB);
    assert.ok(Math.abs(big.activationsMB - 64 * one.activationsMB) < 1e-12);
    assert.equal(big.weightsMB, one.weightsMB);
    assert.equal(big.totalMB, big.weightsMB + big.activationsMB);
    model.dispose();
  });

  for (const batchNorm of [false, true]) {
    for (const optimizer of ['adam', 'sgd'] as const) {
      it(`is at least, and at most twice, the measured peak of one step: small CNN on 28×28, batch 64, batchNorm ${batchNorm}, ${optimizer}`, async () => {
        const genome: CnnGenome = {
          family: 'cnn',
          blocks: [
            { kind: 'conv', filters: 16, kernelSize: 3, pool: 'max', batchNorm },
            { kind: 'conv', filters: 32, kernelSize: 3, pool: 'max', batchNorm },
          ],
          dense: [64],
          dropout: 0.2,
          globalPool: 'none',
        };
        const model = buildModel(genome, { inputShape: [28, 28, 1], head: { units: 10, activation: 'softmax' }, seed: 1, families, modality: 'image' });
        const tensors = tf.memory().numTensors;
        const measured = await measuredStepMB(model, 64, optimizer);
        assert.equal(tf.memory().numTensors, tensors, 'the measurement itself leaves nothing behind');
        const estimate = estimateTrainingMemoryMB(model, 64, optimizer).totalMB;
        assert.ok(estimate >= measured, `estimate ${estimate.toFixed(2)} MB < measured ${measured.toFixed(2)} MB`);
        assert.ok(estimate <= 2 * measured, `estimate ${estimate.toFixed(2)} MB is over twice the measured ${measured.toFixed(2)} MB`);
        model.dispose();
      });
    }
  }

  it('covers a model whose peak is the optimizer update, not the activations', async () => {
    const genome: MlpGenome = { family: 'mlp', hidden: [256, 128], dropout: 0, batchNorm: false, activation: 'relu' };
    const model = buildModel(genome, { inputShape: [28, 28, 1], head: { units: 10, activation: 'softmax' }, seed: 1, families, modality: 'tabular' });
    const measured = await measuredStepMB(model, 64, 'adam');
    const estimate = estimateTrainingMemoryMB(model, 64, 'adam');
    assert.ok(estimate.weightsMB > estimate.activationsMB);
    assert.ok(estimate.totalMB >= measured && estimate.totalMB <= 2 * measured, `estimate ${estimate.totalMB.toFixed(2)} MB vs measured ${measured.toFixed(2)} MB`);
    model.dispose();
  });
});
