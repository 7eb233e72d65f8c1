import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramImportances } from '../../../src/search/report/param-importance.ts';
import type { Params } from '../../../src/search/space.ts';
import { makeTrial } from './study-fixture.ts';

/** A small deterministic generator, so the noise params are spread but repeatable. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('the param that drives the error gets most of the importance', () => {
  const rand = lcg(7);
  const trials = Array.from({ length: 40 }, (_, i) => {
    const lr = 10 ** (-4 + 3 * rand());
    const units = [16, 32, 64, 128][Math.floor(rand() * 4)];
    const act = ['relu', 'tanh', 'gelu'][Math.floor(rand() * 3)];
    const dropout = rand() * 0.5;
    // Error depends on lr alone.
    return makeTrial(i, { params: { lr, units, act, dropout }, values: [Math.abs(Math.log10(lr) + 2.5) * 0.2, 1, 100] });
  });
  const result = paramImportances(trials);
  assert.deepEqual(result.map((r) => r.param).sort(), ['act', 'dropout', 'lr', 'units']);
  assert.equal(result[0].param, 'lr');
  assert.ok(result[0].importance >= 0.6, `lr importance ${result[0].importance}`);
  const sum = result.reduce((a, r) => a + r.importance, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`);
  for (let i = 1; i < result.length; i++) assert.ok(result[i - 1].importance >= result[i].importance, 'sorted descending');
});

test('a categorical driver is found too', () => {
  const rand = lcg(3);
  const trials = Array.from({ length: 24 }, (_, i) => {
    const opt = ['adam', 'sgd', 'rmsprop'][i % 3];
    return makeTrial(i, { params: { opt, lr: rand() }, values: [{ adam: 0.1, sgd: 0.5, rmsprop: 0.3 }[opt]! + rand() * 0.01, 1, 1] });
  });
  const [first] = paramImportances(trials);
  assert.equal(first.param, 'opt');
  assert.ok(first.importance >= 0.6, `opt importance ${first.importance}`);
});

test('zero variance in the error gives all zeros', () => {
  const trials = Array.from({ length: 6 }, (_, i) => makeTrial(i, { params: { lr: i / 10, act: i % 2 ? 'relu' : 'tanh' }, values: [0.25, 1, 1] }));
  const result = paramImportances(trials);
  assert.equal(result.length, 2);
  for (const r of result) assert.equal(r.importance, 0);
});

test('fewer than 2 usable trials gives []', () => {
  assert.deepEqual(paramImportances([]), []);
  assert.deepEqual(paramImportances([makeTrial(0, { values: [0.3, 1, 1] })]), []);
  assert.deepEqual(paramImportances([makeTrial(0, { values: [0.3, 1, 1] }), makeTrial(1, { state: 'failed' })]), []);
});

test('an inactive conditional param forms its own group', () => {
  // `dropout` exists only when `depth` is 3; those trials are the bad ones, and dropout's value is noise.
  const trials = Array.from({ length: 12 }, (_, i) => {
    const deep = i % 2 === 0;
    const params: Params = deep ? { depth: 3, dropout: (i % 4) / 10 } : { depth: 1 };
    return makeTrial(i, { params, values: [deep ? 0.6 : 0.2, 1, 1] });
  });
  const result = paramImportances(trials);
  const byName = Object.fromEntries(result.map((r) => [r.param, r.importance]));
  // Active vs inactive alone separates the errors, so dropout explains as much as depth.
  assert.ok(Math.abs(byName.depth - 0.5) < 1e-9, `depth ${byName.depth}`);
  assert.ok(Math.abs(byName.dropout - 0.5) < 1e-9, `dropout ${byName.dropout}`);
});

test('complete trials are preferred; pruned ones count only when fewer than 4 completed', () => {
  // Complete trials: error driven by `a`. Pruned trials: error driven by `b` (would dilute `a`).
  const complete = Array.from({ length: 6 }, (_, i) => makeTrial(i, { params: { a: i % 2 ? 'x' : 'y', b: 'same' }, values: [i % 2 ? 0.1 : 0.9, 1, 1] }));
  const pruned = Array.from({ length: 6 }, (_, i) => makeTrial(6 + i, { state: 'pruned', params: { a: 'x', b: i % 2 ? 'p' : 'q' }, values: [i % 2 ? 0.2 : 0.95, 1, 1] }));
  const withComplete = paramImportances([...complete, ...pruned]);
  assert.deepEqual(withComplete.map((r) => [r.param, r.importance]), [['a', 1], ['b', 0]]);
  const fallback = paramImportances([...complete.slice(0, 3), ...pruned]);
  const b = fallback.find((r) => r.param === 'b')!;
  assert.ok(b.importance > 0, 'pruned trials were used');
});
