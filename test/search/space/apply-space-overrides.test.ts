import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeeplineError } from '../../../src/errors/index.ts';
import { applySpaceOverrides } from '../../../src/search/space/apply-space-overrides.ts';
import type { SearchSpace } from '../../../src/search/space.ts';

const space: SearchSpace = {
  params: [
    { name: 'depth', kind: 'int', low: 1, high: 3 },
    { name: 'block2.filters', kind: 'categorical', choices: [16, 32], condition: { parent: 'depth', values: [2, 3] } },
    { name: 'learningRate', kind: 'float', low: 1e-4, high: 1e-2, log: true },
    { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.1 },
    { name: 'optimizer', kind: 'categorical', choices: ['adam', 'sgd'] },
  ],
};

test('a value fixes a parameter, keeping its condition', () => {
  const out = applySpaceOverrides(space, { depth: 2, 'block2.filters': 32, optimizer: 'sgd' }, 'cnn');
  assert.deepEqual(out.params[0], { name: 'depth', kind: 'categorical', choices: [2] });
  assert.deepEqual(out.params[1], { name: 'block2.filters', kind: 'categorical', choices: [32], condition: { parent: 'depth', values: [2, 3] } });
  assert.deepEqual(out.params[4], { name: 'optimizer', kind: 'categorical', choices: ['sgd'] });
  assert.equal(out.params[2], space.params[2], 'untouched parameters are the same objects');
});

test('a range replaces low and high, keeping log unless given; choices replace choices', () => {
  const out = applySpaceOverrides(space, { learningRate: { low: 1e-3, high: 5e-3 }, dropout: { low: 0.1, high: 0.3 }, optimizer: { choices: ['adam'] } }, 'cnn');
  assert.deepEqual(out.params[2], { name: 'learningRate', kind: 'float', low: 1e-3, high: 5e-3, log: true });
  assert.deepEqual(out.params[3], { name: 'dropout', kind: 'float', low: 0.1, high: 0.3, log: false, step: 0.1 });
  assert.deepEqual(out.params[4], { name: 'optimizer', kind: 'categorical', choices: ['adam'] });
});

test('mistakes name search.space.<param> and say what would be right', () => {
  const fails = (overrides: Parameters<typeof applySpaceOverrides>[1], message: RegExp) =>
    assert.throws(
      () => applySpaceOverrides(space, overrides, 'cnn'),
      (e: unknown) => e instanceof DeeplineError && e.code === 'DL_TASK_FIELD' && message.test(e.message),
    );
  fails({ dept: 2 }, /^search\.space\.dept is not a parameter of the cnn search space \(did you mean `depth`\?\)/);
  fails({ optimizer: { low: 0, high: 1 } }, /^search\.space\.optimizer is a choice among \["adam","sgd"\], not a range/);
  fails({ depth: 'deep' }, /^search\.space\.depth must be a number for the int parameter `depth`/);
  fails({ depth: 1.5 }, /^search\.space\.depth must be an integer, but got 1\.5/);
  fails({ learningRate: { low: 0, high: 0.1 } }, /^search\.space\.learningRate low must be > 0 on a log scale, but got 0/);
  fails({ dropout: { low: 0.4, high: 0.2 } }, /^search\.space\.dropout high \(0\.2\) must be ≥ low \(0\.4\)/);
});
