import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { foldForInference } from '../../../src/compress/fold-for-inference.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { compileInferencePlan, type InferencePlan } from '../../../src/engine/native/inference-plan.ts';
import { loadNativeAddon, type NativeAddon } from '../../../src/engine/native/native-addon.ts';
import type { GenomeBase } from '../../../src/models/genome.ts';
import { buildModel } from '../../../src/models/build-model.ts';
import type { Modality } from '../../../src/models/families/model-family.ts';
import { embeddingModel } from '../../../src/models/embedding-model.ts';
import { infer } from '../../../src/models/infer.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';
import { randomizeWeights } from '../../../src/testing/random-weights.ts';
import { skipWithoutNative } from './native-available.ts';

const families = await builtinFamilies();

function planOf(model: tf.LayersModel, fetches: tf.SymbolicTensor[], addon: NativeAddon): InferencePlan {
  const plan = compileInferencePlan(model, fetches, addon);
  assert.ok('run' in plan, `not compiled: ${JSON.stringify(plan)}`);
  return plan;
}

/** The plan's fetches against TF.js's own execution of the same model on the same engine. */
function assertSameAsTfjs(model: tf.LayersModel, plan: InferencePlan, fetches: tf.SymbolicTensor[], n: number, seed: number): void {
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const rng = createSeededRandom(seed);
  const x = Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 4 - 2);
  const expected = tf.tidy(() => infer(model, tf.tensor(x, [n, ...shape]), fetches).map((t) => t.dataSync() as Float32Array));
  const actual = plan.run(x, n);
  assert.equal(actual.length, fetches.length);
  actual.forEach((values, i) => {
    assert.equal(values.length, expected[i]!.length);
    const diff = values.reduce((m, v, k) => Math.max(m, Math.abs(v - expected[i]![k]!)), 0);
    assert.ok(diff < 1e-5, `fetch ${fetches[i]!.name} at batch ${n}: differs by up to ${diff}`);
  });
}

const CASES: { label: string; genome: GenomeBase; inputShape: number[]; modality?: Modality }[] = [
  {
    label: 'the digits CNN (conv, batch norm, ReLU, max pooling, flatten, dropout, dense, softmax)',
    genome: { family: 'cnn', blocks: [{ filters: 8, kernelSize: 3, pool: 'max', batchNorm: true }, { filters: 16, kernelSize: 3, pool: 'max', batchNorm: true }], dense: [12], dropout: 0.25, globalPool: 'none' } as GenomeBase,
    inputShape: [8, 8, 1],
  },
  {
    label: 'a residual CNN with average and global pooling',
    genome: { family: 'cnn', blocks: [{ filters: 6, kernelSize: 3, pool: 'avg', batchNorm: true }, { kind: 'residual', filters: 6, kernelSize: 3, pool: 'none', batchNorm: true }], dense: [7], dropout: 0.2, globalPool: 'avg' } as GenomeBase,
    inputShape: [9, 7, 2],
  },
  {
    label: 'a CNN of separable convolutions, with and without batch norm',
    genome: { family: 'cnn', blocks: [{ kind: 'separable', filters: 5, kernelSize: 3, pool: 'none', batchNorm: true }, { kind: 'separable', filters: 4, kernelSize: 3, pool: 'max', batchNorm: false }], dense: [6], dropout: 0, globalPool: 'none' } as GenomeBase,
    inputShape: [10, 9, 3],
  },
  {
    label: 'a 1-D CNN over a series',
    genome: { family: 'series-cnn', filters: 6, kernelSize: 3, layers: 2, dense: [8], dropout: 0.1 } as GenomeBase,
    inputShape: [14, 2],
    modality: 'series',
  },
  {
    label: 'an MLP with batch norm',
    genome: { family: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: true, activation: 'relu' } as GenomeBase,
    inputShape: [11],
  },
];

describe('native inference plans', { skip: skipWithoutNative }, () => {
  let addon: NativeAddon;
  before(async () => {
    await initEngine('native');
    addon = loadNativeAddon().addon!;
  });

  for (const c of CASES) {
    it(`${c.label}: the same outputs and embedding as TF.js, at several batch sizes, trained and folded`, async () => {
      const model = buildModel(c.genome, { inputShape: c.inputShape, head: { units: 3, activation: 'softmax' }, seed: 1, families, ...(c.modality && { modality: c.modality }) });
      randomizeWeights(model, 2);
      const embedding = embeddingModel(model)!.outputs[0]!;
      const fetches = [model.outputs[0]!, embedding];
      const plan = planOf(model, fetches, addon);
      for (const n of [1, 5, 64, 5]) assertSameAsTfjs(model, plan, fetches, n, n);
      const folded = await foldForInference(model);
      const foldedPlan = planOf(folded, folded.outputs, addon);
      const foldable = model.layers.some((l) => ['BatchNormalization', 'Activation'].includes(l.getClassName()));
      assert.ok(foldable ? foldedPlan.steps < plan.steps : foldedPlan.steps === plan.steps, `folding leaves ${foldedPlan.steps} calls of ${plan.steps}`);
      assertSameAsTfjs(folded, foldedPlan, folded.outputs, 7, 9);
      if (folded !== model) folded.dispose();
      model.dispose();
    });
  }

  it('hands what it does not cover back to TF.js, naming the layer', () => {
    const text = buildModel({ family: 'text-pool', embeddingDim: 8, pooling: 'avg', dense: [4], dropout: 0 } as GenomeBase, { inputShape: [6], head: { units: 2, activation: 'softmax' }, seed: 1, families, modality: 'text', vocabSize: 20 });
    const textPlan = compileInferencePlan(text, text.outputs, addon);
    assert.ok('unsupported' in textPlan && /Embedding/.test(textPlan.unsupported), JSON.stringify(textPlan));
    const gru = buildModel({ family: 'series-gru', units: 4, layers: 1, dense: [], dropout: 0 } as GenomeBase, { inputShape: [9, 3], head: { units: 1, activation: 'linear' }, seed: 1, families, modality: 'series' });
    const gruPlan = compileInferencePlan(gru, gru.outputs, addon);
    assert.ok('unsupported' in gruPlan && /GRU/.test(gruPlan.unsupported), JSON.stringify(gruPlan));
    [text, gru].forEach((m) => m.dispose());
  });

  it('refuses an input of the wrong size rather than reading past it', () => {
    const model = buildModel(CASES.find((c) => c.label.startsWith('an MLP'))!.genome, { inputShape: [11], head: { units: 3, activation: 'softmax' }, seed: 1, families });
    const plan = planOf(model, model.outputs, addon);
    assert.throws(() => plan.run(new Float32Array(10), 1), /takes 1 examples of 11 values/);
    model.dispose();
  });
});
