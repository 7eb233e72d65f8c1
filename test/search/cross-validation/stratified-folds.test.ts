import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stratifiedFolds } from '../../../src/search/cross-validation/stratified-folds.ts';
import { smallDataPlan, SMALL_DATA } from '../../../src/search/cross-validation/small-data-plan.ts';

describe('stratifiedFolds', () => {
  it('keeps each class in every fold in proportion (±1), and repeats for a seed', () => {
    // 50 of class 0, 30 of class 1, 7 of class 2, in blocks: an unshuffled deal would still balance, a shuffle within a class must not unbalance.
    const y = Float32Array.from([...Array(50).fill(0), ...Array(30).fill(1), ...Array(7).fill(2)]);
    const data = { n: y.length, y, target: { kind: 'class' as const, name: 'c', classes: ['a', 'b', 'c'] } };
    const folds = stratifiedFolds(data, 5, 7);
    for (let f = 0; f < 5; f++) {
      for (const [cls, total] of [[0, 50], [1, 30], [2, 7]] as const) {
        const count = Array.from(folds).filter((g, i) => g === f && y[i] === cls).length;
        assert.ok(Math.abs(count - total / 5) <= 1, `fold ${f} holds ${count} of class ${cls} (expected ${total / 5} ± 1)`);
      }
    }
    assert.deepEqual(stratifiedFolds(data, 5, 7), folds);
    assert.notDeepEqual(stratifiedFolds(data, 5, 8), folds);
  });

  it('spreads a numeric target over its range in every fold', () => {
    const y = Float32Array.from({ length: 100 }, (_, i) => i);
    const folds = stratifiedFolds({ n: 100, y, target: { kind: 'numeric', name: 'v' } }, 4, 3);
    for (let f = 0; f < 4; f++) {
      const values = Array.from(y).filter((_, i) => folds[i] === f);
      assert.equal(values.length, 25);
      // Each block of 4 sorted values gives one to each fold: its smallest is below 4, its largest above 95.
      assert.ok(Math.min(...values) < 4 && Math.max(...values) > 95, `fold ${f} spans [${Math.min(...values)}, ${Math.max(...values)}]`);
    }
  });
});

describe('smallDataPlan', () => {
  const plan = (examples: number, over: Partial<Parameters<typeof smallDataPlan>[0]> = {}) =>
    smallDataPlan({ examples, modality: 'tabular', crossValidation: 'auto', defaultBudget: true, attacked: false, ...over });

  it('cross-validates and takes a time budget below the threshold, and says so', () => {
    const p = plan(151);
    assert.equal(p.folds, SMALL_DATA.folds);
    assert.equal(p.searchMs, SMALL_DATA.searchMs);
    assert.match(p.reason!, /small data \(151 examples ≤ 2000\): 5-fold cross-validation/);
  });

  it('leaves large data, images, attacked training and an explicit budget alone', () => {
    assert.deepEqual([plan(5000).folds, plan(5000).searchMs, plan(5000).reason], [1, undefined, undefined]);
    assert.equal(plan(300, { modality: 'image' }).folds, 1);
    assert.equal(plan(300, { attacked: true }).folds, 1);
    assert.equal(plan(300, { defaultBudget: false }).searchMs, undefined);
    assert.equal(plan(300, { defaultBudget: false }).folds, 5);
  });

  it('takes an explicit fold count, never more than half the examples', () => {
    assert.equal(plan(5000, { crossValidation: 3 }).folds, 3);
    assert.equal(plan(300, { crossValidation: 1 }).folds, 1);
    assert.equal(plan(6, { crossValidation: 10 }).folds, 3);
  });
});
