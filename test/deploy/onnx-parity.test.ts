import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { exportOnnx } from '../../src/deploy/onnx/export-onnx.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { FamilyRegistry } from '../../src/models/families/family-registry.ts';
import type { Modality } from '../../src/models/families/model-family.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { loadModel, saveModel } from '../../src/train/model-io.ts';
// @ts-expect-error: the example plugin is plain JavaScript, without type declarations
import { residualMlpFamily } from '../../examples/plugins/residual-mlp-family.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { onnx } = onnxProto;

/** Every weight drawn anew, so batch norm statistics and biases are not their trivial initial values. */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = createSeededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const variance = w.originalName.endsWith('moving_variance');
      const values = Float32Array.from({ length: size }, () => (variance ? 0.5 + rng.next() : 0.3 * normal()));
      return tf.tensor(values, shape);
    }),
  );
}

function randomInput(shape: readonly number[], n: number, seed: number, vocab?: number): tf.Tensor {
  const rng = createSeededRandom(seed);
  const size = n * shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, () => (vocab ? rng.int(vocab) : 2 * rng.next() - 1));
  return tf.tensor(values, [n, ...shape]);
}

async function onnxPredict(bytes: Uint8Array, x: tf.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) };
    const out = await session.run(feeds);
    return out.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

interface Case {
  readonly label: string;
  readonly modality: Modality;
  readonly inputShape: readonly number[];
  readonly genome: Record<string, unknown>;
  readonly head?: { units: number; activation: 'softmax' | 'linear' };
  readonly vocab?: number;
}

const CASES: readonly Case[] = [
  { label: 'mlp, relu', modality: 'tabular', inputShape: [7], genome: { family: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: false, activation: 'relu' } },
  { label: 'mlp, batch norm, elu', modality: 'tabular', inputShape: [7], genome: { family: 'mlp', hidden: [12], dropout: 0, batchNorm: true, activation: 'elu' } },
  { label: 'mlp, selu', modality: 'tabular', inputShape: [5], genome: { family: 'mlp', hidden: [9, 6], dropout: 0, batchNorm: false, activation: 'selu' } },
  { label: 'mlp, tanh, regression', modality: 'tabular', inputShape: [5], genome: { family: 'mlp', hidden: [9], dropout: 0, batchNorm: true, activation: 'tanh' }, head: { units: 1, activation: 'linear' } },
  { label: 'mlp, swish', modality: 'tabular', inputShape: [6], genome: { family: 'mlp', hidden: [10], dropout: 0.2, batchNorm: false, activation: 'swish' } },
  {
    label: 'cnn: conv + batch norm + max pool, avg pool',
    modality: 'image',
    inputShape: [12, 12, 1],
    genome: {
      family: 'cnn',
      blocks: [
        { kind: 'conv', filters: 6, kernelSize: 3, pool: 'max', batchNorm: true },
        { kind: 'conv', filters: 8, kernelSize: 3, pool: 'avg', batchNorm: false },
      ],
      globalPool: 'avg',
      dense: [16],
      dropout: 0.1,
    },
  },
  {
    label: 'cnn: residual and separable blocks, RGB',
    modality: 'image',
    inputShape: [10, 10, 3],
    genome: {
      family: 'cnn',
      blocks: [
        { kind: 'residual', filters: 6, kernelSize: 3, pool: 'none', batchNorm: true },
        { kind: 'separable', filters: 8, kernelSize: 3, pool: 'max', batchNorm: true },
        { kind: 'conv', filters: 4, kernelSize: 5, pool: 'none', batchNorm: false },
      ],
      globalPool: 'max',
      dense: [],
      dropout: 0,
    },
  },
  {
    label: 'cnn: strided layout kept through flatten',
    modality: 'image',
    inputShape: [9, 7, 2],
    genome: { family: 'cnn', blocks: [{ kind: 'conv', filters: 3, kernelSize: 3, pool: 'max', batchNorm: false }], globalPool: 'none', dense: [5], dropout: 0 },
  },
  { label: 'text-pool, avg', modality: 'text', inputShape: [12], vocab: 30, genome: { family: 'text-pool', embeddingDim: 8, pooling: 'avg', dense: [8], dropout: 0.1 } },
  { label: 'text-pool, max', modality: 'text', inputShape: [12], vocab: 30, genome: { family: 'text-pool', embeddingDim: 8, pooling: 'max', dense: [], dropout: 0 } },
  { label: 'text-conv', modality: 'text', inputShape: [16], vocab: 40, genome: { family: 'text-conv', embeddingDim: 8, convFilters: [6, 5], kernelSize: 3, dense: [8], dropout: 0.1 } },
  { label: 'text-rnn, bidirectional GRU', modality: 'text', inputShape: [10], vocab: 25, genome: { family: 'text-rnn', embeddingDim: 6, cell: 'gru', units: 5, dense: [8], dropout: 0 } },
  { label: 'text-rnn, bidirectional LSTM', modality: 'text', inputShape: [10], vocab: 25, genome: { family: 'text-rnn', embeddingDim: 6, cell: 'lstm', units: 5, dense: [], dropout: 0 } },
  { label: 'series-cnn', modality: 'series', inputShape: [14, 2], head: { units: 1, activation: 'linear' }, genome: { family: 'series-cnn', filters: 6, kernelSize: 3, layers: 2, dense: [8], dropout: 0 } },
  { label: 'series-cnn, one channel', modality: 'series', inputShape: [12, 1], head: { units: 1, activation: 'linear' }, genome: { family: 'series-cnn', filters: 4, kernelSize: 3, layers: 1, dense: [], dropout: 0 } },
  { label: 'series-gru, two layers', modality: 'series', inputShape: [9, 3], head: { units: 1, activation: 'linear' }, genome: { family: 'series-gru', units: 6, layers: 2, dense: [], dropout: 0 } },
];

