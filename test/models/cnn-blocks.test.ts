import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnBlock, CnnGenome } from '../../src/models/genome.ts';
import { fitModel } from '../../src/train/fit.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const head = { units: 2, activation: 'softmax' as const };
const block = (kind: CnnBlock['kind'], filters: number, batchNorm: boolean): CnnBlock => ({ kind, filters, kernelSize: 3, pool: 'none', batchNorm });
const genome = (blocks: CnnBlock[]): CnnGenome => ({ family: 'cnn', blocks, dense: [], dropout: 0, globalPool: 'avg' });

/** 8x8 images with a bright 3x3 patch in the left (class 0) or right (class 1) half, on noise. */
function patches(n: number, seed: number): Dataset {
  const rng = createSeededRandom(seed);
  const x = new Float32Array(n * 64);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 64; p++) x[i * 64 + p] = rng.next() * 0.5;
    y[i] = rng.int(2);
    const col = (y[i] === 0 ? 0 : 4) + rng.int(2);
    const row = rng.int(6);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) x[i * 64 + (row + r) * 8 + col + c] += 1;
  }
  return { n, featureShape: [8, 8, 1], x, y, target: { kind: 'class', name: 'side', classes: ['left', 'right'] } };
}

describe('cnn residual and separable blocks', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('adds the input itself to a residual block that keeps the channel count', () => {
    const model = buildModel(genome([block('residual', 4, false)]), { inputShape: [8, 8, 4], head, seed: 1, families });
    // two 3x3x4x4 convs with bias, no projection, head 4*2+2
    assert.equal(model.countParams(), 2 * (3 * 3 * 4 * 4 + 4) + 10);
    assert.equal(model.layers.some((l) => l.name === 'project_0'), false);
    assert.equal(model.getLayer('add_0').getClassName(), 'Add');
    model.dispose();
  });

  it('projects the shortcut with a 1x1 convolution when the channel count changes', () => {
    const model = buildModel(genome([block('residual', 4, true)]), { inputShape: [8, 8], head, seed: 1, families });
    // conv a 3*3*1*4 + bn 4*4, conv b 3*3*4*4 + bn 4*4, projection 1*1*1*4, head 10
    assert.equal(model.countParams(), 36 + 16 + 144 + 16 + 4 + 10);
    assert.deepEqual(model.getLayer('project_0').outputShape, [null, 8, 8, 4]);
    model.dispose();
  });

  it('counts a depthwise-separable block as depthwise + pointwise weights', () => {
    const model = buildModel(genome([block('separable', 8, false)]), { inputShape: [8, 8, 3], head, seed: 1, families });
    // depthwise 3*3*3, pointwise 3*8, bias 8, head 8*2+2
    assert.equal(model.countParams(), 27 + 24 + 8 + 18);
    assert.equal(model.getLayer('sepconv_0').getClassName(), 'SeparableConv2D');
    model.dispose();
  });

  it('keeps a genome without block kinds valid and identical to explicit conv blocks', () => {
    const old = families.get('image', 'cnn').defaultGenome([8, 8, 1], 10) as CnnGenome;
    assert.equal(old.blocks[0].kind, undefined);
    const explicit: CnnGenome = { ...old, blocks: old.blocks.map((b) => ({ ...b, kind: 'conv' })) };
    const [a, b] = [old, explicit].map((g) => buildModel(g, { inputShape: [8, 8, 1], head: { units: 10, activation: 'softmax' }, seed: 4, families }));
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(wa, b.getWeights().map((w) => Array.from(w.dataSync())));
    assert.equal(a.countParams(), 13_850);
    a.dispose();
    b.dispose();
  });

  it('trains a residual + separable network on the wasm backend to > 0.9 validation accuracy', async () => {
    assert.equal(tf.getBackend(), 'wasm');
    const g: CnnGenome = {
      family: 'cnn',
      blocks: [{ ...block('residual', 8, true), pool: 'max' }, { ...block('separable', 16, true), pool: 'max' }],
      dense: [16],
      dropout: 0.1,
      globalPool: 'max',
    };
    const model = buildModel(g, { inputShape: [8, 8, 1], head, seed: 2, families });
    const started = performance.now();
    const result = await fitModel(model, { train: patches(256, 1), validation: patches(128, 2), epochs: 8, batchSize: 32, learningRate: 0.01, patience: 8, seed: 3 });
    const steps = result.history.length * 8;
    console.log(`residual+separable: val accuracy ${result.history.at(-1)?.valMetric.toFixed(3)}, ${((performance.now() - started) / steps).toFixed(1)} ms per step of 32 8x8 images`);
    assert.ok(result.history[0].loss > result.history.at(-1)!.loss, 'training loss fell');
    assert.ok(Math.max(...result.history.map((h) => h.valMetric)) > 0.9, JSON.stringify(result.history.map((h) => h.valMetric)));
    model.dispose();
  });
});
