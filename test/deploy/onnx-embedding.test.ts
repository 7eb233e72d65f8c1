import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/deploy/onnx/export-onnx.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { FamilyRegistry } from '../../src/models/families/family-registry.ts';
import type { Modality } from '../../src/models/families/model-family.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

/** The TF.js model's penultimate representation: the input of its last dense layer. */
function penultimate(model: tf.LayersModel): tf.LayersModel {
  const dense = [...model.layers].reverse().find((l) => l.getClassName() === 'Dense')!;
  return tf.model({ inputs: model.inputs, outputs: dense.input as tf.SymbolicTensor });
}

function randomInput(shape: readonly number[], n: number, seed: number, vocab?: number): tf.Tensor {
  const rng = createSeededRandom(seed);
  const values = Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => (vocab ? rng.int(vocab) : 2 * rng.next() - 1));
  return tf.tensor(values, [n, ...shape]);
}

const CASES: readonly { label: string; modality: Modality; inputShape: number[]; genome: Record<string, unknown>; vocab?: number; width: number }[] = [
  { label: 'mlp (sequential), dropout before the head', modality: 'tabular', inputShape: [7], genome: { family: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: false, activation: 'relu' }, width: 8 },
  { label: 'cnn (functional), flattened', modality: 'image', inputShape: [8, 8, 1], genome: { family: 'cnn', blocks: [{ kind: 'conv', filters: 4, kernelSize: 3, pool: 'max', batchNorm: true }], globalPool: 'none', dense: [12], dropout: 0.25 }, width: 12 },
  { label: 'cnn without dense layers: the pooled features', modality: 'image', inputShape: [8, 8, 3], genome: { family: 'cnn', blocks: [{ kind: 'conv', filters: 5, kernelSize: 3, pool: 'none', batchNorm: false }], globalPool: 'avg', dense: [], dropout: 0 }, width: 5 },
  // Its first layer is itself named `embedding`: the output keeps the name all the same.
  { label: 'text-pool', modality: 'text', inputShape: [12], vocab: 30, genome: { family: 'text-pool', embeddingDim: 8, pooling: 'avg', dense: [6], dropout: 0.1 }, width: 6 },
  { label: 'text-rnn', modality: 'text', inputShape: [10], vocab: 25, genome: { family: 'text-rnn', embeddingDim: 6, cell: 'gru', units: 5, dense: [], dropout: 0 }, width: 10 },
];

describe('ONNX export: the embedding output', { timeout: 120_000 }, () => {
  let families: FamilyRegistry;
  before(async () => {
    await initEngine('cpu');
    families = await builtinFamilies();
  });

  CASES.forEach((c, k) => {
    it(`${c.label}: ONNX Runtime's embedding is TF.js's penultimate layer`, async () => {
      const model = buildModel(c.genome, { inputShape: c.inputShape, head: { units: 3, activation: 'softmax' }, seed: 21 + k, families, modality: c.modality, ...(c.vocab !== undefined && { vocabSize: c.vocab }) });
      const { bytes, signature } = exportOnnx(model);
      assert.equal(signature.embedding, 'embedding');
      assert.deepEqual(signature.embeddingShape, [null, c.width]);
      const x = randomInput(c.inputShape, 4, 300 + k, c.vocab);
      const session = await ort.InferenceSession.create(bytes);
      try {
        assert.deepEqual(session.outputNames, ['output', 'embedding'], 'the prediction first, as before');
        const out = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
        const expected = (penultimate(model).predict(x) as tf.Tensor).dataSync() as Float32Array;
        const actual = out.embedding!.data as Float32Array;
        assert.equal(actual.length, 4 * c.width);
        const worst = Math.max(...expected.map((v, i) => Math.abs(v - actual[i]!)));
        assert.ok(worst <= 1e-4, `largest difference ${worst}`);
        const predicted = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
        assert.ok(Math.max(...predicted.map((v, i) => Math.abs(v - (out.output!.data as Float32Array)[i]!))) <= 1e-4, 'the prediction is unchanged');
      } finally {
        await session.release();
        model.dispose();
        x.dispose();
      }
    });
  });

  it('gives a linear model (its dense layer reads the input) no embedding', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
    const { bytes, signature } = exportOnnx(model);
    assert.equal(signature.embedding, undefined);
    const session = await ort.InferenceSession.create(bytes);
    assert.deepEqual(session.outputNames, ['output']);
    await session.release();
  });
});
