import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/data/table.ts';
import { windowSplits } from '../../../src/data/windows/window-splits.ts';
import { unscaleTarget, targetScalerOf } from '../../../src/data/transform/target-scaler.ts';
import { parseTransform } from '../../../src/data/normalizer.ts';

/** A table of rows [start, end) of a series value = 3t + 1 with a time column and a covariate. */
function rows(start: number, end: number, values?: number[]): Table {
  const n = end - start;
  const column = (name: string, type: 'numeric' | 'date', f: (t: number) => number): Column => ({ name, type, values: Float64Array.from({ length: n }, (_, i) => f(start + i)) });
  return {
    n,
    target: 'value',
    columns: [
      column('day', 'date', (t) => Date.UTC(2024, 0, 1) + t * 86_400_000),
      values ? { name: 'value', type: 'numeric', values: Float64Array.from(values) } : column('value', 'numeric', (t) => 3 * t + 1),
      column('rain', 'numeric', (t) => t % 2),
      { name: 'city', type: 'categorical', codes: new Int32Array(n), categories: ['x'] },
    ],
    sourceRows: Int32Array.from({ length: n }, (_, i) => start + i + 1),
  };
}

describe('windowSplits', () => {
  const parts = { train: rows(0, 60), validation: rows(60, 80), test: rows(80, 100) };
  const out = windowSplits(parts, { window: 5, horizon: 2, time: 'day' });

  it('keeps every target in its own split and lets later splits look back', () => {
    // Train targets start once a window fits (step 6); validation and test take all their rows.
    assert.equal(out.train.n, 60 - 6);
    assert.equal(out.validation.n, 20);
    assert.equal(out.test.n, 20);
    assert.deepEqual([out.train.sourceRows![0], out.train.sourceRows!.at(-1)], [7, 60]);
    assert.deepEqual([out.validation.sourceRows![0], out.validation.sourceRows!.at(-1)], [61, 80]);
    assert.deepEqual([out.test.sourceRows![0], out.test.sourceRows!.at(-1)], [81, 100]);
  });

  it('uses the target and numeric covariates as channels, never the time or category columns', () => {
    assert.deepEqual(out.channels, ['value', 'rain']);
    assert.deepEqual(out.train.featureShape, [5, 2]);
    assert.equal(out.train.featureNames![0], 'value[t-6]');
    assert.equal(out.train.featureNames!.at(-1), 'rain[t-2]');
  });

  it('standardises with training statistics only, and the transform un-scales targets to the truth', () => {
    const transform = parseTransform(JSON.parse(JSON.stringify(out.transform)));
    const scaler = targetScalerOf(transform)!;
    // Training values 1, 4, …, 178: mean 89.5, population std 3·sqrt((60² - 1) / 12).
    assert.ok(Math.abs(scaler.mean - 89.5) < 1e-9);
    assert.ok(Math.abs(scaler.std - 3 * Math.sqrt((60 * 60 - 1) / 12)) < 1e-9);
    const truth = unscaleTarget(scaler, out.test.y);
    assert.ok(Math.abs(truth[0] - (3 * 80 + 1)) < 1e-3 && Math.abs(truth.at(-1)! - (3 * 99 + 1)) < 1e-3);
    // The last input of test example 0 is step 80 - 2 = 78, from the validation split.
    const lastValue = out.test.x[(5 - 1) * 2] * scaler.std + scaler.mean;
    assert.ok(Math.abs(lastValue - (3 * 78 + 1)) < 1e-3);
  });

  it('records the last-value baseline on validation and test in original units', () => {
    // value(t) - value(t - 2) = 6 everywhere on a line of slope 3.
    assert.deepEqual(out.naive.test, { n: 20, mae: 6, rmse: 6 });
    assert.equal(out.naive.validation.n, 20);
  });

  it('carries the last known value over missing ones', () => {
    const values = Array.from({ length: 30 }, (_, t) => t);
    values[0] = NaN;
    values[12] = NaN;
    const gappy = windowSplits({ train: rows(0, 30, values), validation: rows(30, 40), test: rows(40, 50) }, { window: 3, horizon: 1 });
    const scaler = targetScalerOf(gappy.transform)!;
    const train = unscaleTarget(scaler, gappy.train.y);
    // Target steps start at 3; step 12 repeats step 11.
    assert.ok(Math.abs(train[12 - 3] - 11) < 1e-4);
    assert.ok(Array.from(gappy.train.x).every(Number.isFinite));
  });

  it('says which split is too short for a window', () => {
    assert.throws(
      () => windowSplits({ train: rows(0, 4), validation: rows(4, 8), test: rows(8, 12) }, { window: 5, horizon: 1 }),
      (e: Error & { code?: string }) => e.code === 'DL_DATA_FORMAT' && /train split \(4 rows\) holds no window of 5 steps/.test(e.message),
    );
  });
});
