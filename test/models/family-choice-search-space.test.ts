import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { FamilyRegistry } from '../../src/models/families/family-registry.ts';
import { builtinSearchSpaces } from '../../src/models/search-spaces/builtin-search-spaces.ts';
import { familyChoiceSearchSpace } from '../../src/models/search-spaces/family-choice-search-space.ts';
import { randomSampler } from '../../src/search/samplers/random-sampler.ts';
import { activeParams } from '../../src/search/space/active-params.ts';
import { validateParams } from '../../src/search/space/validate-params.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const TEXT = ['text-pool', 'text-conv', 'text-rnn'].map((n) => builtinSearchSpaces.get(n)!);

describe('familyChoiceSearchSpace: families of a modality as one categorical parameter', () => {
  let families: FamilyRegistry;
  before(async () => {
    await initEngine('cpu');
    families = await builtinFamilies();
  });

  it('puts `family` first, prefixes each family’s architecture and shares the training parameters', () => {
    const space = familyChoiceSearchSpace(TEXT).space([20], 3);
    assert.equal(space.params[0]!.name, 'family');
    assert.deepEqual((space.params[0] as { choices: readonly unknown[] }).choices, ['text-pool', 'text-conv', 'text-rnn']);
    const names = space.params.map((p) => p.name);
    assert.ok(names.includes('text-conv.kernelSize') && names.includes('text-rnn.cell') && names.includes('text-pool.pooling'), names.join(', '));
    assert.equal(names.filter((n) => n === 'learningRate').length, 1);
    assert.ok(!names.includes('kernelSize'));
  });

  it('only the chosen family’s parameters are active, and its params build that family’s model', () => {
    const choice = familyChoiceSearchSpace(TEXT);
    const space = choice.space([20], 3);
    const rng = createSeededRandom(3);
    const sampler = randomSampler.create({});
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const params = sampler.sample(space, [], rng);
      const family = String(params.family);
      seen.add(family);
      assert.deepEqual(validateParams(space, params), []);
      const active = activeParams(space, params);
      assert.ok(active.every((n) => n === 'family' || !n.includes('.') || n.startsWith(`${family}.`)), `${family}: ${active.join(', ')}`);
      const genome = choice.genomeFromParams(params) as { family: string };
      assert.equal(genome.family, family);
      assert.equal(choice.trainingFromParams(params).learningRate, params.learningRate);
      const model = buildModel(genome, { inputShape: [20], head: { units: 3, activation: 'softmax' }, seed: i, families, modality: 'text', vocabSize: 50 });
      assert.equal(model.outputs[0]!.shape.at(-1), 3);
      model.dispose();
    }
    assert.equal(seen.size, 3, `12 draws reached ${[...seen].join(', ')}`);
  });

  it('starts from the first named family that has a default model, inside the space', () => {
    const spaces = ['series-cnn', 'series-gru'].map((n) => builtinSearchSpaces.get(n)!);
    const choice = familyChoiceSearchSpace(spaces);
    const training = { learningRate: 1e-3, batchSize: 32, epochs: 20, schedule: 'cosine' as const };
    const params = choice.defaultParams!([14, 1], 1, training);
    assert.equal(params.family, 'series-gru');
    assert.deepEqual(validateParams(choice.space([14, 1], 1), params), []);
    assert.deepEqual(choice.genomeFromParams(params), spaces[1]!.genomeFromParams(spaces[1]!.defaultParams!([14, 1], 1, training)));
    assert.equal(familyChoiceSearchSpace(TEXT).defaultParams, undefined);
  });

  it('refuses params of a family it does not hold', () => {
    assert.throws(() => familyChoiceSearchSpace(TEXT).genomeFromParams({ family: 'cnn' }), (e: Error & { code?: string }) => e.code === 'DL_TASK_FIELD' && /text-pool, text-conv, text-rnn/.test(e.message));
  });
});
