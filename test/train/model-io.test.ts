import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { predict } from '../../src/models/predict.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome, MlpGenome } from '../../src/models/genome.ts';
import { fitModel } from '../../src/train/fit.ts';
import { loadModel, saveModel } from '../../src/train/model-io.ts';
import { blobs } from './synthetic-data.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
let root: string;

describe('saveModel / loadModel', { timeout: 60_000 }, () => {
  before(async () => {
    await initEngine('wasm');
    root = await mkdtemp(join(tmpdir(), 'deepline-model-io-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('round-trips a trained MLP with batch norm: same predictions, TF.js file layout', async () => {
    const [train, validation] = [blobs(90, 4, 3, 1), blobs(30, 4, 3, 2)];
    const genome: MlpGenome = { family: 'mlp', hidden: [8, 8], dropout: 0.2, batchNorm: true, activation: 'relu' };
    const model = buildModel(genome, { inputShape: [4], head: { units: 3, activation: 'softmax' }, seed: 2, families });
    // Trained, so batch-norm moving statistics differ from their initial values and must be saved.
    await fitModel(model, { train, validation, epochs: 3, batchSize: 16, learningRate: 0.01, patience: 5, seed: 1 });
    const dir = join(root, 'mlp');
    await saveModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    const bytes = (await readFile(join(dir, 'weights.bin'))).byteLength;
    assert.equal(bytes, model.countParams() * 4);

    // Compact: nothing loading does not read.
    const text = JSON.stringify(json.modelTopology);
    for (const absent of [':null', '"trainable":true', '_initializer']) assert.ok(!text.includes(absent), `model.json holds ${absent}`);

    const loaded = await loadModel(dir);
    const [a, b] = [await predict(model, validation), await predict(loaded, validation)];
    assert.deepEqual(b.values, a.values);
    assert.equal(loaded.countParams(), model.countParams());
    // Every layer comes back with the settings it was saved with (initializers aside).
    const settings = (m: typeof model): unknown[] =>
      m.layers.map((layer) => Object.fromEntries(Object.entries(layer.getConfig()).filter(([key]) => !key.endsWith('Initializer'))));
    assert.deepEqual(settings(loaded), settings(model));
    model.dispose();
    loaded.dispose();
  });

  it('round-trips a CNN on [h, w] images', async () => {
    const genome: CnnGenome = {
      family: 'cnn',
      blocks: [{ filters: 3, kernelSize: 3, pool: 'avg', batchNorm: true }],
      dense: [5],
      dropout: 0.1,
      globalPool: 'max',
    };
    const model = buildModel(genome, { inputShape: [6, 6], head: { units: 1, activation: 'linear' }, seed: 4, families });
    const dir = join(root, 'cnn');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = { n: 5, featureShape: [6, 6], x: Float32Array.from({ length: 180 }, (_, i) => Math.sin(i)) };
    assert.deepEqual((await predict(loaded, x)).values, (await predict(model, x)).values);
    model.dispose();
    loaded.dispose();
  });

  it('reports a missing model folder as DL_DATA_MISSING', async () => {
    await assert.rejects(loadModel(join(root, 'nothing-here')), (e: unknown) => isDeeplineError(e) && e.code === 'DL_DATA_MISSING');
  });
});
