import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { argmaxRows } from '../../src/evaluate/argmax-rows.ts';
import { accuracy } from '../../src/evaluate/metrics.ts';
import { predict } from '../../src/models/predict.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { MlpGenome } from '../../src/models/genome.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { fitModel, type FitOptions } from '../../src/train/fit.ts';
import { blobs, linear, noise } from './synthetic-data.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();

function mlp(ds: Dataset, hidden: number[], seed = 1, extra: Partial<MlpGenome> = {}): tf.LayersModel {
  const genome: MlpGenome = { family: 'mlp', hidden, dropout: 0, batchNorm: false, activation: 'relu', ...extra };
  return buildModel(genome, { inputShape: ds.featureShape, head: taskLoss(ds.target).head, seed, families });
}

async function predictedClasses(model: tf.LayersModel, ds: Dataset): Promise<Int32Array> {
  const p = await predict(model, ds);
  return argmaxRows(p.values, p.units);
}

const base = (train: Dataset, validation: Dataset): FitOptions => ({ train, validation, epochs: 30, batchSize: 32, learningRate: 0.01, patience: 5, seed: 3 });

describe('fitModel', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('learns a separable problem to high accuracy', async () => {
    const [train, validation, test] = [blobs(300, 4, 3, 1), blobs(90, 4, 3, 2), blobs(150, 4, 3, 3)];
    const model = mlp(train, [16]);
    const result = await fitModel(model, base(train, validation));
    assert.equal(result.metricName, 'accuracy');
    assert.ok(result.bestEpoch >= 1);
    assert.ok(result.history[result.bestEpoch - 1].valMetric >= 0.95, `val accuracy ${result.history[result.bestEpoch - 1].valMetric}`);
    assert.ok(result.history[0].loss > result.history.at(-1)!.loss, 'training loss must fall');
    assert.ok(accuracy(test.y, await predictedClasses(model, test)) >= 0.95);
    model.dispose();
  });

  it('stops early on a problem it can only overfit, restoring the best epoch', async () => {
    const [train, validation] = [noise(48, 8, 1), noise(48, 8, 2)];
    const model = mlp(train, [128, 128]);
    const result = await fitModel(model, { ...base(train, validation), epochs: 300, patience: 3, batchSize: 16 });
    assert.equal(result.reason, 'early-stopping');
    assert.equal(result.stoppedEarly, true);
    assert.equal(result.history.length, result.bestEpoch + 3, 'stops exactly `patience` epochs after the best');
    assert.ok(result.history.at(-1)!.loss < result.history[0].loss, 'it did fit the training noise');
    // The model now holds the best epoch's weights: its validation loss is that epoch's.
    const p = await predict(model, validation);
    const loss = tf.tidy(() => taskLoss(validation.target).loss(tf.tensor1d(validation.y), tf.tensor2d(p.values, [validation.n, p.units])).dataSync()[0]);
    assert.ok(Math.abs(loss - result.history[result.bestEpoch - 1].valLoss) < 1e-4, `${loss} vs ${result.history[result.bestEpoch - 1].valLoss}`);
    model.dispose();
  });

  it('is repeatable: same seeds, same history and weights, dropout included', async () => {
    const [train, validation] = [blobs(120, 4, 3, 1, 1.5), blobs(60, 4, 3, 2, 1.5)];
    const run = async (fitSeed: number) => {
      const model = mlp(train, [16, 16], 9, { dropout: 0.3, batchNorm: true });
      const result = await fitModel(model, { ...base(train, validation), epochs: 4, seed: fitSeed });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { losses: result.history.map((h) => [h.loss, h.valLoss]), weights };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    assert.deepEqual(a.losses, b.losses);
    assert.deepEqual(a.weights, b.weights);
    assert.notDeepEqual(a.losses, c.losses, 'another seed must change order and dropout masks');
  });

  it('leaks no tensors: only the model weights remain, across fits', async () => {
    const [train, validation] = [blobs(100, 4, 3, 1), blobs(40, 4, 3, 2)];
    const start = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const model = mlp(train, [8], 1, { dropout: 0.2, batchNorm: true });
      const built = tf.memory().numTensors;
      await fitModel(model, { ...base(train, validation), epochs: 3, classWeights: [1, 2, 1] });
      assert.equal(tf.memory().numTensors, built, 'fit must not leave tensors behind');
      model.dispose();
      assert.equal(tf.memory().numTensors, start, 'build + fit + dispose must return to the start');
    }
  });

  it('stops after the epoch that crosses the time budget', async () => {
    const [train, validation] = [blobs(60, 4, 3, 1), blobs(30, 4, 3, 2)];
    const model = mlp(train, [8]);
    let clock = 0;
    const result = await fitModel(model, {
      ...base(train, validation),
      epochs: 50,
      patience: 100,
      timeBudgetMs: 2500,
      now: () => clock,
      onEpoch: () => {
        clock += 1000;
      },
    });
    assert.equal(result.reason, 'time-budget');
    assert.equal(result.history.length, 3);
    model.dispose();
  });

  it('cuts an epoch short when the time budget runs out inside it, and records it as partial', async () => {
    const [train, validation] = [blobs(64, 4, 3, 1), blobs(30, 4, 3, 2)];
    const model = mlp(train, [8]);
    // Every clock reading is 10 ms later: the budget of 45 ms passes after a few batches of epoch 1.
    let clock = 0;
    const result = await fitModel(model, { ...base(train, validation), epochs: 50, batchSize: 8, patience: 100, timeBudgetMs: 45, now: () => (clock += 10) });
    assert.equal(result.reason, 'time-budget');
    assert.equal(result.history.length, 1);
    assert.equal(result.history[0].partial, true);
    assert.ok(Number.isFinite(result.history[0].valLoss), 'the partial epoch is still validated');
    assert.equal(result.bestEpoch, 1);
    model.dispose();
  });

  it('with minEpochs, times the first batches and stops at once when that many epochs cannot fit the budget', async () => {
    const [train, validation] = [blobs(200, 4, 3, 1), blobs(90, 4, 3, 2)];
    // Every clock reading is 10 ms later; a batch reads it twice (budget check, probe), so a
    // batch takes 20 ms and an epoch of 10 batches, with validation at a third of a batch per
    // batch of examples (5 of them), is projected at 20 × (10 + 5/3) ms.
    const run = async (minEpochs: number) => {
      const model = mlp(train, [8]);
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      let clock = 0;
      const result = await fitModel(model, { ...base(train, validation), epochs: 3, batchSize: 20, patience: 100, timeBudgetMs: 100_000, minEpochs, now: () => (clock += 10) });
      const unchanged = model.getWeights().every((w, i) => Array.from(w.dataSync()).every((v, j) => v === before[i][j]));
      model.dispose();
      return { result, unchanged };
    };
    const slow = await run(1000);
    assert.equal(slow.result.reason, 'too-slow');
    assert.equal(slow.result.history.length, 0);
    assert.ok(Math.abs(slow.result.projectedEpochMs! - 20 * (10 + 5 / 3)) < 1e-9, `projected ${slow.result.projectedEpochMs}`);
    assert.ok(slow.unchanged, 'a model stopped as too slow keeps its initial weights');
    const fits = await run(3);
    assert.equal(fits.result.reason, 'max-epochs');
    assert.equal(fits.result.history.length, 3);
    // A budget gone before the first epoch's probe ends is too slow for even one epoch.
    const model = mlp(train, [8]);
    const cut = await fitModel(model, { ...base(train, validation), batchSize: 20, timeBudgetMs: 0.001, minEpochs: 1 });
    assert.equal(cut.reason, 'too-slow');
    model.dispose();
  });

  it('with minEpochs, confirms a too-slow first window on a second one, so a burst of contention does not reject a model', async () => {
    const [train, validation] = [blobs(200, 4, 3, 1), blobs(90, 4, 3, 2)];
    // 10 batches of 20. The clock runs 10x slow for its first 11 readings (through the fifth batch) (another process
    // starting up beside this one): the first window's rate projects 20 epochs past the
    // budget, the second window's (a batch in 20 ms) well inside it.
    const run = async (slowReadings: number) => {
      const model = mlp(train, [8]);
      let clock = 0;
      let readings = 0;
      const now = (): number => (clock += ++readings <= slowReadings ? 100 : 10);
      const result = await fitModel(model, { ...base(train, validation), epochs: 3, batchSize: 20, patience: 100, timeBudgetMs: 10_000, minEpochs: 20, now });
      model.dispose();
      return result;
    };
    const burst = await run(11);
    assert.equal(burst.reason, 'max-epochs', `projected ${burst.projectedEpochMs} ms per epoch`);
    assert.equal(burst.history.length, 3);
    assert.ok(Math.abs(burst.projectedEpochMs! - 20 * (10 + 5 / 3)) < 1e-9, `projected ${burst.projectedEpochMs}`);
    // Slow throughout: both windows agree, and the model is rejected.
    const slow = await run(Infinity);
    assert.equal(slow.reason, 'too-slow');
    assert.equal(slow.history.length, 0);
  });

  it('fits a regression, reporting RMSE as the validation metric', async () => {
    const [train, validation] = [linear(300, 1), linear(100, 2)];
    const model = mlp(train, [16]);
    const result = await fitModel(model, { ...base(train, validation), epochs: 60, patience: 10 });
    assert.equal(result.metricName, 'rmse');
    const best = result.history[result.bestEpoch - 1];
    assert.ok(best.valMetric < 0.25, `val rmse ${best.valMetric}`);
    assert.ok(Math.abs(best.valMetric - Math.sqrt(best.valLoss)) < 1e-6);
    model.dispose();
  });

  it('applies class weights: a zero-weight class is not learnt', async () => {
    const [train, validation] = [blobs(200, 2, 2, 1, 2), blobs(100, 2, 2, 2, 2)];
    const model = mlp(train, [8]);
    await fitModel(model, { ...base(train, validation), epochs: 10, classWeights: [1, 0] });
    const predicted = await predictedClasses(model, validation);
    assert.ok(predicted.filter((c) => c === 0).length >= 0.9 * validation.n);
    model.dispose();
  });

  it('rejects bad options and honours an abort without leaking', async () => {
    const [train, validation] = [blobs(60, 4, 3, 1), blobs(30, 4, 3, 2)];
    const model = mlp(train, [8]);
    const coded = (e: unknown) => isDeeplineError(e) && e.code === 'DL_STEP_FAILED';
    await assert.rejects(fitModel(model, { ...base(train, validation), epochs: 0 }), coded);
    await assert.rejects(fitModel(model, { ...base(train, { ...validation, n: 0 }) }), coded);
    await assert.rejects(fitModel(model, { ...base(linear(10, 1), linear(10, 2)) }), coded);
    const built = tf.memory().numTensors;
    const controller = new AbortController();
    const fit = fitModel(model, { ...base(train, validation), signal: controller.signal, onEpoch: () => controller.abort() });
    await assert.rejects(fit, { name: 'AbortError' });
    assert.equal(tf.memory().numTensors, built);
    model.dispose();
  });
});
