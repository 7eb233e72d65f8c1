import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { buildModel } from '../../../src/models/build-model.ts';
import { timeSeriesFamily } from '../../../src/models/families/time-series-family.ts';
import { builtinSearchSpaces } from '../../../src/models/search-spaces/builtin-search-spaces.ts';
import { seriesCnnSearchSpace } from '../../../src/models/search-spaces/series-cnn-search-space.ts';
import { randomSampler } from '../../../src/search/samplers/random-sampler.ts';
import type { Params } from '../../../src/search/space.ts';
import { searchSpaceSchema } from '../../../src/search/space/search-space-schema.ts';
import { validateParams } from '../../../src/search/space/validate-params.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const HEAD = { units: 1, activation: 'linear' } as const;

function paramCount(shape: readonly number[], p: Params): number {
  const model = buildModel(seriesCnnSearchSpace.genomeFromParams(p), { inputShape: shape, head: HEAD, seed: 1, families, modality: 'series' });
  const n = model.countParams();
  model.dispose();
  return n;
}

describe('series-cnn search space', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('is the built-in space of the series-cnn family', () => {
    assert.equal(builtinSearchSpaces.get('series-cnn'), seriesCnnSearchSpace);
    assert.equal(seriesCnnSearchSpace.family, timeSeriesFamily.name);
  });

  it('window 30: draws from 60 seeds give genomes the family accepts and models that build with one output', () => {
    const shape = [30, 3];
    const space = seriesCnnSearchSpace.space(shape, 1);
    assert.ok(searchSpaceSchema.safeParse(space).success, 'the default space passes the task-file schema');
    const sampler = randomSampler.create({});
    const seen = { layers: new Set<number>(), kernels: new Set<number>(), dense: new Set<number>(), optimizers: new Set<string>() };
    for (let seed = 0; seed < 60; seed++) {
      const p = sampler.sample(space, [], createSeededRandom(seed));
      assert.deepEqual(validateParams(space, p), []);
      const genome = seriesCnnSearchSpace.genomeFromParams(p);
      const parsed = timeSeriesFamily.genomeSchema.safeParse(genome);
      assert.ok(parsed.success, `seed ${seed}: ${JSON.stringify(genome)} ${parsed.error?.message}`);
      const training = seriesCnnSearchSpace.trainingFromParams(p);
      assert.ok(training.learningRate >= 1e-4 && training.learningRate <= 1e-2 && Number.isInteger(training.epochs) && training.batchSize >= 16);
      assert.ok(training.weightDecay !== undefined && training.weightDecay >= 1e-5 && training.weightDecay <= 1e-1);
      const model = buildModel(genome, { inputShape: shape, head: HEAD, seed, families, modality: 'series' });
      assert.deepEqual(model.outputs[0].shape, [null, 1]);
      assert.equal(model.layers.filter((l) => l.getClassName() === 'Conv1D').length, genome.layers);
      model.dispose();
      seen.layers.add(genome.layers);
      seen.kernels.add(genome.kernelSize);
      seen.dense.add(genome.dense.length);
      seen.optimizers.add(training.optimizer ?? 'adam');
    }
    assert.deepEqual([...seen.layers].sort(), [1, 2, 3, 4]);
    assert.deepEqual([...seen.kernels].sort((a, b) => a - b), [2, 3, 5, 7, 14]);
    assert.deepEqual([...seen.dense].sort(), [0, 1, 2]);
    assert.deepEqual([...seen.optimizers].sort(), ['adam', 'rmsprop', 'sgd']);
  });

  it('offers only kernels that fit the window', () => {
    const kernels = (window: number) => seriesCnnSearchSpace.space([window, 1], 1).params.find((p) => p.name === 'kernelSize');
    assert.deepEqual(kernels(6), { name: 'kernelSize', kind: 'categorical', choices: [2, 3, 5] });
    assert.deepEqual(kernels(2), { name: 'kernelSize', kind: 'categorical', choices: [2] });
    assert.deepEqual(kernels(1), { name: 'kernelSize', kind: 'categorical', choices: [1] });
  });

  it('maps params onto the genome, and weights grow with filters, layers, kernel size and dense units', () => {
    const shape = [30, 2];
    const p: Params = { layers: 2, filters: 16, kernelSize: 3, denseDepth: 1, 'dense1.units': 32, dropout: 0.1, learningRate: 1e-3, batchSize: 32, epochs: 10, optimizer: 'sgd', weightDecay: 1e-3, schedule: 'constant' };
    assert.deepEqual(validateParams(seriesCnnSearchSpace.space(shape, 1), p), []);
    assert.deepEqual(seriesCnnSearchSpace.genomeFromParams(p), { family: 'series-cnn', filters: 16, kernelSize: 3, layers: 2, dense: [32], dropout: 0.1 });
    assert.deepEqual(seriesCnnSearchSpace.trainingFromParams(p), { learningRate: 1e-3, batchSize: 32, epochs: 10, optimizer: 'sgd', weightDecay: 1e-3, schedule: 'constant' });
    const n = paramCount(shape, p);
    // conv 3·2·16+16, conv 3·16·16+16, dense 30·16·32+32, head 32+1
    assert.equal(n, 3 * 2 * 16 + 16 + (3 * 16 * 16 + 16) + (30 * 16 * 32 + 32) + (32 + 1));
    assert.ok(paramCount(shape, { ...p, filters: 32 }) > n);
    assert.ok(paramCount(shape, { ...p, layers: 3 }) > n);
    assert.ok(paramCount(shape, { ...p, kernelSize: 7 }) > n);
    assert.ok(paramCount(shape, { ...p, 'dense1.units': 64 }) > n);
  });
});
