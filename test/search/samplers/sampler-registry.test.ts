import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from '../../../src/extensions/registry.ts';
import type { SamplerEntry } from '../../../src/search/samplers/sampler.ts';
import { createSamplerRegistry, registerBuiltins } from '../../../src/search/samplers/sampler-registry.ts';

it('sampler registry: holds the built-ins, validates their options, rejects duplicates and suggests names', () => {
  const registry = createSamplerRegistry();
  assert.deepEqual(registry.keys(), ['random', 'grid', 'tpe']);
  const tpe = registry.get('tpe');
  assert.deepEqual(tpe.optionsSchema.parse({ nStartup: 5 }), {
    nStartup: 5,
    nCandidates: 24,
    gamma: 0.2,
    gammaCap: 25,
    priorWeight: 1,
    considerEndpoints: false,
    considerMagicClip: true,
    multivariate: true,
    bandwidth: 0.1,
    priorConfigWeight: 0.5,
  });
  assert.equal(tpe.optionsSchema.safeParse({ gamma: 2 }).success, false);
  assert.equal(tpe.optionsSchema.safeParse({ nStartups: 5 }).success, false);
  assert.equal(registry.get('grid').optionsSchema.safeParse({ gridSize: 0 }).success, false);
  assert.equal(tpe.create(tpe.optionsSchema.parse({})).name, 'tpe');
  assert.throws(() => registerBuiltins(registry), /already registered/);
  assert.throws(() => registry.get('tp', 'DL_TASK_FIELD'), /did you mean `tpe`/);
  const empty = new Registry<SamplerEntry>('sampler');
  registerBuiltins(empty);
  assert.equal(empty.keys().length, 3);
});
