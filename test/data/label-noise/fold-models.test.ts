import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitFoldStandardizer } from '../../../src/data/label-noise/fold-standardizer.ts';
import { softmaxRegression } from '../../../src/data/label-noise/softmax-regression.ts';
import { stratifiedFolds } from '../../../src/data/label-noise/stratified-folds.ts';
import { blobs } from '../../train/synthetic-data.ts';

describe('stratifiedFolds', () => {
  const labels = [...new Array(10).fill(0), ...new Array(7).fill(1), ...new Array(3).fill(2)];

  it('spreads each class and the total evenly, repeatably', () => {
    const folds = stratifiedFolds(labels, 5, 1);
    const sizes = new Array(5).fill(0);
    for (const f of folds) sizes[f]++;
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    for (const c of [0, 1, 2]) {
      const per = new Array(5).fill(0);
      labels.forEach((l, i) => l === c && per[folds[i]]++);
      assert.ok(Math.max(...per) - Math.min(...per) <= 1, `class ${c}: ${per}`);
    }
    assert.deepEqual(stratifiedFolds(labels, 5, 1), folds);
    assert.notDeepEqual(stratifiedFolds(labels, 5, 2), folds);
  });
});

describe('fitFoldStandardizer', () => {
  it('centres and scales each column by the fitted mean and std; constant columns become 0', () => {
    const standardizer = fitFoldStandardizer(Float32Array.from([1, 5, 3, 5]), 2, 2);
    assert.deepEqual(Array.from(standardizer.mean), [2, 5]);
    assert.deepEqual(Array.from(standardizer.scale), [1, 1]);
    assert.deepEqual(Array.from(standardizer.apply(Float32Array.from([1, 5, 3, 5, 5, 7]), 3)), [-1, 0, 1, 0, 3, 2]);
    assert.deepEqual(Array.from(fitFoldStandardizer(Float32Array.from([0, 4]), 2, 1).scale), [0.5]);
  });
});

describe('softmaxRegression', () => {
  it('learns separable classes and gives probability rows, repeatably, whatever the feature scales', async () => {
    const [train, held] = [blobs(300, 4, 3, 1), blobs(150, 4, 3, 2)];
    // One feature a thousand times larger: the per-fold standardisation must absorb it.
    for (const ds of [train, held]) for (let i = 0; i < ds.n; i++) ds.x[i * 4] *= 1000;
    const fold = { x: train.x, y: train.y, n: train.n, d: 4, k: 3 };
    const model = softmaxRegression();
    const p = await model.fitPredict(fold, held, { seed: 7 });
    assert.equal(p.length, held.n * 3);
    let correct = 0;
    for (let i = 0; i < held.n; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      if (row.indexOf(Math.max(...row)) === held.y[i]) correct++;
    }
    assert.ok(correct / held.n >= 0.95, `accuracy ${correct / held.n}`);
    assert.deepEqual(await model.fitPredict(fold, held, { seed: 7 }), p);
  });

  it('stops when aborted', async () => {
    const train = blobs(100, 4, 3, 1);
    await assert.rejects(
      softmaxRegression().fitPredict({ x: train.x, y: train.y, n: train.n, d: 4, k: 3 }, train, { seed: 1, signal: AbortSignal.abort() }),
      { name: 'AbortError' },
    );
  });
});
