import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SearchSpace } from '../../src/search/space.ts';
import { activeParams } from '../../src/search/space/active-params.ts';
import { searchSpaceSchema } from '../../src/search/space/search-space-schema.ts';
import { validateParams } from '../../src/search/space/validate-params.ts';

const space: SearchSpace = {
  params: [
    { name: 'depth', kind: 'int', low: 1, high: 4 },
    { name: 'blocks.2.filters', kind: 'int', low: 8, high: 64, step: 8, condition: { parent: 'depth', values: [3, 4] } },
    { name: 'blocks.2.pool', kind: 'categorical', choices: ['max', { kind: 'avg', size: 2 }], condition: { parent: 'blocks.2.filters', values: [64] } },
    { name: 'lr', kind: 'float', low: 1e-4, high: 1, log: true },
    { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.1 },
  ],
};

it('space: activeParams follows conditions down the tree', () => {
  assert.deepEqual(activeParams(space, { depth: 2 }), ['depth', 'lr', 'dropout']);
  assert.deepEqual(activeParams(space, { depth: 3, 'blocks.2.filters': 16 }), ['depth', 'blocks.2.filters', 'lr', 'dropout']);
  assert.deepEqual(activeParams(space, { depth: 4, 'blocks.2.filters': 64 }), ['depth', 'blocks.2.filters', 'blocks.2.pool', 'lr', 'dropout']);
  // A grandchild is inactive when its parent is, whatever the stale value says.
  assert.deepEqual(activeParams(space, { depth: 1, 'blocks.2.filters': 64 }), ['depth', 'lr', 'dropout']);
});

it('space: validateParams accepts valid params and names each problem', () => {
  assert.deepEqual(validateParams(space, { depth: 4, 'blocks.2.filters': 64, 'blocks.2.pool': { size: 2, kind: 'avg' }, lr: 0.01, dropout: 0.30000000000000004 }), []);
  const problems = validateParams(space, { depth: 2, 'blocks.2.filters': 16, lr: 2, dropout: 0.25, extra: 1 });
  assert.deepEqual(problems, [
    '`extra` is not in the search space',
    '`blocks.2.filters` is set but inactive (depth is 2)',
    '`lr` must be in [0.0001, 1], but got 2',
    '`dropout` must be 0 + k·0.1, but got 0.25',
  ]);
  assert.deepEqual(validateParams(space, { depth: 3.5, lr: 0.1, dropout: 0 }), ['`depth` must be an integer, but got 3.5']);
  assert.deepEqual(validateParams(space, { depth: 3, lr: 0.1, dropout: 0 }), ['`blocks.2.filters` is active but missing']);
  assert.deepEqual(validateParams(space, { depth: 1, 'blocks.2.filters': 64, 'blocks.2.pool': 'max', lr: 0.1, dropout: 0 }), [
    '`blocks.2.filters` is set but inactive (depth is 1)',
    '`blocks.2.pool` is set but inactive (blocks.2.filters is 64)',
  ]);
  assert.deepEqual(validateParams(space, { depth: 3, 'blocks.2.filters': 12, lr: '0.1', dropout: 0 }), [
    '`blocks.2.filters` must be 8 + k·8, but got 12',
    '`lr` must be a finite number, but got "0.1"',
  ]);
});

it('space: the task-file schema accepts a valid space and reports cross-field problems at their paths', () => {
  assert.deepEqual(searchSpaceSchema.parse(space), space);
  const bad = searchSpaceSchema.safeParse({
    params: [
      { name: 'lr', kind: 'float', low: 0, high: 1, log: true },
      { name: 'm', kind: 'float', low: 0, high: 1, condition: { parent: 'opt', values: ['sgd'] } },
      { name: 'opt', kind: 'categorical', choices: ['sgd'] },
      { name: 'lr', kind: 'int', low: 1.5, high: 1 },
      { name: 'x', kind: 'float', low: 0, high: 1, sptep: 1 },
    ],
  });
  assert.equal(bad.success, false);
  const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  assert.ok(issues.some((m) => m.startsWith('params.4') && /sptep/.test(m)), issues.join('\n'));
  const refined = searchSpaceSchema.safeParse({ params: [
    { name: 'lr', kind: 'float', low: 0, high: 1, log: true },
    { name: 'm', kind: 'float', low: 0, high: 1, condition: { parent: 'opt', values: ['sgd'] } },
    { name: 'opt', kind: 'categorical', choices: ['sgd'] },
    { name: 'lr', kind: 'int', low: 1.5, high: 1 },
  ] });
  assert.deepEqual(refined.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`), [
    'params.0.low: low must be > 0 for a log-scaled parameter, but got 0',
    'params.1.condition.parent: parent `opt` must be a parameter listed before `m`',
    'params.3.name: duplicate parameter name `lr`',
    'params.3.high: high must be ≥ low (1.5), but got 1',
    'params.3.low: low of an int parameter must be an integer, but got 1.5',
  ]);
});
