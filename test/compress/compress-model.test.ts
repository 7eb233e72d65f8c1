import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chooseVariant, metricLoss, withinTolerance } from '../../src/compress/choose-variant.ts';
import { compressModel } from '../../src/compress/compress-model.ts';
import { kernelSparsity } from '../../src/compress/kernel-weights.ts';
import { variantMetric } from '../../src/compress/variant-metric.ts';
import { createRegistries } from '../../src/context/registries.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { fitModel } from '../../src/train/fit.ts';

/** Three classes of 8x8 images: a bright bar (row, column or diagonal) on noise. */
function bars(n: number, seed: number): Dataset {
  const rng = createSeededRandom(seed);
  const x = new Float32Array(n * 64);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    const at = 1 + rng.int(6);
    for (let p = 0; p < 64; p++) {
      const [r, c] = [Math.floor(p / 8), p % 8];
      const on = k === 0 ? r === at : k === 1 ? c === at : r === c;
      x[i * 64 + p] = (on ? 1 : 0) + 0.3 * (rng.next() - 0.5);
    }
  }
  return { n, featureShape: [8, 8], x, y, target: { kind: 'class', name: 'bar', classes: ['row', 'column', 'diagonal'] } };
}

describe('compressModel', { timeout: 120_000 }, () => {
  const registries = createRegistries();
  const [train, validation, test] = [bars(300, 1), bars(90, 2), bars(90, 3)];
  let dir: string;
  let model: import('@tensorflow/tfjs').LayersModel;

  before(async () => {
    await initEngine('wasm');
    dir = await mkdtemp(join(tmpdir(), 'deepline-compress-model-'));
    const families = await builtinFamilies();
    model = buildModel(
      { family: 'cnn', blocks: [{ filters: 8, kernelSize: 3, pool: 'max', batchNorm: true }, { filters: 16, kernelSize: 3, pool: 'max', batchNorm: true }], dense: [16], dropout: 0, globalPool: 'none' },
      { inputShape: [8, 8], head: { units: 3, activation: 'softmax' }, seed: 3, families },
    );
    await fitModel(model, { train, validation, epochs: 8, batchSize: 32, learningRate: 3e-3, patience: 8, seed: 1 });
  });

  after(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('prunes, quantizes and measures every variant from its saved files', async () => {
    const variants = await compressModel(
      model,
      { prunings: [null, { method: 'channel', amount: 0.5, options: { steps: 2 } }, { method: 'magnitude', amount: 0.8, options: { steps: 2 } }], precisions: ['float32', 'int8'], formats: ['tfjs', 'onnx'], batch: 16, timing: { repeats: 3, minMs: 0 } },
      {
        train,
        validation,
        test,
        metric: variantMetric(test),
        pruners: registries.pruners,
        quantizers: registries.quantizers,
        fineTune: { epochs: 2, batchSize: 32, learningRate: 1e-3 },
        seed: 4,
        properties: {},
        dir,
      },
    );
    assert.deepEqual(
      variants.map((v) => v.name),
      ['float32', 'int8', 'channel-50%', 'channel-50%+int8', 'magnitude-80%', 'magnitude-80%+int8'],
    );
    const by = (name: string, format: string) => variants.find((v) => v.name === name)!.artifacts.find((a) => a.format === format)!;
    const float = variants[0]!;
    assert.ok(float.artifacts.every((a) => a.metric > 0.9), `the float model learnt the bars: ${float.artifacts.map((a) => a.metric)}`);
    // The float model saved as TF.js and as ONNX computes the same predictions.
    assert.equal(by('float32', 'tfjs').metric, by('float32', 'onnx').metric);
    const channel = variants.find((v) => v.name === 'channel-50%')!;
    assert.ok(channel.params < float.params / 2, `${channel.params} parameters from ${float.params}`);
    assert.equal(channel.pruning!.steps.length, 2);
    for (const format of ['tfjs', 'onnx']) {
      // 4 bytes per kernel weight become 1 (plus scales); on a model this small the topology and the
      // quantization nodes are much of the file, so only the bytes saved are checked.
      const saved = by('float32', format).bytes - by('int8', format).bytes;
      assert.ok(saved >= 1.5 * float.params, `${format} int8 saves ${saved} bytes of ${by('float32', format).bytes}`);
      assert.ok(by('channel-50%', format).bytes < by('float32', format).bytes);
      // Unstructured pruning keeps the shape (same raw size) but its zeros compress.
      assert.equal(by('magnitude-80%', format).bytes, by('float32', format).bytes);
      assert.ok(by('magnitude-80%', format).gzipBytes < 0.6 * by('float32', format).gzipBytes);
      for (const a of variants.flatMap((v) => v.artifacts)) assert.ok(a.batch1Ms > 0 && a.batchMs > 0 && a.bytes > 0);
    }
    assert.ok(variants.find((v) => v.name === 'magnitude-80%')!.pruning!.sparsity >= 0.79);
    assert.ok(kernelSparsity(model) < 0.01, 'the trained model itself is left as it was');
  });

  it('chooses the smallest or fastest variant within the tolerance', () => {
    const v = (name: string, bytes: number, batchMs: number, metric: number) => ({ name, artifacts: [{ format: 'onnx', bytes, batchMs, metric }] });
    const variants = [v('float32', 100, 10, 0.95), v('float16', 50, 10, 0.95), v('int8', 25, 12, 0.945), v('channel-50%', 40, 4, 0.93)];
    const rule = { tolerance: 0.01, higherIsBetter: true };
    assert.equal(chooseVariant(variants, 'float32', { ...rule, prefer: 'smallest', served: 'onnx' }).name, 'int8');
    // channel-50% is fastest but loses 2 points; of the rest float16 and float32 tie on time, float16 is smaller.
    assert.equal(chooseVariant(variants, 'float32', { ...rule, prefer: 'fastest', served: 'onnx' }).name, 'float16');
    assert.equal(chooseVariant(variants, 'float32', { tolerance: 0.03, higherIsBetter: true, prefer: 'fastest', served: 'onnx' }).name, 'channel-50%');
    assert.equal(withinTolerance(variants[3]!, variants[0]!, rule), false);
    // An error metric's loss is relative: 5% more RMSE is 0.05.
    assert.ok(Math.abs(metricLoss(2, 2.1, false) - 0.05) < 1e-12);
  });
});
