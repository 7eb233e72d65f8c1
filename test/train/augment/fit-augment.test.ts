import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { AugmentContext, BatchAugment } from '../../../src/train/augment/batch-augment.ts';
import { createAugmentation } from '../../../src/train/augment/create-augmentation.ts';
import { subsetDataset, type Dataset } from '../../../src/data/dataset.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { isDeeplineError } from '../../../src/errors/index.ts';
import { predict } from '../../../src/models/predict.ts';
import { buildModel } from '../../../src/models/build-model.ts';
import type { CnnGenome, MlpGenome } from '../../../src/models/genome.ts';
import { taskLoss } from '../../../src/models/losses.ts';
import { fitModel, type FitOptions } from '../../../src/train/fit.ts';
import { blobs } from '../synthetic-data.ts';
import { digitsDataset } from '../label-noise/digits-dataset.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';

const families = await builtinFamilies();

function mlp(ds: Dataset, seed = 1): tf.LayersModel {
  const genome: MlpGenome = { family: 'mlp', hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' };
  return buildModel(genome, { inputShape: ds.featureShape, head: taskLoss(ds.target).head, seed, families });
}

const base = (train: Dataset, validation: Dataset): FitOptions => ({ train, validation, epochs: 4, batchSize: 32, learningRate: 0.01, patience: 10, seed: 3 });

describe('fitModel with augmentation', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('still learns digits with shifts, rotations and noise on, leaking nothing', async () => {
    const all = digitsDataset([8, 8, 1]);
    const scaled: Dataset = { ...all, x: all.x.map((v) => v / 16) };
    const order = Array.from({ length: all.n }, (_, i) => i);
    const [train, validation] = [subsetDataset(scaled, order.filter((i) => i % 5 !== 0)), subsetDataset(scaled, order.filter((i) => i % 5 === 0))];
    const genome: CnnGenome = { family: 'cnn', blocks: [{ filters: 8, kernelSize: 3, pool: 'max', batchNorm: false }], dense: [32], dropout: 0, globalPool: 'none' };
    const model = buildModel(genome, { inputShape: [8, 8, 1], head: taskLoss(train.target).head, seed: 2, families });
    const augment = createAugmentation({ flip: 'none', shift: 0.125, rotate: 10, crop: 0, noise: 0.05, tokenDropout: 0 }, 'image', 5)!;
    const built = tf.memory().numTensors;
    const started = performance.now();
    const result = await fitModel(model, { ...base(train, validation), epochs: 6, augment });
    console.log(`augmented digits CNN: val accuracy ${result.history.map((h) => h.valMetric.toFixed(3)).join(' ')} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    assert.equal(tf.memory().numTensors, built, 'augmented training must not leave tensors behind');
    assert.ok(result.history[result.bestEpoch - 1].valMetric >= 0.9, `val accuracy ${result.history[result.bestEpoch - 1].valMetric}`);
    model.dispose();
  });

  it('augments every training batch exactly once, with its epoch and index, and never a validation batch', async () => {
    const train = blobs(100, 4, 3, 1);
    const marked = blobs(40, 4, 3, 2);
    // Validation rows carry a value no training row has, so the hook can tell them apart.
    const validation: Dataset = { ...marked, x: marked.x.map((v, i) => (i % 4 === 3 ? 1000 : v)) };
    const seen: AugmentContext[] = [];
    let rows = 0;
    const spy: BatchAugment = (x, ctx) => {
      seen.push(ctx);
      rows += x.shape[0];
      assert.ok(tf.max(x).dataSync()[0] < 500, 'a validation batch reached the augmentation');
      return tf.mul(x, 1);
    };
    const model = mlp(train);
    await fitModel(model, { ...base(train, validation), epochs: 3, augment: spy });
    const batches = Math.ceil(100 / 32);
    assert.deepEqual(seen, [1, 2, 3].flatMap((epoch) => Array.from({ length: batches }, (_, batch) => ({ epoch, batch }))));
    assert.equal(rows, 300);
    model.dispose();
  });

  it('reports validation on the data as given: the restored model reproduces the best epoch\'s loss', async () => {
    const [train, validation] = [blobs(120, 4, 3, 1, 2), blobs(60, 4, 3, 2, 2)];
    const augment = createAugmentation({ flip: 'none', shift: 0, rotate: 0, crop: 0, noise: 0.5, tokenDropout: 0 }, 'image', 1)!;
    const model = mlp(train);
    const result = await fitModel(model, { ...base(train, validation), epochs: 5, augment });
    const p = await predict(model, validation);
    const loss = tf.tidy(() => taskLoss(validation.target).loss(tf.tensor1d(validation.y), tf.tensor2d(p.values, [validation.n, p.units])).dataSync()[0]);
    assert.ok(Math.abs(loss - result.history[result.bestEpoch - 1].valLoss) < 1e-4, `${loss} vs ${result.history[result.bestEpoch - 1].valLoss}`);
    model.dispose();
  });

  it('is repeatable, and the augmentation changes training', async () => {
    const [train, validation] = [blobs(120, 4, 3, 1, 1.5), blobs(60, 4, 3, 2, 1.5)];
    const run = async (augment?: BatchAugment) => {
      const model = mlp(train, 9);
      const result = await fitModel(model, { ...base(train, validation), augment });
      model.dispose();
      return result.history.map((h) => h.loss);
    };
    const noisy = () => createAugmentation({ flip: 'none', shift: 0, rotate: 0, crop: 0, noise: 0.3, tokenDropout: 0 }, 'image', 4);
    const [a, b, plain] = [await run(noisy()), await run(noisy()), await run()];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, plain);
  });

  it('rejects an augmentation that changes the batch shape, without leaking', async () => {
    const [train, validation] = [blobs(60, 4, 3, 1), blobs(30, 4, 3, 2)];
    const model = mlp(train);
    const built = tf.memory().numTensors;
    await assert.rejects(
      fitModel(model, { ...base(train, validation), augment: (x) => tf.slice(x, [0, 0], [-1, 2]) }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_STEP_FAILED' && /changed the batch shape from \[32, 4\] to \[32, 2\]/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, built);
    model.dispose();
  });
});
