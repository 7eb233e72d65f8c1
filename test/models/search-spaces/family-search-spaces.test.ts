import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { isDeeplineError } from '../../../src/errors/index.ts';
import { buildModel } from '../../../src/models/build-model.ts';
import type { Modality } from '../../../src/models/families/model-family.ts';
import { textConvFamily } from '../../../src/models/families/text-conv-family.ts';
import { textRnnFamily } from '../../../src/models/families/text-rnn-family.ts';
import type { GenomeBase } from '../../../src/models/genome.ts';
import { builtinSearchSpaces } from '../../../src/models/search-spaces/builtin-search-spaces.ts';
import { cnnSearchSpace } from '../../../src/models/search-spaces/cnn-search-space.ts';
import type { FamilySearchSpace } from '../../../src/models/search-spaces/family-search-space.ts';
import { mlpSearchSpace } from '../../../src/models/search-spaces/mlp-search-space.ts';
import { textConvSearchSpace } from '../../../src/models/search-spaces/text-conv-search-space.ts';
import { textPoolSearchSpace } from '../../../src/models/search-spaces/text-pool-search-space.ts';
import { textRnnSearchSpace } from '../../../src/models/search-spaces/text-rnn-search-space.ts';
import { randomSampler } from '../../../src/search/samplers/random-sampler.ts';
import type { Params } from '../../../src/search/space.ts';
import { searchSpaceSchema } from '../../../src/search/space/search-space-schema.ts';
import { validateParams } from '../../../src/search/space/validate-params.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
// Registered as a user's extension would be, which also proves they need nothing built in.
if (!families.has('text', 'text-conv')) families.register(textConvFamily);
if (!families.has('text', 'text-rnn')) families.register(textRnnFamily);

interface Case {
  readonly space: FamilySearchSpace<GenomeBase>;
  readonly modality: Modality;
  readonly shape: readonly number[];
  readonly outputs: number;
}

const cases: Case[] = [
  { space: mlpSearchSpace, modality: 'tabular', shape: [12], outputs: 3 },
  { space: cnnSearchSpace, modality: 'image', shape: [8, 8, 1], outputs: 10 },
  { space: cnnSearchSpace, modality: 'image', shape: [28, 28], outputs: 10 },
  { space: textPoolSearchSpace, modality: 'text', shape: [20], outputs: 4 },
  { space: textConvSearchSpace, modality: 'text', shape: [20], outputs: 4 },
  { space: textRnnSearchSpace, modality: 'text', shape: [20], outputs: 4 },
];

function build(c: Case, genome: GenomeBase): tf.LayersModel {
  return buildModel(genome, { inputShape: c.shape, head: { units: c.outputs, activation: 'softmax' }, seed: 1, families, modality: c.modality, vocabSize: 100 });
}

function params(c: Case, changes: Params, seed = 3): Params {
  const drawn = randomSampler.create({}).sample(c.space.space(c.shape, c.outputs), [], createSeededRandom(seed));
  return { ...drawn, ...changes };
}

function paramCount(c: Case, p: Params): number {
  const model = build(c, c.space.genomeFromParams(p));
  const n = model.countParams();
  model.dispose();
  return n;
}

