import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../src/data/dataset.ts';
import { createCsvReader } from '../../src/data/readers/csv-reader.ts';
import { splitDataset, splitIndices, type SplitFractions } from '../../src/data/split.ts';
import { EXAMPLE_DATA } from './fixtures/example-data.ts';
import { expectDeeplineError } from './fixtures/expect-deepline-error.ts';

const FRACTIONS: SplitFractions = { train: 0.7, validation: 0.15, test: 0.15 };

function labelled(labels: number[], classes = 1 + Math.max(...labels)): Dataset {
  return {
    n: labels.length,
    featureShape: [1],
    x: Float32Array.from(labels, (_, i) => i),
    y: Float32Array.from(labels),
    target: { kind: 'class', name: 'y', classes: Array.from({ length: classes }, (_, k) => `c${k}`) },
    sourceRows: Int32Array.from(labels, (_, i) => i + 1),
  };
}

describe('splitDataset', () => {
  let digits: Dataset;
  before(async () => {
    digits = (await createCsvReader().read({ path: join(EXAMPLE_DATA, 'digits.csv'), format: 'csv', target: 'digit', taskKind: 'classification' })).dataset;
  });

  it('covers every example exactly once', () => {
    const { train, validation, test } = splitIndices(digits, { fractions: FRACTIONS, seed: 7 });
    const all = [...train, ...validation, ...test].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: digits.n }, (_, i) => i));
  });

  it('keeps each class within one example of its share in every split, and the totals on target', () => {
    const { train, validation, test, summary } = splitDataset(digits, { fractions: FRACTIONS, seed: 7 });
    assert.equal(summary.stratified, true);
    assert.deepEqual(summary.counts, { train: train.n, validation: validation.n, test: test.n });
    for (const [part, f] of [[train, 0.7], [validation, 0.15], [test, 0.15]] as const) {
      assert.ok(Math.abs(part.n - digits.n * f) <= 1, `split of ${part.n} for fraction ${f}`);
    }
    const total = new Array(10).fill(0);
    for (const v of digits.y) total[v]++;
    for (const row of summary.classCounts!) {
      const k = Number(row.class);
      assert.ok(Math.abs(row.train - total[k] * 0.7) <= 1, `class ${k} train ${row.train} of ${total[k]}`);
      assert.ok(Math.abs(row.validation - total[k] * 0.15) <= 1, `class ${k} validation ${row.validation}`);
      assert.ok(Math.abs(row.test - total[k] * 0.15) <= 1, `class ${k} test ${row.test}`);
      assert.equal(row.train + row.validation + row.test, total[k]);
    }
    // The rows carried along really belong to the split: trace a few back through sourceRows.
    for (let i = 0; i < 5; i++) assert.equal(validation.y[i], digits.y[validation.sourceRows![i] - 1]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = splitIndices(digits, { fractions: FRACTIONS, seed: 123 });
    const b = splitIndices(digits, { fractions: FRACTIONS, seed: 123 });
    const c = splitIndices(digits, { fractions: FRACTIONS, seed: 124 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.validation, c.validation);
  });

  it('shuffles within each split rather than grouping by class', () => {
    const { train } = splitDataset(digits, { fractions: FRACTIONS, seed: 1 });
    const firstFifty = new Set(train.y.subarray(0, 50));
    assert.ok(firstFifty.size >= 5, `only classes ${[...firstFifty]} in the first 50 training examples`);
  });

  it('puts every class in train, even a class with a single example', () => {
    const labels = [...new Array(30).fill(0), ...new Array(20).fill(1), 2, 3, 3];
    for (let seed = 0; seed < 20; seed++) {
      const { summary } = splitDataset(labelled(labels), { fractions: { train: 0.5, validation: 0.25, test: 0.25 }, seed });
      for (const row of summary.classCounts!) assert.ok(row.train >= 1, `class ${row.class} has no training example (seed ${seed})`);
      assert.equal(summary.classCounts![2].train, 1);
    }
  });

  it('cuts only train/validation, renormalised, when the test set is predefined', () => {
    const predefined = labelled([0, 1, 0, 1], 2);
    const ds = labelled(Array.from({ length: 100 }, (_, i) => i % 2), 2);
    const { train, validation, test, summary } = splitDataset(ds, { fractions: { train: 0.6, validation: 0.2, test: 0.2 }, seed: 3, predefinedTest: predefined });
    assert.equal(test, predefined);
    assert.equal(train.n, 75);
    assert.equal(validation.n, 25);
    assert.equal(summary.testSource, 'predefined');
    assert.ok(Math.abs(summary.fractions.train - 0.75) < 1e-12 && Math.abs(summary.fractions.validation - 0.25) < 1e-12);
    assert.equal(summary.fractions.test, 0);
  });

  it('splits a regression target at random with the right sizes', () => {
    const n = 101;
    const ds: Dataset = { n, featureShape: [1], x: new Float32Array(n), y: Float32Array.from({ length: n }, (_, i) => i * 0.5), target: { kind: 'numeric', name: 'y' } };
    const a = splitDataset(ds, { fractions: FRACTIONS, seed: 9 });
    assert.equal(a.summary.stratified, false);
    assert.equal(a.summary.classCounts, undefined);
    assert.deepEqual([a.train.n, a.validation.n, a.test.n], [71, 15, 15]);
    const values = [...a.train.y, ...a.validation.y, ...a.test.y].sort((p, q) => p - q);
    assert.deepEqual(values, [...ds.y]);
    assert.notDeepEqual([...a.test.y], [...ds.y.subarray(86)], 'the test split should not simply be the last rows');
  });

  it('rejects fractions that do not add up to 1, are negative or leave no training data', async () => {
    const ds = labelled([0, 1, 0, 1]);
    await expectDeeplineError(() => splitDataset(ds, { fractions: { train: 0.7, validation: 0.2, test: 0.2 }, seed: 1 }), 'DL_TASK_FIELD', /add up to 1/);
    await expectDeeplineError(() => splitDataset(ds, { fractions: { train: 1.2, validation: -0.2, test: 0 }, seed: 1 }), 'DL_TASK_FIELD', /split\.train must be a fraction/);
    await expectDeeplineError(() => splitDataset(ds, { fractions: { train: 0, validation: 0.5, test: 0.5 }, seed: 1 }), 'DL_TASK_FIELD', /split\.train must be > 0/);
  });
});
