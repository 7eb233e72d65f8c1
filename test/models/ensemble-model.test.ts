import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/deploy/onnx/export-onnx.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { ensembleModel } from '../../src/models/ensemble-model.ts';
import type { FamilyRegistry } from '../../src/models/families/family-registry.ts';
import type { Modality } from '../../src/models/families/model-family.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { loadModel, saveModel } from '../../src/train/model-io.ts';

function randomInput(shape: readonly number[], n: number, seed: number, vocab?: number): tf.Tensor {
  const rng = createSeededRandom(seed);
  const size = n * shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => (vocab ? rng.int(vocab) : 2 * rng.next() - 1)), [n, ...shape]);
}

async function onnxPredict(bytes: Uint8Array, x: tf.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
    return out.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

interface Case {
  readonly label: string;
  readonly modality: Modality;
  readonly inputShape: readonly number[];
  readonly genomes: readonly Record<string, unknown>[];
  readonly head: { units: number; activation: 'softmax' | 'linear' };
  readonly vocab?: number;
}

const CASES: readonly Case[] = [
  {
    label: 'three MLPs of different shapes, softmax',
    modality: 'tabular',
    inputShape: [7],
    head: { units: 3, activation: 'softmax' },
    genomes: [
      { family: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: false, activation: 'relu' },
      { family: 'mlp', hidden: [12], dropout: 0, batchNorm: true, activation: 'elu' },
      { family: 'mlp', hidden: [9, 6], dropout: 0, batchNorm: false, activation: 'selu' },
    ],
  },
  {
    label: 'two MLPs, regression',
    modality: 'tabular',
    inputShape: [5],
    head: { units: 1, activation: 'linear' },
    genomes: [
      { family: 'mlp', hidden: [9], dropout: 0, batchNorm: true, activation: 'tanh' },
      { family: 'mlp', hidden: [4, 4], dropout: 0, batchNorm: false, activation: 'relu' },
    ],
  },
  {
    label: 'text families mixed: pool, conv and a bidirectional GRU',
    modality: 'text',
    inputShape: [12],
    vocab: 30,
    head: { units: 2, activation: 'softmax' },
    genomes: [
      { family: 'text-pool', embeddingDim: 8, pooling: 'avg', dense: [8], dropout: 0.1 },
      { family: 'text-conv', embeddingDim: 8, convFilters: [6], kernelSize: 3, dense: [], dropout: 0 },
      { family: 'text-rnn', embeddingDim: 6, cell: 'gru', units: 5, dense: [], dropout: 0 },
    ],
  },
];

describe('ensembleModel: one graph that averages its members', () => {
  let families: FamilyRegistry;
  before(async () => {
    await initEngine('cpu');
    families = await builtinFamilies();
  });

  for (const c of CASES) {
    it(`${c.label}: weighted average of the members in TF.js, and in ONNX Runtime within 1e-4`, async () => {
      const members = c.genomes.map((g, k) => buildModel(g, { inputShape: c.inputShape, head: c.head, seed: 11 + k, families, modality: c.modality, ...(c.vocab && { vocabSize: c.vocab }) }));
      const weights = c.genomes.map((_, k) => (k === 0 ? 2 : 1));
      const ensemble = ensembleModel(members, weights);
      const x = randomInput(c.inputShape, 9, 5, c.vocab);
      const outs = members.map((m) => (m.predict(x) as tf.Tensor).dataSync());
      const total = weights.reduce((s, w) => s + w, 0);
      const expected = outs[0]!.map((_, i) => outs.reduce((s, o, k) => s + (weights[k]! * o[i]!) / total, 0));
      const got = (ensemble.predict(x) as tf.Tensor).dataSync();
      assert.ok(maxDiff(got, expected) < 1e-5, `TF.js ensemble differs from the weighted mean by ${maxDiff(got, expected)}`);
      // The members differ, so an ensemble that dropped one would fail the check above.
      assert.ok(maxDiff(outs[0]!, outs[1]!) > 1e-3);
      const dir = await mkdtemp(join(tmpdir(), 'ensemble-'));
      try {
        await saveModel(ensemble, dir);
        const loaded = await loadModel(dir);
        const { bytes } = exportOnnx(loaded);
        const onnx = await onnxPredict(bytes, x);
        assert.ok(maxDiff(onnx, got) < 1e-4, `ONNX differs from TF.js by ${maxDiff(onnx, got)}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('a single member with weight is that member itself; none is an error', () => {
    const a = buildModel({ family: 'mlp', hidden: [4], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: [3], head: { units: 2, activation: 'softmax' }, seed: 1, families, modality: 'tabular' });
    const b = buildModel({ family: 'mlp', hidden: [5], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: [3], head: { units: 2, activation: 'softmax' }, seed: 2, families, modality: 'tabular' });
    assert.equal(ensembleModel([a, b], [0, 3]), b);
    assert.throws(() => ensembleModel([a, b], [0, 0]), /at least one member/);
  });
});
