import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { savedSize } from '../../src/compress/measure-saved-model.ts';
import { saveQuantizedModel } from '../../src/compress/quantize/save-quantized-model.ts';
import { exportQuantizedOnnx } from '../../src/deploy/onnx/export-quantized-onnx.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome } from '../../src/models/genome.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { loadModel, saveModel } from '../../src/train/model-io.ts';

const families = await builtinFamilies();

const genome: CnnGenome = {
  family: 'cnn',
  blocks: [
    { filters: 16, kernelSize: 3, pool: 'max', batchNorm: true },
    { filters: 24, kernelSize: 3, pool: 'max', batchNorm: false },
  ],
  dense: [32],
  dropout: 0,
  globalPool: 'none',
};

/** Weights on the scale of a trained small CNN (He-like kernels, positive variances), from a seed. */
function randomize(model: tf.LayersModel, seed: number): void {
  const rng = createSeededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      const name = w.originalName;
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
        name.endsWith('moving_variance') ? 0.5 + rng.next() : name.endsWith('gamma') ? 1 + 0.2 * normal() : name.endsWith('kernel') ? normal() * Math.sqrt(2 / fanIn) : 0.1 * normal(),
      );
      return tf.tensor(values, shape);
    }),
  );
}

function examples(n: number, seed: number): Float32Array {
  const rng = createSeededRandom(seed);
  return Float32Array.from({ length: n * 64 }, () => rng.next());
}

describe('saved compressed variants', () => {
  let dir: string;
  let model: tf.LayersModel;
  let x: Float32Array;
  let expected: Float32Array;
  const n = 64;

  before(async () => {
    await initEngine('wasm');
    dir = await mkdtemp(join(tmpdir(), 'deepline-compress-'));
    model = buildModel(genome, { inputShape: [8, 8], head: { units: 10, activation: 'softmax' }, seed: 5, families });
    randomize(model, 11);
    x = examples(n, 3);
    expected = tf.tidy(() => (model.predict(tf.tensor(x, [n, 8, 8])) as tf.Tensor).dataSync() as Float32Array);
    await saveModel(model, join(dir, 'float32'));
  });

  after(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  for (const [precision, tolerance, share] of [
    ['float16', 2e-3, 0.6],
    ['int8', 3e-2, 0.4],
  ] as const) {
    it(`writes ${precision} TF.js weights that tf.loadLayersModel reads, predicting within the quantization error`, async () => {
      const path = join(dir, precision);
      await saveQuantizedModel(model, path, precision);
      const loaded = await loadModel(path);
      try {
        const actual = tf.tidy(() => (loaded.predict(tf.tensor(x, [n, 8, 8])) as tf.Tensor).dataSync() as Float32Array);
        const diff = maxDiff(actual, expected);
        assert.ok(diff < tolerance, `${precision}: outputs differ by up to ${diff}`);
        assert.ok(diff > 0, 'the weights were quantized');
      } finally {
        loaded.dispose();
      }
      const [float, quantized] = await Promise.all([savedSize(join(dir, 'float32')), savedSize(path)]);
      assert.ok(quantized.bytes < share * float.bytes, `${quantized.bytes} bytes against ${float.bytes}`);
    });
  }

  it('writes an int8 QDQ ONNX model that ONNX Runtime runs close to the float one, at well under half the size', async () => {
    const calibration = { n: 256, featureShape: [8, 8], x: examples(256, 9) };
    const [float, int8] = await Promise.all([exportQuantizedOnnx(model, { precision: 'float32' }), exportQuantizedOnnx(model, { precision: 'int8', calibration })]);
    const run = async (bytes: Uint8Array): Promise<Float32Array> => {
      const session = await ort.InferenceSession.create(bytes);
      try {
        return (await session.run({ input: new ort.Tensor('float32', x, [n, 8, 8]) })).output!.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const [floatOut, int8Out] = await Promise.all([run(float.bytes), run(int8.bytes)]);
    assert.ok(maxDiff(floatOut, expected) < 1e-4);
    const diff = maxDiff(int8Out, expected);
    assert.ok(diff < 0.05 && diff > 0, `int8 outputs differ by up to ${diff}`);
    const agree = Array.from({ length: n }, (_, i) => argmax(int8Out, i) === argmax(expected, i)).filter(Boolean).length;
    assert.ok(agree >= n - 2, `${agree} of ${n} predictions agree`);
    // 7k parameters: the graph's structure is a good part of the file (0.39 of the float size with
    // the layers' value names, 0.33 with short ones); bench:compress shows larger models.
    assert.ok(int8.bytes.length < 0.36 * float.bytes.length, `${int8.bytes.length} bytes against ${float.bytes.length}`);
    // ONNX Runtime reads the QDQ pattern as quantized operators.
    const optimized = join(dir, 'optimized.onnx');
    await (await ort.InferenceSession.create(int8.bytes, { optimizedModelFilePath: optimized, graphOptimizationLevel: 'extended' })).release();
    const text = (await import('node:fs')).readFileSync(optimized).toString('latin1');
    assert.ok(text.includes('QLinearConv') && text.includes('QLinearMatMul'), 'fused into QLinearConv and QLinearMatMul');
  });

  it('writes float16 ONNX at about half the size with float32 outputs', async () => {
    const [float, half] = await Promise.all([exportQuantizedOnnx(model, { precision: 'float32' }), exportQuantizedOnnx(model, { precision: 'float16' })]);
    const session = await ort.InferenceSession.create(half.bytes);
    const out = (await session.run({ input: new ort.Tensor('float32', x, [n, 8, 8]) })).output!.data as Float32Array;
    await session.release();
    assert.ok(maxDiff(out, expected) < 2e-3);
    assert.ok(half.bytes.length < 0.6 * float.bytes.length);
  });
});

function argmax(values: Float32Array, row: number): number {
  let best = 0;
  for (let k = 1; k < 10; k++) if (values[row * 10 + k]! > values[row * 10 + best]!) best = k;
  return best;
}
