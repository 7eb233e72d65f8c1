import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { MlpGenome } from '../../src/models/genome.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { fitModel, type FitOptions } from '../../src/train/fit.ts';
import type { FitOptimizer } from '../../src/models/training-recipe.ts';
import { blobs } from './synthetic-data.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const OPTIMIZERS: readonly FitOptimizer[] = ['adam', 'sgd', 'rmsprop'];
const KERNEL = /kernel(_\d+)?$/;

function mlp(ds: Dataset, hidden: number[], batchNorm = false): tf.LayersModel {
  const genome: MlpGenome = { family: 'mlp', hidden, dropout: 0, batchNorm, activation: 'relu' };
  return buildModel(genome, { inputShape: ds.featureShape, head: taskLoss(ds.target).head, seed: 7, families });
}

const base = (train: Dataset, validation: Dataset): FitOptions => ({ train, validation, epochs: 10, batchSize: 20, learningRate: 0.01, patience: 100, seed: 3 });

function lossOn(model: tf.LayersModel, ds: Dataset): number {
  return tf.tidy(() => taskLoss(ds.target).loss(tf.tensor1d(ds.y), model.predict(tf.tensor2d(ds.x, [ds.n, ds.featureShape[0]])) as tf.Tensor).dataSync()[0]);
}

function kernelSquares(model: tf.LayersModel): number {
  return model.weights.filter((w) => KERNEL.test(w.name)).reduce((sum, w) => sum + tf.tidy(() => tf.sum(tf.square(w.read())).dataSync()[0]), 0);
}

/** Inputs all zero and a constant target the head's bias already predicts: every gradient is exactly zero. */
function solved(n: number, target: number): Dataset {
  return { n, featureShape: [3], x: new Float32Array(n * 3), y: new Float32Array(n).fill(target), target: { kind: 'numeric', name: 'value' } };
}

