import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { foldForInference } from '../../src/compress/fold-for-inference.ts';
import { channelGraph } from '../../src/compress/pruning/channel-graph.ts';
import { channelImportance } from '../../src/compress/pruning/channel-importance.ts';
import { pruneChannels } from '../../src/compress/pruning/prune-channels.ts';
import { selectChannels } from '../../src/compress/pruning/select-channels.ts';
import { exportQuantizedOnnx } from '../../src/deploy/onnx/export-quantized-onnx.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { Modality } from '../../src/models/families/model-family.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

interface Case {
  readonly label: string;
  readonly modality: Modality;
  readonly inputShape: readonly number[];
  readonly genome: Record<string, unknown>;
  readonly vocab?: number;
  /** Spaces structured pruning may cut. */
  readonly prunable: readonly string[];
}

const CASES: readonly Case[] = [
  { label: 'mlp with batch norm', modality: 'tabular', inputShape: [7], genome: { family: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: true, activation: 'relu' }, prunable: ['dense_0', 'dense_1'] },
  {
    label: 'cnn: residual, separable and strided flatten',
    modality: 'image',
    inputShape: [10, 10, 3],
    genome: {
      family: 'cnn',
      blocks: [
        { kind: 'residual', filters: 6, kernelSize: 3, pool: 'max', batchNorm: true },
        { kind: 'separable', filters: 8, kernelSize: 3, pool: 'max', batchNorm: true },
      ],
      globalPool: 'none',
      dense: [8],
      dropout: 0,
    },
    prunable: ['conv_0a', 'conv_0b+project_0', 'dense_0', 'sepconv_1'],
  },
  { label: 'text-conv', modality: 'text', inputShape: [16], vocab: 40, genome: { family: 'text-conv', embeddingDim: 8, convFilters: [6, 5], kernelSize: 3, dense: [8], dropout: 0.1 }, prunable: ['conv_0', 'conv_1', 'dense_0'] },
  { label: 'text-rnn (a GRU keeps its inputs)', modality: 'text', inputShape: [10], vocab: 25, genome: { family: 'text-rnn', embeddingDim: 6, cell: 'gru', units: 5, dense: [8], dropout: 0 }, prunable: ['dense_0'] },
  { label: 'series-cnn', modality: 'series', inputShape: [14, 2], genome: { family: 'series-cnn', filters: 6, kernelSize: 3, layers: 2, dense: [8], dropout: 0 }, prunable: ['conv_0', 'conv_1', 'dense_0'] },
];

function randomInput(shape: readonly number[], n: number, vocab?: number): Float32Array {
  const rng = createSeededRandom(3);
  return Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => (vocab ? rng.int(vocab) : rng.next() * 2 - 1));
}

describe('compression of every built-in family', { timeout: 60_000 }, () => {
  before(async () => {
    await initEngine('cpu');
  });

  for (const c of CASES) {
    it(`${c.label}: batch norm folds exactly, channels prune, and int8 ONNX runs`, async () => {
      const families = await builtinFamilies();
      const model = buildModel(c.genome, { inputShape: c.inputShape, head: { units: 3, activation: 'softmax' }, seed: 1, families, modality: c.modality, ...(c.vocab && { vocabSize: c.vocab }) });
      const x = randomInput(c.inputShape, 8, c.vocab);
      const predict = (m: tf.LayersModel): Float32Array => tf.tidy(() => (m.predict(tf.tensor(x, [8, ...c.inputShape])) as tf.Tensor).dataSync() as Float32Array);
      const folded = await foldForInference(model);
      const [before, after] = [predict(model), predict(folded)];
      assert.ok(before.every((v, i) => Math.abs(v - after[i]!) < 1e-5));

      const graph = channelGraph(model);
      assert.deepEqual(graph.spaces.filter((s) => !s.frozen).map((s) => s.key).sort(), [...c.prunable].sort());
      const scores = await channelImportance(model, graph, 'l1');
      const selection = selectChannels(graph.spaces.filter((s) => !s.frozen).map((s) => ({ key: s.key, original: s.size, scores: scores.get(s.key)! })), { fraction: 0.5, scope: 'layer' });
      const pruned = await pruneChannels(model, graph, selection);
      assert.ok(pruned.countParams() < model.countParams());
      assert.equal(predict(pruned).length, 8 * 3);

      const calibration = { n: 8, featureShape: c.inputShape, x };
      const { bytes, signature } = await exportQuantizedOnnx(pruned, { precision: 'int8', calibration });
      const session = await ort.InferenceSession.create(bytes);
      const out = (await session.run({ [signature.input]: new ort.Tensor('float32', x, [8, ...c.inputShape]) }))[signature.output]!.data as Float32Array;
      await session.release();
      const reference = predict(pruned);
      assert.ok(out.every((v, i) => Math.abs(v - reference[i]!) < 0.1), `int8 outputs within 0.1 of float: ${out.slice(0, 3)} vs ${reference.slice(0, 3)}`);
      [model, pruned, ...(folded !== model ? [folded] : [])].forEach((m) => m.dispose());
    });
  }
});
