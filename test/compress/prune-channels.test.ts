import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { channelGraph } from '../../src/compress/pruning/channel-graph.ts';
import { channelImportance } from '../../src/compress/pruning/channel-importance.ts';
import { pruneChannels, weightSuffix } from '../../src/compress/pruning/prune-channels.ts';
import { selectChannels } from '../../src/compress/pruning/select-channels.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { CnnGenome, MlpGenome } from '../../src/models/genome.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { randomizeWeights } from '../../src/testing/random-weights.ts';

const families = await builtinFamilies();
const head = { units: 3, activation: 'softmax' as const };

/** Silences channel `c` of a producer: its kernel slice and bias, and the γ and β of the batch norm after it. */
function silence(model: tf.LayersModel, layerName: string, c: number, batchNorm?: string): void {
  const zeroLast = (layer: tf.layers.Layer, suffixes: string[]): void => {
    for (const w of layer.weights) {
      if (!suffixes.includes(weightSuffix(w.originalName))) continue;
      const values = w.read().dataSync().slice() as Float32Array;
      const channels = w.shape.at(-1)!;
      for (let i = c; i < values.length; i += channels) values[i] = 0;
      w.write(tf.tensor(values, w.shape as number[]));
    }
  };
  zeroLast(model.getLayer(layerName), ['kernel', 'pointwise_kernel', 'bias']);
  if (batchNorm) zeroLast(model.getLayer(batchNorm), ['gamma', 'beta']);
}

function input(shape: readonly number[], n: number): tf.Tensor {
  const rng = createSeededRandom(7);
  return tf.tensor(Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1), [n, ...shape]);
}

function maxDiff(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0]!);
}

/** Keeps every channel of every prunable space except `drop` (by space key). */
function keepAllBut(model: tf.LayersModel, drop: Readonly<Record<string, readonly number[]>>): Map<string, Int32Array> {
  return new Map(
    channelGraph(model)
      .spaces.filter((s) => !s.frozen)
      .map((s) => [s.key, Int32Array.from({ length: s.size }, (_, c) => c).filter((c) => !(drop[s.key] ?? []).includes(c))]),
  );
}

