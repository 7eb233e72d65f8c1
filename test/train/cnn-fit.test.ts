import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome } from '../../src/models/genome.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { fitModel } from '../../src/train/fit.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

/** 6x6 images holding one noisy bar: class 0 horizontal, class 1 vertical. */
function bars(n: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const x = new Float32Array(n * 36);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const at = random.int(6);
    for (let p = 0; p < 36; p++) {
      const [r, c] = [Math.floor(p / 6), p % 6];
      x[i * 36 + p] = (y[i] === 0 ? r === at : c === at) ? 1 : 0.3 * random.next();
    }
  }
  return { n, featureShape: [6, 6, 1], x, y, target: { kind: 'class', name: 'bar', classes: ['horizontal', 'vertical'] } };
}

describe('fitModel with a CNN', { timeout: 120_000 }, () => {
  before(async () => {
    // Falls back to cpu while the wasm backend lacks a conv filter gradient.
    const engine = await initEngine('wasm');
    if (!tf.getKernel('Conv2DBackpropFilter', engine.name)) await initEngine('cpu');
  });

  it('learns orientation from pixels, without leaking tensors', async () => {
    const [train, validation] = [bars(80, 1), bars(40, 2)];
    const genome: CnnGenome = { family: 'cnn', blocks: [{ filters: 4, kernelSize: 3, pool: 'max', batchNorm: true }], dense: [8], dropout: 0.1, globalPool: 'none' };
    const model = buildModel(genome, { inputShape: train.featureShape, head: taskLoss(train.target).head, seed: 3, families: (await builtinFamilies()) });
    const built = tf.memory().numTensors;
    const result = await fitModel(model, { train, validation, epochs: 15, batchSize: 16, learningRate: 0.01, patience: 15, seed: 1 });
    assert.equal(tf.memory().numTensors, built);
    assert.ok(result.history[result.bestEpoch - 1].valMetric >= 0.9, `val accuracy ${result.history[result.bestEpoch - 1].valMetric}`);
    model.dispose();
  });
});
