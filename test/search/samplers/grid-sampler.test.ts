import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { gridSampler } from '../../../src/search/samplers/grid-sampler.ts';
import { gridValues } from '../../../src/search/samplers/grid-values.ts';
import type { TrialRecord } from '../../../src/search/samplers/sampler.ts';
import type { SearchSpace } from '../../../src/search/space.ts';
import { samplerConformance } from '../../../src/testing/sampler-conformance.ts';

samplerConformance('grid', () => gridSampler.create(gridSampler.optionsSchema.parse({ gridSize: 3 })));

it('grid: discretises floats (log geometrically) and keeps small int ranges whole', () => {
  assert.deepEqual(gridValues({ name: 'x', kind: 'float', low: 0, high: 1 }, 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(gridValues({ name: 'x', kind: 'float', low: 1e-4, high: 1, log: true }, 5), [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(gridValues({ name: 'x', kind: 'int', low: 2, high: 10, step: 2 }, 5), [2, 4, 6, 8, 10]);
  assert.deepEqual(gridValues({ name: 'x', kind: 'int', low: 0, high: 100 }, 3), [0, 50, 100]);
});

it('grid: visits every point of a conditional grid exactly once before repeating', () => {
  const space: SearchSpace = {
    params: [
      { name: 'opt', kind: 'categorical', choices: ['adam', 'sgd'] },
      { name: 'momentum', kind: 'float', low: 0, high: 0.9, condition: { parent: 'opt', values: ['sgd'] } },
      { name: 'depth', kind: 'int', low: 1, high: 2 },
    ],
  };
  // adam × 2 depths + sgd × 4 momenta × 2 depths: the inactive momentum must not multiply adam's points.
  const sampler = gridSampler.create({ gridSize: 4 });
  const rng = createSeededRandom(3);
  const history: TrialRecord[] = [];
  for (let i = 0; i < 10; i++) history.push({ id: i, params: sampler.sample(space, history, rng), state: i % 2 ? 'running' : 'complete', value: i });
  const keys = history.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(keys).size, 10);
  assert.equal(history.filter((t) => t.params.opt === 'adam').length, 2);
  assert.ok(history.filter((t) => t.params.opt === 'adam').every((t) => !('momentum' in t.params)));
  const eleventh = JSON.stringify(sampler.sample(space, history, rng));
  assert.ok(keys.includes(eleventh), 'an exhausted grid revisits a known point');
});