describe('fitModel optimizers and weight decay', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('each optimizer lowers the loss, and the choice is honoured', async () => {
    const [train, validation] = [blobs(200, 4, 3, 1, 2), blobs(90, 4, 3, 2, 2)];
    const histories: number[][] = [];
    for (const optimizer of OPTIMIZERS) {
      const model = mlp(train, [16]);
      const initial = lossOn(model, validation);
      const result = await fitModel(model, { ...base(train, validation), optimizer });
      const best = result.history[result.bestEpoch - 1];
      assert.ok(best.valLoss < 0.5 * initial, `${optimizer}: val loss ${best.valLoss} from ${initial}`);
      assert.ok(best.valMetric >= 0.85, `${optimizer}: val accuracy ${best.valMetric}`);
      histories.push(result.history.map((h) => h.loss));
      model.dispose();
    }
    assert.notDeepEqual(histories[0], histories[1], 'sgd must not train like adam');
    assert.notDeepEqual(histories[0], histories[2], 'rmsprop must not train like adam');
  });

  it('weight decay shrinks the kernels compared with none, same seed', async () => {
    const [train, validation] = [blobs(200, 4, 3, 1, 2), blobs(90, 4, 3, 2, 2)];
    for (const optimizer of ['adam', 'sgd'] as const) {
      const squares = [];
      for (const weightDecay of [0, 1]) {
        const model = mlp(train, [16]);
        // Validation on the training set keeps the best epoch the last one in both runs.
        await fitModel(model, { ...base(train, train), optimizer, weightDecay });
        squares.push(kernelSquares(model));
        model.dispose();
      }
      assert.ok(squares[1] < 0.8 * squares[0], `${optimizer}: kernel Σw² ${squares[1]} with decay vs ${squares[0]} without`);
    }
  });

  it('decays kernels by exactly (1 − lr·wd) per step and leaves biases and batch-norm weights alone', async () => {
    const ds = solved(32, 0.7);
    // 32 examples in batches of 8: four steps.
    const keep = (1 - 0.1 * 0.5) ** 4;
    for (const optimizer of OPTIMIZERS) {
      for (const batchNorm of [false, true]) {
        const model = mlp(ds, [4, 4], batchNorm);
        // Hidden units pre-activate at -1 (bias or batch-norm beta), so ReLU outputs 0 and the head gives its bias.
        model.setWeights(
          model.weights.map((w, i) => {
            const shape = w.shape as number[];
            if (w.name.startsWith('head/bias')) return tf.fill(shape, 0.7);
            if (/(bias|beta)(_\d+)?$/.test(w.name)) return tf.fill(shape, -1);
            if (/gamma(_\d+)?$/.test(w.name)) return tf.fill(shape, 1.5);
            return KERNEL.test(w.name) ? tf.randomNormal(shape, 0, 1, 'float32', i) : w.read().clone();
          }),
        );
        const before = model.weights.map((w) => ({ name: w.name, values: Array.from(w.read().dataSync()) }));
        const result = await fitModel(model, { train: ds, validation: ds, epochs: 1, batchSize: 8, learningRate: 0.1, patience: 1, seed: 1, optimizer, weightDecay: 0.5 });
        assert.equal(result.history[0].loss, 0, 'the construction must give zero loss, hence zero gradients');
        let kernels = 0;
        let others = 0;
        model.weights.forEach((w, i) => {
          const after = Array.from(w.read().dataSync());
          if (/moving_(mean|variance)/.test(w.name)) return;
          if (KERNEL.test(w.name)) {
            kernels++;
            after.forEach((v, j) => assert.ok(Math.abs(v - before[i].values[j] * keep) < 1e-5, `${optimizer} ${w.name}[${j}]: ${v} vs ${before[i].values[j] * keep}`));
          } else {
            others++;
            assert.deepEqual(after, before[i].values, `${optimizer} ${w.name} must not decay`);
          }
        });
        assert.equal(kernels, 3);
        assert.equal(others, batchNorm ? 5 : 3, 'biases (and gammas and betas) were checked');
        model.dispose();
      }
    }
  });

  it('cosine anneals the rate every step: kernels decay by Π(1 − lr_k·wd), lr_k = lr·½(1 + cos(π·progress))', async () => {
    const ds = solved(32, 0.7);
    const expectedKeep = (progress: number[]): number => progress.reduce((keep, p) => keep * (1 - 0.1 * 0.5 * (1 + Math.cos(Math.PI * p)) * 0.5), 1);
    // Four steps; progress is the steps done, or the time spent when the budget runs ahead of them.
    const cases = [
      { label: 'by steps', progress: [0, 0.25, 0.5, 0.75], extra: () => ({}) },
      // The clock says half the budget is gone from the first step on.
      { label: 'by time', progress: [0.5, 0.5, 0.5, 0.75], extra: (calls = 0) => ({ timeBudgetMs: 1000, now: () => (calls++ === 0 ? 0 : 500) }) },
    ];
    for (const optimizer of ['adam', 'sgd'] as const) {
      for (const { label, progress, extra } of cases) {
        const model = mlp(ds, [4]);
        model.setWeights(model.weights.map((w) => (w.name.startsWith('head/bias') ? tf.fill(w.shape as number[], 0.7) : /bias/.test(w.name) ? tf.fill(w.shape as number[], -1) : w.read().clone())));
        const kernel = model.weights.find((w) => KERNEL.test(w.name))!;
        const before = Array.from(kernel.read().dataSync());
        await fitModel(model, { train: ds, validation: ds, epochs: 1, batchSize: 8, learningRate: 0.1, patience: 1, seed: 1, optimizer, weightDecay: 0.5, schedule: 'cosine', ...extra() });
        const keep = expectedKeep(progress);
        Array.from(kernel.read().dataSync()).forEach((v, j) => assert.ok(Math.abs(v - before[j] * keep) < 1e-5, `${optimizer} ${label} [${j}]: ${v} vs ${before[j] * keep}`));
        model.dispose();
      }
    }
  });

  it('leaks no tensors with any optimizer and decay', async () => {
    const [train, validation] = [blobs(100, 4, 3, 1), blobs(40, 4, 3, 2)];
    const start = tf.memory().numTensors;
    for (const optimizer of OPTIMIZERS) {
      const model = mlp(train, [8], true);
      const built = tf.memory().numTensors;
      await fitModel(model, { ...base(train, validation), epochs: 3, optimizer, weightDecay: 0.01 });
      assert.equal(tf.memory().numTensors, built, `${optimizer}: fit must not leave tensors behind`);
      model.dispose();
      assert.equal(tf.memory().numTensors, start);
    }
  });

  it('rejects an unknown optimizer and a negative or overwhelming weight decay', async () => {
    const [train, validation] = [blobs(60, 4, 3, 1), blobs(30, 4, 3, 2)];
    const model = mlp(train, [8]);
    const coded = (e: unknown) => isDeeplineError(e) && e.code === 'DL_STEP_FAILED';
    await assert.rejects(fitModel(model, { ...base(train, validation), optimizer: 'adagrad' as FitOptimizer }), coded);
    await assert.rejects(fitModel(model, { ...base(train, validation), weightDecay: -0.1 }), coded);
    await assert.rejects(fitModel(model, { ...base(train, validation), learningRate: 0.5, weightDecay: 2 }), coded);
    await assert.rejects(fitModel(model, { ...base(train, validation), schedule: 'step' as 'cosine' }), coded);
    await assert.rejects(fitModel(model, { ...base(train, validation), minEpochs: 0 }), coded);
    model.dispose();
  });
});
