import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argmaxRows } from '../../src/evaluate/argmax-rows.ts';
import { accuracy, confusionMatrix, macroF1, mae, perClassScores, r2, rmse } from '../../src/evaluate/metrics.ts';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} vs ${expected}`);

describe('classification metrics', () => {
  // Worked by hand: rows true 0,1,2; columns predicted.
  const yTrue = Int32Array.from([0, 0, 1, 1, 2, 2, 2]);
  const yPred = Int32Array.from([0, 1, 1, 1, 2, 0, 2]);

  it('counts the confusion matrix with true classes as rows', () => {
    assert.deepEqual(confusionMatrix(yTrue, yPred, 3), [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
  });

  it('computes accuracy, per-class scores and macro-F1', () => {
    close(accuracy(yTrue, yPred), 5 / 7, 'accuracy');
    const [c0, c1, c2] = perClassScores(confusionMatrix(yTrue, yPred, 3));
    close(c0.precision, 1 / 2, 'p0');
    close(c0.recall, 1 / 2, 'r0');
    close(c0.f1, 1 / 2, 'f0');
    close(c1.precision, 2 / 3, 'p1');
    close(c1.recall, 1, 'r1');
    close(c1.f1, 0.8, 'f1');
    close(c2.precision, 1, 'p2');
    close(c2.recall, 2 / 3, 'r2');
    close(c2.f1, 0.8, 'f2');
    assert.deepEqual([c0.support, c1.support, c2.support], [2, 2, 3]);
    close(macroF1(yTrue, yPred, 3), (0.5 + 0.8 + 0.8) / 3, 'macro-F1');
  });

  it('scores absent or never-predicted classes as 0, not NaN', () => {
    const scores = perClassScores(confusionMatrix([0, 0, 1], [0, 0, 0], 3));
    assert.deepEqual(scores[1], { precision: 0, recall: 0, f1: 0, support: 1 });
    assert.deepEqual(scores[2], { precision: 0, recall: 0, f1: 0, support: 0 });
    close(scores[0].precision, 2 / 3, 'p0');
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    assert.throws(() => accuracy([0, 1], [0]), RangeError);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), RangeError);
  });

  it('takes the first maximum per row', () => {
    assert.deepEqual(argmaxRows(Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 0, 1]), 3), Int32Array.from([1, 0, 2]));
  });
});

describe('regression metrics', () => {
  // Squared errors 0.25, 0.25, 0, 1; mean of yTrue 2.875, SS_tot 29.1875.
  const yTrue = Float64Array.from([3, -0.5, 2, 7]);
  const yPred = Float64Array.from([2.5, 0, 2, 8]);

  it('computes RMSE, MAE and R²', () => {
    close(rmse(yTrue, yPred), Math.sqrt(1.5 / 4), 'rmse');
    close(mae(yTrue, yPred), 2 / 4, 'mae');
    close(r2(yTrue, yPred), 1 - 1.5 / 29.1875, 'r2');
  });

  it('gives R² of 0 for predicting the mean and handles constant targets', () => {
    close(r2([1, 2, 3], [2, 2, 2]), 0, 'mean prediction');
    assert.equal(r2([4, 4], [4, 4]), 1);
    assert.equal(r2([4, 4], [4, 5]), 0);
  });
});