describe('structured pruning', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('finds the spaces of a CNN: a residual add joins its branch and shortcut, the head stays whole', () => {
    const genome: CnnGenome = {
      family: 'cnn',
      blocks: [
        { filters: 6, kernelSize: 3, pool: 'max', batchNorm: true },
        { kind: 'residual', filters: 6, kernelSize: 3, pool: 'none', batchNorm: true },
        { kind: 'separable', filters: 5, kernelSize: 3, pool: 'none', batchNorm: false },
      ],
      dense: [7],
      dropout: 0.1,
      globalPool: 'none',
    };
    const model = buildModel(genome, { inputShape: [8, 8], head, seed: 1, families });
    const spaces = channelGraph(model).spaces;
    const byKey = new Map(spaces.map((s) => [s.key, s]));
    assert.deepEqual([...byKey.keys()].sort(), ['conv_0+conv_1b', 'conv_1a', 'dense_0', 'head', 'sepconv_2']);
    assert.equal(byKey.get('head')!.frozen, true);
    assert.equal(byKey.get('conv_0+conv_1b')!.frozen, false);
    assert.deepEqual(byKey.get('conv_0+conv_1b')!.members.map((m) => m.name).sort(), ['bn_0', 'bn_1b']);
    // The dense layer reads the separable conv's channels through a Flatten of 4x4 positions.
    assert.deepEqual(byKey.get('sepconv_2')!.consumers.map((c) => [c.layer.name, c.positions]), [['dense_0', 16]]);
    model.dispose();
  });

  it('gives a smaller model with the same outputs when the pruned channels are silent', async () => {
    const genome: CnnGenome = {
      family: 'cnn',
      blocks: [
        { filters: 6, kernelSize: 3, pool: 'max', batchNorm: true },
        { kind: 'residual', filters: 6, kernelSize: 3, pool: 'none', batchNorm: true },
        { kind: 'separable', filters: 5, kernelSize: 3, pool: 'avg', batchNorm: false },
      ],
      dense: [7],
      dropout: 0.1,
      globalPool: 'none',
    };
    const model = buildModel(genome, { inputShape: [8, 8], head, seed: 1, families });
    randomizeWeights(model, 3);
    // Channel 2 of the residual space is silenced in both of its producers; channel 4 of the
    // separable conv and unit 1 of the dense layer are silenced too. Their ReLUs then give 0.
    silence(model, 'conv_0', 2, 'bn_0');
    silence(model, 'conv_1b', 2, 'bn_1b');
    silence(model, 'conv_1a', 0, 'bn_1a');
    silence(model, 'sepconv_2', 4);
    silence(model, 'dense_0', 1);
    const selection = keepAllBut(model, { 'conv_0+conv_1b': [2], conv_1a: [0], sepconv_2: [4], dense_0: [1] });
    const pruned = await pruneChannels(model, channelGraph(model), selection);
    const x = input([8, 8], 16);
    assert.ok(pruned.countParams() < model.countParams(), `${pruned.countParams()} parameters, from ${model.countParams()}`);
    assert.equal(pruned.getLayer('conv_0').getWeights()[0]!.shape[3], 5);
    assert.equal(pruned.getLayer('sepconv_2').getWeights()[1]!.shape[3], 4);
    // 2x2 positions after the pool, 4 channels each.
    assert.deepEqual(pruned.getLayer('dense_0').getWeights()[0]!.shape, [16, 6]);
    assert.ok(maxDiff(model, pruned, x) < 1e-5, `outputs differ by ${maxDiff(model, pruned, x)}`);
    // And pruning channels that are not silent changes the outputs: the test can fail.
    const live = await pruneChannels(model, channelGraph(model), keepAllBut(model, { conv_1a: [3] }));
    assert.ok(maxDiff(model, live, x) > 1e-3);
    tf.dispose(x);
    [model, pruned, live].forEach((m) => m.dispose());
  });

  it('prunes a sequential MLP with batch norm, and the L1 criterion ranks silent units last', async () => {
    const genome: MlpGenome = { family: 'mlp', hidden: [8, 6], dropout: 0.1, batchNorm: true, activation: 'relu' };
    const model = buildModel(genome, { inputShape: [5], head, seed: 2, families });
    randomizeWeights(model, 4);
    silence(model, 'dense_0', 3, 'bn_0');
    silence(model, 'dense_0', 5, 'bn_0');
    const graph = channelGraph(model);
    const scores = await channelImportance(model, graph, 'l1');
    const selection = selectChannels(
      graph.spaces.filter((s) => !s.frozen).map((s) => ({ key: s.key, original: s.size, scores: scores.get(s.key)! })),
      { fraction: 0.25, scope: 'layer' },
    );
    assert.deepEqual(Array.from(selection.get('dense_0')!), [0, 1, 2, 4, 6, 7]);
    const pruned = await pruneChannels(model, graph, new Map([['dense_0', selection.get('dense_0')!]]));
    const x = input([5], 32);
    assert.equal(pruned.countParams(), model.countParams() - 2 * (5 + 4 + 6));
    assert.ok(maxDiff(model, pruned, x) < 1e-5);
    tf.dispose(x);
    model.dispose();
    pruned.dispose();
  });

  it('selects per layer or globally, never below the floor', () => {
    const spaces = [
      { key: 'a', original: 10, scores: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) },
      { key: 'b', original: 4, scores: Float32Array.from([100, 0.1, 100, 100]) },
    ];
    const layer = selectChannels(spaces, { fraction: 0.5, scope: 'layer' });
    assert.deepEqual(Array.from(layer.get('a')!), [5, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(layer.get('b')!), [0, 2]);
    // Globally, scores are compared relative to their space's mean: b's 0.1 goes first, then a's weakest.
    const global = selectChannels(spaces, { fraction: 0.5, scope: 'global', minKeep: 0.3 });
    assert.equal(global.get('a')!.length + global.get('b')!.length, 7);
    assert.ok(!Array.from(global.get('b')!).includes(1));
    assert.ok(global.get('a')!.length >= 3);
  });
});
