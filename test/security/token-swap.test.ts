import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import type { AttackRequest } from '../../src/security/attacks/attack.ts';
import { AttackUnsupported } from '../../src/security/attacks/attack-unsupported.ts';
import { swapBudget } from '../../src/security/attacks/token-swap.ts';
import { tokenSwapAttack } from '../../src/security/attacks/token-swap-attack.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { fitModel } from '../../src/train/fit.ts';

const families = await builtinFamilies();
const VOCAB = 40;
const LENGTH = 10;

/** Texts of 4–10 tokens, padded with 0: class 0 draws its words from ids 2–20, class 1 from 21–39. */
function texts(n: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const x = new Float32Array(n * LENGTH);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const length = 4 + random.int(LENGTH - 3);
    for (let p = 0; p < length; p++) {
      // One word in five comes from the other class, so the model must weigh the words.
      const own = random.next() < 0.8 ? y[i] : 1 - y[i];
      x[i * LENGTH + p] = own === 0 ? 2 + random.int(19) : 21 + random.int(19);
    }
  }
  return { n, featureShape: [LENGTH], x, y, target: { kind: 'class', name: 'label', classes: ['a', 'b'] }, tokens: { vocabSize: VOCAB } };
}

function losses(model: tf.LayersModel, x: Float32Array, ds: Dataset): Float32Array {
  return tf.tidy(() => {
    const p = model.predict(tf.tensor(x, [ds.n, LENGTH])) as tf.Tensor;
    const picked = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(ds.y, 'int32'), 2)), 1);
    return tf.neg(tf.log(tf.maximum(picked, 1e-12))).dataSync() as Float32Array;
  });
}

const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('token-swap attack', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('allows ε of a text’s tokens, at least one when ε > 0', () => {
    assert.equal(swapBudget(0, 10, 20), 0);
    assert.equal(swapBudget(0.01, 10, 20), 1);
    assert.equal(swapBudget(0.2, 10, 20), 2);
    assert.equal(swapBudget(0.25, 10, 20), 3);
    assert.equal(swapBudget(1, 10, 4), 4);
    assert.equal(swapBudget(0.5, 0, 20), 0);
  });

  it('swaps at most its budget of real tokens (never padding), raising the loss of a trained text model', async () => {
    const train = texts(400, 1);
    const validation = texts(100, 2);
    const test = texts(120, 3);
    const model = buildModel(
      { family: 'text-pool', embeddingDim: 16, pooling: 'avg', dense: [16], dropout: 0 },
      { inputShape: [LENGTH], head: taskLoss(train.target).head, seed: 4, families, modality: 'text', vocabSize: VOCAB },
    );
    await fitModel(model, { train, validation, epochs: 25, batchSize: 32, learningRate: 0.01, patience: 5, seed: 5 });
    const entry = tokenSwapAttack;
    const request: AttackRequest = { model, examples: test, threat: { kind: 'tokens', vocabSize: VOCAB }, epsilon: 0.25, seed: 1 };
    const tensors = tf.memory().numTensors;
    const adversarial = await entry.create(entry.optionsSchema.parse({})).perturb(request);
    assert.equal(tf.memory().numTensors, tensors, 'every tensor the attack made is disposed');
    for (let i = 0; i < test.n; i++) {
      const before = test.x.subarray(i * LENGTH, (i + 1) * LENGTH);
      const after = adversarial.subarray(i * LENGTH, (i + 1) * LENGTH);
      const length = before.reduce((n, id) => n + (id === 0 ? 0 : 1), 0);
      let changed = 0;
      for (let p = 0; p < LENGTH; p++) {
        if (before[p] === 0) assert.equal(after[p], 0, `text ${i}: padding at ${p} was swapped`);
        else assert.ok(after[p] >= 1 && after[p] < VOCAB && Number.isInteger(after[p]), `text ${i}: ${after[p]} is no token`);
        if (after[p] !== before[p]) changed++;
      }
      assert.ok(changed <= swapBudget(0.25, length, 20), `text ${i}: ${changed} swaps for ${length} tokens`);
    }
    const clean = losses(model, test.x, test);
    const attacked = losses(model, adversarial, test);
    assert.ok(mean(attacked) > mean(clean) + 0.1, `mean loss ${mean(attacked)} vs clean ${mean(clean)}`);
    // Per-example budgets: ε = 0 leaves a text as it is.
    const none = await entry.create(entry.optionsSchema.parse({})).perturb({ ...request, epsilon: new Float32Array(test.n) });
    assert.deepEqual(none, test.x);
    model.dispose();
  });

  it('says so, rather than failing, for a model that does not start with an embedding', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [LENGTH] }));
    const test = texts(4, 9);
    const entry = tokenSwapAttack;
    await assert.rejects(entry.create(entry.optionsSchema.parse({})).perturb({ model, examples: test, threat: { kind: 'tokens', vocabSize: VOCAB }, epsilon: 0.2, seed: 1 }), AttackUnsupported);
    model.dispose();
  });
});
