import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { createAdversarialTraining } from '../../src/train/adversarial/adversarial-training.ts';
import { perturbationBox } from '../../src/train/adversarial/perturbation-box.ts';
import { robustAccuracy } from '../../src/train/adversarial/robust-accuracy.ts';
import { fitModel } from '../../src/train/fit.ts';
import type { AdversarialSettings } from '../../src/task/task-spec.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';

const families = await builtinFamilies();

/**
 * One robust feature and many weak ones (Tsipras et al. 2019): x0 is the label's sign 95% of the
 * time, each of the other 24 features is N(0.4 · sign, 1). Standard training leans on the weak
 * features, each of which a small L∞ push cancels; only x0 survives one.
 */
function robustAndWeak(n: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const d = 25;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const sign = y[i] === 1 ? 1 : -1;
    x[i * d] = (random.next() < 0.95 ? sign : -sign) + 0.1 * gauss();
    for (let j = 1; j < d; j++) x[i * d + j] = 0.4 * sign + gauss();
  }
  return { n, featureShape: [d], x, y, target: { kind: 'class', name: 'label', classes: ['a', 'b'] } };
}

async function trained(train: Dataset, validation: Dataset, adversarial?: AdversarialSettings): Promise<tf.LayersModel> {
  const model = buildModel({ family: 'mlp', hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: train.featureShape, head: taskLoss(train.target).head, seed: 1, families });
  const box = perturbationBox(train);
  await fitModel(model, {
    train,
    validation,
    epochs: 8,
    batchSize: 32,
    learningRate: 0.01,
    patience: 8,
    seed: 3,
    ...(adversarial && { adversarial: createAdversarialTraining(adversarial, box, 9) }),
  });
  return model;
}

describe('adversarial training', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('raises accuracy under PGD far above standard training’s, PGD and fast-FGSM alike, and leaves no tensor behind', async () => {
    const [train, validation, test] = [robustAndWeak(300, 1), robustAndWeak(80, 2), robustAndWeak(160, 3)];
    const box = perturbationBox(train);
    const measure = (model: tf.LayersModel) => robustAccuracy(model, test, box, { epsilon: 0.1, norm: 'linf', steps: 10, examples: test.n, seed: 4 });
    const tensors = tf.memory().numTensors;
    const standard = await trained(train, validation);
    const weights = standard.getWeights().length;
    assert.equal(tf.memory().numTensors, tensors + weights, 'standard training keeps only the weights');
    const pgd = await trained(train, validation, { attack: 'pgd', epsilon: 0.1, steps: 5, norm: 'linf' });
    assert.equal(tf.memory().numTensors, tensors + 2 * weights, 'adversarial training keeps only the weights');
    const fgsm = await trained(train, validation, { attack: 'fgsm', epsilon: 0.1, steps: 1, norm: 'linf' });
    const [s, p, f] = [await measure(standard), await measure(pgd), await measure(fgsm)];
    assert.ok(p > s + 0.3, `PGD-trained ${p} vs standard ${s}`);
    assert.ok(f > s + 0.3, `FGSM-trained ${f} vs standard ${s}`);
    for (const m of [standard, pgd, fgsm]) m.dispose();
  });
});
