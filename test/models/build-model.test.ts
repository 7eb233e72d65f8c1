import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome, MlpGenome } from '../../src/models/genome.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const softmax = (units: number) => ({ units, activation: 'softmax' as const });

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('buildModel', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('builds an MLP with the hand-counted number of parameters', () => {
    const genome: MlpGenome = { family: 'mlp', hidden: [8, 4], dropout: 0.2, batchNorm: false, activation: 'relu' };
    const model = buildModel(genome, { inputShape: [5], head: softmax(3), seed: 1, families });
    // 5*8+8 + 8*4+4 + 4*3+3
    assert.equal(model.countParams(), 99);
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    assert.equal(model.layers.filter((l) => l.getClassName() === 'Dropout').length, 2);
    model.dispose();
  });

  it('drops the dense bias under batch norm and counts its four vectors', () => {
    const genome: MlpGenome = { family: 'mlp', hidden: [8, 4], dropout: 0, batchNorm: true, activation: 'elu' };
    const model = buildModel(genome, { inputShape: [5], head: { units: 1, activation: 'linear' }, seed: 1, families });
    // 5*8 + 4*8 (bn) + 8*4 + 4*4 (bn) + 4*1+1
    assert.equal(model.countParams(), 40 + 32 + 32 + 16 + 5);
    assert.deepEqual(model.outputs[0].shape, [null, 1]);
    model.dispose();
  });

  it('builds a CNN whose shapes and parameter count follow the genome', () => {
    const genome: CnnGenome = {
      family: 'cnn',
      blocks: [
        { filters: 4, kernelSize: 3, pool: 'max', batchNorm: false },
        { filters: 8, kernelSize: 3, pool: 'avg', batchNorm: true },
      ],
      dense: [16],
      dropout: 0.25,
      globalPool: 'none',
    };
    const model = buildModel(genome, { inputShape: [8, 8, 1], head: softmax(10), seed: 1, families });
    // conv0 3*3*1*4+4, conv1 3*3*4*8 (no bias) + bn 4*8, flatten 2*2*8=32 → dense 32*16+16, head 16*10+10
    assert.equal(model.countParams(), 40 + 288 + 32 + 528 + 170);
    assert.deepEqual(model.getLayer('flatten').outputShape, [null, 32]);
    assert.deepEqual(model.outputs[0].shape, [null, 10]);
    const pooled = buildModel({ ...genome, globalPool: 'avg' }, { inputShape: [8, 8, 1], head: softmax(10), seed: 1, families });
    assert.equal(pooled.countParams(), 40 + 288 + 32 + (8 * 16 + 16) + 170);
    model.dispose();
    pooled.dispose();
  });

  it('accepts [h, w] images and skips pools that would go below one pixel', () => {
    const block = { filters: 2, kernelSize: 3, pool: 'max' as const, batchNorm: false };
    const genome: CnnGenome = { family: 'cnn', blocks: [block, block, block, block], dense: [], dropout: 0, globalPool: 'none' };
    const model = buildModel(genome, { inputShape: [4, 4], head: softmax(2), seed: 1, families });
    assert.equal(model.layers.filter((l) => l.getClassName() === 'MaxPooling2D').length, 2);
    assert.deepEqual(model.getLayer('flatten').outputShape, [null, 2]);
    const out = model.predict(tf.zeros([3, 4, 4])) as tf.Tensor;
    assert.deepEqual(out.shape, [3, 2]);
    tf.dispose([out]);
    model.dispose();
  });

  it('gives identical initial weights for the same seed and different ones for another', () => {
    const genome = families.get('image', 'cnn').defaultGenome([8, 8, 1], 10);
    const build = (seed: number) => buildModel(genome, { inputShape: [8, 8, 1], head: softmax(10), seed, families });
    const [a, b, c] = [build(5), build(5), build(6)];
    const [wa, wb, wc] = [weightsOf(a), weightsOf(b), weightsOf(c)];
    assert.equal(wa.length, wb.length);
    wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} differs for the same seed`));
    assert.notDeepEqual(wa[0], wc[0]);
    // Non-zero kernels prove the seed reached the initializer (a seed of 0 would mean Math.random).
    assert.ok(wa[0].some((v) => v !== 0));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('builds every default genome for typical shapes', () => {
    for (const [modality, shape] of [['tabular', [4]], ['tabular', [300]], ['image', [8, 8, 1]], ['image', [28, 28, 1]], ['image', [96, 96, 3]]] as const) {
      const family = families.list(modality)[0];
      const model = buildModel(family.defaultGenome(shape, 7), { inputShape: shape, head: softmax(7), seed: 3, families });
      assert.deepEqual(model.outputs[0].shape, [null, 7], `${modality} ${shape}`);
      model.dispose();
    }
  });

  it('rejects an invalid genome naming the field', () => {
    const bad = { family: 'mlp', hidden: [8], dropout: 1.5, batchNorm: false, activation: 'relu' };
    assert.throws(
      () => buildModel(bad, { inputShape: [4], head: softmax(2), seed: 1, families }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && e.message.startsWith('model.genome.dropout'),
    );
    assert.throws(
      () => buildModel({ family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu', extra: 1 }, { inputShape: [4], head: softmax(2), seed: 1, families }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD',
    );
    assert.throws(() => buildModel({ hidden: [] }, { inputShape: [4], head: softmax(2), seed: 1, families }), /"family"/);
  });

  it('refuses a CNN on tabular rows, listing the valid families', () => {
    const genome = families.get('image', 'cnn').defaultGenome([8, 8, 1], 2);
    assert.throws(
      () => buildModel(genome, { inputShape: [64], head: softmax(2), seed: 1, families }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && /unknown model family `cnn` for tabular data.*valid: mlp/.test(e.message),
    );
  });
});