describe('ONNX export: ONNX Runtime gives what TF.js gives', { timeout: 120_000 }, () => {
  let families: FamilyRegistry;
  before(async () => {
    await initEngine('cpu');
    families = await builtinFamilies();
  });

  CASES.forEach((c, k) => {
    it(c.label, async () => {
      const model = buildModel(c.genome, {
        inputShape: c.inputShape,
        head: c.head ?? { units: 3, activation: 'softmax' },
        seed: 11 + k,
        families,
        modality: c.modality,
        ...(c.vocab !== undefined && { vocabSize: c.vocab }),
      });
      randomizeWeights(model, 100 + k);
      const { bytes } = exportOnnx(model);
      const x = randomInput(c.inputShape, 5, 200 + k, c.vocab);
      const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      const actual = await onnxPredict(bytes, x);
      assert.equal(actual.length, expected.length);
      const worst = Math.max(...expected.map((v, i) => Math.abs(v - actual[i]!)));
      assert.ok(worst <= 1e-4, `largest difference ${worst} (TF.js ${expected.slice(0, 4).join(', ')} … ONNX ${actual.slice(0, 4).join(', ')} …)`);
      model.dispose();
      x.dispose();
    });
  });

  it('reads a one-channel input as channels-first through a Reshape, not a Transpose', () => {
    const firstOps = (channels: number): string[] => {
      const model = buildModel({ family: 'cnn', blocks: [{ kind: 'conv', filters: 4, kernelSize: 3, pool: 'max', batchNorm: false }], globalPool: 'avg', dense: [], dropout: 0 }, { inputShape: [8, 8, channels], head: { units: 3, activation: 'softmax' }, seed: 1, families });
      const graph = onnx.ModelProto.decode(exportOnnx(model).bytes).graph!;
      model.dispose();
      return graph.node!.filter((n) => n.input!.includes('input')).map((n) => n.opType!);
    };
    assert.deepEqual(firstOps(1), ['Reshape']);
    assert.deepEqual(firstOps(3), ['Transpose']);
  });

  async function assertParity(model: tf.LayersModel, inputShape: readonly number[], seed: number): Promise<void> {
    const { bytes } = exportOnnx(model);
    const x = randomInput(inputShape, 4, seed);
    const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const actual = await onnxPredict(bytes, x);
    const worst = Math.max(...expected.map((v, i) => Math.abs(v - actual[i]!)));
    assert.ok(worst <= 1e-4, `largest difference ${worst}`);
    x.dispose();
  }

  it("a plugin's functional family: layer norm and residual adds (examples/plugins)", async () => {
    const model = (residualMlpFamily as { build(g: unknown, ctx: unknown): tf.LayersModel }).build(
      { family: 'residual-mlp', width: 12, blocks: 2, dropout: 0.1 },
      { inputShape: [6], head: { units: 3, activation: 'softmax' }, seed: 5 },
    );
    randomizeWeights(model, 77);
    await assertParity(model, [6], 78);
  });

  it('a model saved and loaded again, as the export step reads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deepline-onnx-'));
    try {
      const built = buildModel({ family: 'cnn', blocks: [{ kind: 'conv', filters: 4, kernelSize: 3, pool: 'max', batchNorm: true }], globalPool: 'avg', dense: [6], dropout: 0.2 }, {
        inputShape: [8, 8, 1],
        head: { units: 3, activation: 'softmax' },
        seed: 3,
        families,
      });
      randomizeWeights(built, 9);
      await saveModel(built, join(dir, 'model'));
      const loaded = await loadModel(join(dir, 'model'));
      await assertParity(loaded, [8, 8, 1], 10);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a layer it cannot write, naming the layer, at export', () => {
    const model = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 3, inputShape: [4, 2], name: 'plain_rnn' }), tf.layers.dense({ units: 2 })] });
    assert.throws(
      () => exportOnnx(model),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_EXPORT' && /layer plain_rnn \(SimpleRNN\)/.test(e.message) && /no converter for SimpleRNN/.test(e.message),
    );
  });
});
