import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../src/data/dataset.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { predict } from '../../src/models/predict.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { seriesGruFamily } from '../../src/models/families/series-gru-family.ts';
import { builtinSearchSpaces } from '../../src/models/search-spaces/builtin-search-spaces.ts';
import { seriesGruSearchSpace } from '../../src/models/search-spaces/series-gru-search-space.ts';
import { randomSampler } from '../../src/search/samplers/random-sampler.ts';
import { searchSpaceSchema } from '../../src/search/space/search-space-schema.ts';
import { validateParams } from '../../src/search/space/validate-params.ts';
import { fitModel } from '../../src/train/fit.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
const HEAD = { units: 1, activation: 'linear' } as const;

/** Windows of an AR(2) series x_t = 1.2·x_{t−1} − 0.6·x_{t−2} + ε, each labelled with the next value. */
function ar2Windows(n: number, window: number, seed: number): Dataset {
  const random = createSeededRandom(seed);
  const series = [0, 0];
  for (let t = 2; t < n + window + 50; t++) series.push(1.2 * series[t - 1] - 0.6 * series[t - 2] + (random.next() - 0.5));
  const values = series.slice(50);
  const x = new Float32Array(n * window);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(values.slice(i, i + window), i * window);
    y[i] = values[i + window];
  }
  return { n, featureShape: [window, 1], x, y, target: { kind: 'numeric', name: 'next' }, series: { window, horizon: 1 } };
}

const rmse = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('series-gru family', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('is registered for series data beside series-cnn, with its own search space', () => {
    assert.deepEqual(families.list('series').map((f) => f.name), ['series-cnn', 'series-gru']);
    assert.equal(builtinSearchSpaces.get('series-gru'), seriesGruSearchSpace);
  });

  it('samples genomes the family accepts, whose models build with one output; the default model is in the space', () => {
    const shape = [20, 2];
    const space = seriesGruSearchSpace.space(shape, 1);
    assert.ok(searchSpaceSchema.safeParse(space).success);
    const sampler = randomSampler.create({});
    const sizes = new Map<string, number>();
    for (let seed = 0; seed < 20; seed++) {
      const p = sampler.sample(space, [], createSeededRandom(seed));
      assert.deepEqual(validateParams(space, p), []);
      const genome = seriesGruSearchSpace.genomeFromParams(p);
      assert.ok(seriesGruFamily.genomeSchema.safeParse(genome).success, JSON.stringify(genome));
      const model = buildModel(genome, { inputShape: shape, head: HEAD, seed: 1, families, modality: 'series' });
      assert.deepEqual(model.outputs[0].shape, [null, 1]);
      sizes.set(`${genome.layers}x${genome.units}`, model.countParams());
      model.dispose();
    }
    assert.ok(sizes.size >= 4, 'draws vary layers and units');
    const defaults = seriesGruSearchSpace.defaultParams!(shape, 1, { learningRate: 1e-3, batchSize: 32, epochs: 20 });
    assert.deepEqual(validateParams(space, defaults), []);
    assert.deepEqual(seriesGruSearchSpace.genomeFromParams(defaults), seriesGruFamily.defaultGenome(shape, 1));
  });

  it('rejects input that is not [window, channels]', () => {
    assert.throws(() => buildModel({ family: 'series-gru', units: 8, layers: 1, dense: [], dropout: 0 }, { inputShape: [4, 4, 1], head: HEAD, seed: 1, families, modality: 'series' }), /\[window, channels\]/);
  });

  it('learns an AR(2) series better than the last-value forecast', async () => {
    const [train, validation] = [ar2Windows(400, 12, 1), ar2Windows(150, 12, 2)];
    const model = buildModel(seriesGruFamily.defaultGenome([12, 1], 1), { inputShape: [12, 1], head: HEAD, seed: 3, families, modality: 'series' });
    await fitModel(model, { train, validation, epochs: 25, batchSize: 32, learningRate: 0.01, patience: 25, seed: 3, schedule: 'cosine' });
    const predicted = (await predict(model, validation)).values;
    const naive = Array.from({ length: validation.n }, (_, i) => validation.x[i * 12 + 11]);
    const [modelRmse, naiveRmse] = [rmse(predicted, validation.y), rmse(naive, validation.y)];
    assert.ok(modelRmse < 0.8 * naiveRmse, `GRU rmse ${modelRmse.toFixed(4)} vs last value ${naiveRmse.toFixed(4)}`);
    model.dispose();
  });
});