describe('family search spaces', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  for (const c of cases) {
    it(`${c.space.family} [${c.shape.join(', ')}]: 50 random draws give valid genomes that build with the right output`, () => {
      const space = c.space.space(c.shape, c.outputs);
      assert.ok(searchSpaceSchema.safeParse(space).success, 'the default space passes the task-file schema');
      const family = families.get(c.modality, c.space.family);
      const sampler = randomSampler.create({});
      const rng = createSeededRandom(17);
      const depths = new Set<number>();
      for (let draw = 0; draw < 50; draw++) {
        const p = sampler.sample(space, [], rng);
        assert.deepEqual(validateParams(space, p), []);
        const genome = c.space.genomeFromParams(p);
        const parsed = family.genomeSchema.safeParse(genome);
        assert.ok(parsed.success, `draw ${draw}: ${JSON.stringify(genome)} ${parsed.error?.message}`);
        const training = c.space.trainingFromParams(p);
        assert.ok(training.learningRate >= 1e-4 && training.learningRate <= 1e-2 && Number.isInteger(training.epochs) && training.batchSize >= 16);
        const model = build(c, genome);
        assert.deepEqual(model.outputs[0].shape, [null, c.outputs]);
        model.dispose();
        const depth = p.depth ?? p.convDepth ?? p.denseDepth;
        if (typeof depth === 'number') depths.add(depth);
      }
      // 50 uniform draws of a depth with at most 5 values reach every value (miss chance < 1e-4).
      assert.ok(depths.size >= 3, `depths drawn: ${[...depths].join(', ')}`);
    });
  }

  it('mlp: the genome has as many hidden layers as `depth`, widths in order, and params grow with width and depth', () => {
    const c = cases[0];
    const base = params(c, { depth: 2, 'layer1.units': 32, 'layer2.units': 16, batchNorm: false }, 5);
    delete (base as Record<string, unknown>)['layer3.units'];
    delete (base as Record<string, unknown>)['layer4.units'];
    assert.deepEqual(mlpSearchSpace.genomeFromParams(base).hidden, [32, 16]);
    const n = paramCount(c, base);
    assert.equal(n, 12 * 32 + 32 + 32 * 16 + 16 + 16 * 3 + 3);
    assert.ok(paramCount(c, { ...base, 'layer1.units': 64 }) > n);
    assert.ok(paramCount(c, { ...base, depth: 3, 'layer3.units': 16 }) > n);
  });

  it('mlp: depth 0 is a linear model (no hidden layer, no layer params) and its parameters are the inputs times the outputs', () => {
    const c = cases[0];
    const space = mlpSearchSpace.space(c.shape, c.outputs);
    assert.deepEqual(space.params.find((p) => p.name === 'depth'), { name: 'depth', kind: 'int', low: 0, high: 4 });
    assert.deepEqual(space.params.find((p) => p.name === 'layer1.units')?.condition, { parent: 'depth', values: [1, 2, 3, 4] });
    const linear = params(c, { depth: 0, batchNorm: false }, 5);
    for (let i = 1; i <= 4; i++) delete (linear as Record<string, unknown>)[`layer${i}.units`];
    assert.deepEqual(validateParams(space, linear), []);
    assert.deepEqual(mlpSearchSpace.genomeFromParams(linear).hidden, []);
    assert.equal(paramCount(c, linear), 12 * 3 + 3);
    assert.notDeepEqual(validateParams(space, { ...linear, depth: 1 }), [], 'depth 1 needs layer1.units');
  });

  it('cnn: block params appear only while depth reaches them, and params grow with filters and depth', () => {
    const c = cases[2];
    const space = cnnSearchSpace.space(c.shape, c.outputs);
    // 28 px halves four times before the pools would go below one pixel.
    assert.deepEqual(space.params.find((p) => p.name === 'depth'), { name: 'depth', kind: 'int', low: 1, high: 4 });
    assert.deepEqual(space.params.find((p) => p.name === 'block3.filters')?.condition, { parent: 'depth', values: [3, 4] });
    const block = (i: number, filters: number) => ({ [`block${i}.kind`]: 'residual', [`block${i}.filters`]: filters, [`block${i}.kernelSize`]: 3, [`block${i}.pool`]: 'max', [`block${i}.batchNorm`]: true });
    const p: Params = { depth: 2, ...block(1, 16), ...block(2, 32), globalPool: 'avg', denseDepth: 1, 'dense1.units': 64, dropout: 0.1, learningRate: 1e-3, batchSize: 32, epochs: 5, optimizer: 'adam', weightDecay: 1e-4, schedule: 'cosine' };
    assert.deepEqual(validateParams(space, p), []);
    const genome = cnnSearchSpace.genomeFromParams(p);
    assert.deepEqual(genome.blocks.map((b) => [b.kind, b.filters]), [['residual', 16], ['residual', 32]]);
    assert.deepEqual(genome.dense, [64]);
    const n = paramCount(c, p);
    assert.ok(paramCount(c, { ...p, 'block2.filters': 64 }) > n);
    assert.ok(paramCount(c, { ...p, depth: 3, ...block(3, 32) }) > n);
    // A separable block has fewer weights than a residual one of the same width.
    assert.ok(paramCount(c, { ...p, 'block2.kind': 'separable' }) < n);
  });

  it('text spaces: params grow with embedding width, filters and units', () => {
    const [pool, conv, rnn] = cases.slice(3);
    const pp = params(pool, { embeddingDim: 16 });
    assert.ok(paramCount(pool, { ...pp, embeddingDim: 32 }) > paramCount(pool, pp));
    const cp = params(conv, { convDepth: 1, 'conv1.filters': 32 });
    delete (cp as Record<string, unknown>)['conv2.filters'];
    delete (cp as Record<string, unknown>)['conv3.filters'];
    assert.ok(paramCount(conv, { ...cp, 'conv1.filters': 64 }) > paramCount(conv, cp));
    assert.ok(paramCount(conv, { ...cp, convDepth: 2, 'conv2.filters': 32 }) > paramCount(conv, cp));
    const rp = params(rnn, { units: 16, cell: 'gru' });
    assert.ok(paramCount(rnn, { ...rp, units: 32 }) > paramCount(rnn, rp));
    assert.ok(paramCount(rnn, { ...rp, cell: 'lstm' }) > paramCount(rnn, rp));
  });

  it('lists one default space per built-in family, under the family it builds', () => {
    assert.deepEqual([...builtinSearchSpaces.keys()], ['mlp', 'cnn', 'text-pool', 'text-conv', 'text-rnn', 'series-cnn', 'series-gru']);
    for (const c of cases) assert.equal(builtinSearchSpaces.get(c.space.family), c.space);
  });

  it('names a missing or mistyped parameter with DL_TASK_FIELD', () => {
    const p = params(cases[0], { depth: 1 });
    const { dropout: _dropout, ...withoutDropout } = p;
    assert.throws(
      () => mlpSearchSpace.genomeFromParams(withoutDropout),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && e.message.includes('`dropout`'),
    );
    assert.throws(
      () => mlpSearchSpace.genomeFromParams({ ...p, activation: 'sigmoid' }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && /`activation`.*one of relu/.test(e.message),
    );
    assert.throws(() => mlpSearchSpace.trainingFromParams({ ...p, batchSize: 12.5 }), /`batchSize`.*an integer/);
  });
});
