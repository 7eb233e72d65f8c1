import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { randomSampler } from '../../../src/search/samplers/random-sampler.ts';
import { samplerConformance } from '../../../src/testing/sampler-conformance.ts';

samplerConformance('random', () => randomSampler.create({}));

it('random: int draws are uniform over their values, end points included', () => {
  const sampler = randomSampler.create({});
  const rng = createSeededRandom(1);
  const counts = new Map<number, number>();
  const space = { params: [{ name: 'k', kind: 'int' as const, low: 1, high: 4 }] };
  for (let i = 0; i < 4000; i++) {
    const k = sampler.sample(space, [], rng).k as number;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4]);
  for (const c of counts.values()) assert.ok(c > 900 && c < 1100, `count ${c}`);
});
