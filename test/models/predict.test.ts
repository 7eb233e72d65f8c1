import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { predict } from '../../src/models/predict.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

describe('predict', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('matches one whole-set forward pass whatever the batch size, leaving no tensors', async () => {
    const genome = { family: 'mlp', hidden: [6], dropout: 0.5, batchNorm: true, activation: 'tanh' };
    const model = buildModel(genome, { inputShape: [3], head: { units: 4, activation: 'softmax' }, seed: 8, families: (await builtinFamilies()) });
    const input = { n: 23, featureShape: [3], x: Float32Array.from({ length: 69 }, (_, i) => Math.cos(i * 0.7)) };
    const whole = tf.tidy(() => (model.predict(tf.tensor2d(input.x, [23, 3])) as tf.Tensor).dataSync());
    const before = tf.memory().numTensors;
    for (const batchSize of [1, 5, 23, 100]) {
      const p = await predict(model, input, { batchSize });
      assert.equal(p.units, 4);
      assert.equal(p.values.length, 23 * 4);
      p.values.forEach((v, i) => assert.ok(Math.abs(v - whole[i]) < 1e-6, `batch ${batchSize} value ${i}`));
    }
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(predict(model, { ...input, featureShape: [1, 3] }), (e: unknown) => isDeeplineError(e) && e.code === 'DL_DATA_FORMAT');
    model.dispose();
  });
});
