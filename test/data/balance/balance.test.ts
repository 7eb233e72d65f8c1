import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceTraining } from '../../../src/data/balance/balance-training.ts';
import { classWeights } from '../../../src/data/balance/class-weights.ts';
import { isImbalanced } from '../../../src/data/balance/is-imbalanced.ts';
import { oversample } from '../../../src/data/balance/oversample.ts';
import type { Dataset } from '../../../src/data/dataset.ts';

function labelled(counts: number[]): Dataset {
  const y = counts.flatMap((c, k) => new Array<number>(c).fill(k));
  return {
    n: y.length,
    featureShape: [2],
    x: Float32Array.from({ length: 2 * y.length }, (_, i) => i),
    y: Float32Array.from(y),
    target: { kind: 'class', name: 'y', classes: counts.map((_, k) => `c${k}`) },
    sourceRows: Int32Array.from(y, (_, i) => i + 1),
  };
}

describe('balancing', () => {
  it('classWeights: inverse frequency with a mean of 1 over the training examples', () => {
    const y = labelled([80, 15, 5, 0]).y;
    const w = classWeights(y, 4);
    // n / (present classes · n_c) = 100 / (3 · n_c).
    assert.deepEqual(w.map((v) => +v.toFixed(6)), [+(100 / 240).toFixed(6), +(100 / 45).toFixed(6), +(100 / 15).toFixed(6), 1]);
    const mean = y.reduce((a, c) => a + w[c], 0) / y.length;
    assert.ok(Math.abs(mean - 1) < 1e-12);
    assert.ok(w[2] / w[0] === 16, 'a class 16 times rarer weighs 16 times more');
    assert.deepEqual(classWeights(labelled([10, 10]).y, 2), [1, 1]);
  });

  it('isImbalanced: largest / smallest present class above 1.5', () => {
    assert.equal(isImbalanced([50, 50, 34]), false);
    assert.equal(isImbalanced([60, 50, 39]), true);
    assert.equal(isImbalanced([30, 20, 0]), false, 'an empty class is not counted');
    assert.equal(isImbalanced([31, 20]), true);
    assert.equal(isImbalanced([90, 10], 10), false);
  });

  it('oversample tops every class up to the majority with copies of its own examples', () => {
    const ds = labelled([10, 3, 7]);
    const out = oversample(ds, 1);
    assert.equal(out.n, 30);
    const counts = [0, 0, 0];
    for (const v of out.y) counts[v]++;
    assert.deepEqual(counts, [10, 10, 10]);
    // The originals first, untouched; every copy is a whole example of its own class.
    assert.deepEqual(out.x.subarray(0, 40), ds.x);
    for (let i = 20; i < 30; i++) {
      const src = out.sourceRows![i] - 1;
      assert.equal(out.y[i], ds.y[src]);
      assert.deepEqual([...out.x.subarray(2 * i, 2 * i + 2)], [...ds.x.subarray(2 * src, 2 * src + 2)]);
    }
    // Class 1 (3 examples, 7 to add): two whole copies each, then one more of a single example.
    const copies = [0, 0, 0].map((_, j) => out.sourceRows!.filter((r) => r === 11 + j).length);
    assert.deepEqual(copies.sort(), [3, 3, 4]);
    assert.deepEqual(oversample(ds, 1), out, 'deterministic for a seed');
    assert.notDeepEqual([...oversample(ds, 2).sourceRows!], [...out.sourceRows!]);
  });

  it('balanceTraining: auto gives class weights only when imbalanced; oversample and none as asked', () => {
    const skewed = labelled([40, 10]);
    const auto = balanceTraining(skewed, 'auto', 3);
    assert.equal(auto.report.applied, 'class-weights');
    assert.deepEqual(auto.report.classWeights, [50 / 80, 50 / 20]);
    assert.equal(auto.train, skewed);
    const even = balanceTraining(labelled([20, 18]), 'auto', 3);
    assert.equal(even.report.applied, 'none');
    assert.equal(even.report.classWeights, undefined);
    const over = balanceTraining(skewed, 'oversample', 3);
    assert.equal(over.train.n, 80);
    assert.deepEqual(over.report.counts, [{ class: 'c0', before: 40, after: 40 }, { class: 'c1', before: 10, after: 40 }]);
    assert.equal(over.report.classWeights, undefined);
    assert.equal(balanceTraining(skewed, 'none', 3).report.applied, 'none');
    const regression: Dataset = { ...skewed, target: { kind: 'numeric', name: 'y' } };
    assert.equal(balanceTraining(regression, 'oversample', 3).train, regression);
  });
});
