import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../../src/data/dataset.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { compileMlpTrainingPlan } from '../../../src/engine/native/mlp-training-plan.ts';
import { loadNativeAddon } from '../../../src/engine/native/native-addon.ts';
import type { GenomeBase } from '../../../src/models/genome.ts';
import { buildModel } from '../../../src/models/build-model.ts';
import type { FitOptimizer } from '../../../src/models/training-recipe.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';
import { fitModel, type FitOptions } from '../../../src/train/fit.ts';
import { skipWithoutNative } from './native-available.ts';

const families = await builtinFamilies();

/** A table whose class (or value) depends non-linearly on its first features. */
function table(n: number, d: number, seed: number, kind: 'class' | 'numeric'): Dataset {
  const rng = createSeededRandom(seed);
  const x = Float32Array.from({ length: n * d }, () => rng.next() * 4 - 2);
  const y = Float32Array.from({ length: n }, (_, i) => {
    const [a, b, c] = [x[i * d]!, x[i * d + 1]!, x[i * d + 2]!];
    return kind === 'class' ? (a * b > 0 ? 1 : 0) + (c > 1 ? 1 : 0) : Math.sin(a) + b * c;
  });
  return { n, featureShape: [d], x, y, target: kind === 'class' ? { kind: 'class', name: 'y', classes: ['a', 'b', 'c'] } : { kind: 'numeric', name: 'y' } };
}

interface Case {
  readonly label: string;
  readonly genome: GenomeBase;
  readonly optimizer: FitOptimizer;
  readonly kind: 'class' | 'numeric';
  readonly extra?: Partial<FitOptions>;
}

const mlp = (activation: string, batchNorm: boolean, dropout = 0): GenomeBase => ({ family: 'mlp', hidden: [12, 7], dropout, batchNorm, activation }) as GenomeBase;
const CASES: Case[] = [
  { label: 'relu, Adam, class weights and weight decay', genome: mlp('relu', false), optimizer: 'adam', kind: 'class', extra: { classWeights: [1, 2.5, 0.7], weightDecay: 0.01 } },
  { label: 'tanh with batch norm, Adam, a cosine schedule', genome: mlp('tanh', true), optimizer: 'adam', kind: 'class', extra: { schedule: 'cosine' } },
  { label: 'elu, SGD with momentum', genome: mlp('elu', false), optimizer: 'sgd', kind: 'class' },
  { label: 'selu with batch norm, RMSprop', genome: mlp('selu', true), optimizer: 'rmsprop', kind: 'class' },
  { label: 'swish with batch norm, Adam, weight decay', genome: mlp('swish', true), optimizer: 'adam', kind: 'class', extra: { weightDecay: 0.003 } },
  { label: 'a regression: relu with batch norm, mean squared error', genome: mlp('relu', true), optimizer: 'adam', kind: 'numeric' },
];

/** Trains the same model from the same weights with and without the plan; returns both weight sets and fits. */
async function bothWays(c: Case, epochs: number) {
  const train = table(150, 5, 1, c.kind);
  const validation = table(60, 5, 2, c.kind);
  const head = c.kind === 'class' ? { units: 3, activation: 'softmax' as const } : { units: 1, activation: 'linear' as const };
  const options: FitOptions = { train, validation, epochs, batchSize: 32, learningRate: 0.01, patience: epochs, seed: 5, optimizer: c.optimizer, ...c.extra };
  const run = async (plan: boolean) => {
    const model = buildModel(c.genome, { inputShape: [5], head, seed: 3, families });
    if (plan) delete process.env.DEEPLINE_TRAINING_PLAN;
    else process.env.DEEPLINE_TRAINING_PLAN = '0';
    try {
      const fit = await fitModel(model, options);
      return { weights: model.weights.map((w) => ({ name: w.name, values: w.read().dataSync() as Float32Array })), fit };
    } finally {
      model.dispose();
    }
  };
  return { tfjs: await run(false), plan: await run(true) };
}

describe('native MLP training plans', { skip: skipWithoutNative }, () => {
  before(async () => {
    await initEngine('native');
  });
  after(() => {
    delete process.env.DEEPLINE_TRAINING_PLAN;
  });

  for (const c of CASES) {
    it(`trains as TF.js does: ${c.label}`, async () => {
      const { tfjs, plan } = await bothWays(c, 3);
      assert.deepEqual([plan.fit.compiledStep, tfjs.fit.compiledStep], [true, undefined]);
      // Same losses epoch by epoch, same weights at the end (all the moving statistics included).
      plan.fit.history.forEach((r, i) => {
        const t = tfjs.fit.history[i]!;
        assert.ok(Math.abs(r.loss - t.loss) < 1e-4 * Math.max(1, t.loss), `epoch ${r.epoch} loss ${r.loss} vs TF.js ${t.loss}`);
        assert.ok(Math.abs(r.valLoss - t.valLoss) < 1e-4 * Math.max(1, t.valLoss), `epoch ${r.epoch} validation loss ${r.valLoss} vs TF.js ${t.valLoss}`);
      });
      assert.equal(plan.weights.length, tfjs.weights.length);
      plan.weights.forEach((w, i) => {
        const diff = w.values.reduce((m, v, k) => Math.max(m, Math.abs(v - tfjs.weights[i]!.values[k]!)), 0);
        assert.ok(diff < 1e-4, `${w.name} differs by up to ${diff}`);
      });
    });
  }

  it('with dropout: its own masks, learning as well as TF.js', async () => {
    const { tfjs, plan } = await bothWays({ label: 'dropout', genome: mlp('relu', true, 0.2), optimizer: 'adam', kind: 'class' }, 25);
    const best = (f: typeof plan.fit) => Math.max(...f.history.map((r) => r.valMetric));
    console.log(`best validation accuracy: plan ${best(plan.fit)}, TF.js ${best(tfjs.fit)}`);
    assert.ok(best(plan.fit) > 0.7, `validation accuracy ${best(plan.fit)}`);
    assert.ok(Math.abs(best(plan.fit) - best(tfjs.fit)) < 0.08, `plan ${best(plan.fit)} vs TF.js ${best(tfjs.fit)}`);
  });

  it('names what it cannot compile', () => {
    const addon = loadNativeAddon().addon!;
    const options = { optimizer: 'adam', loss: 'categorical-crossentropy', weightDecay: 0, batchSize: 8, seed: 1 } as const;
    const cnn = buildModel({ family: 'cnn', blocks: [{ filters: 4, kernelSize: 3, pool: 'max', batchNorm: false }], dense: [], dropout: 0, globalPool: 'avg' } as GenomeBase, { inputShape: [6, 6, 1], head: { units: 3, activation: 'softmax' }, seed: 1, families });
    assert.match(JSON.stringify(compileMlpTrainingPlan(cnn, addon, options)), /Conv2D layer/);
    const regression = buildModel(mlp('relu', false), { inputShape: [5], head: { units: 1, activation: 'linear' }, seed: 1, families });
    assert.match(JSON.stringify(compileMlpTrainingPlan(regression, addon, options)), /a head other than softmax/);
    assert.ok('step' in compileMlpTrainingPlan(regression, addon, { ...options, loss: 'mse' }));
    const regularised = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 3, activation: 'softmax', kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) })] });
    assert.match(JSON.stringify(compileMlpTrainingPlan(regularised, addon, options)), /kernelRegularizer/);
    regularised.dispose();
    cnn.dispose();
    regression.dispose();
  });
});
