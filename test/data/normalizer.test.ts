import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../src/data/dataset.ts';
import { applyTransform, fitTransform, inverseTarget, parseTransform, transformFeatures } from '../../src/data/normalizer.ts';
import { createCsvReader } from '../../src/data/readers/csv-reader.ts';
import { splitDataset } from '../../src/data/split.ts';
import { EXAMPLE_DATA } from './fixtures/example-data.ts';
import { expectDeeplineError } from './fixtures/expect-deepline-error.ts';

function tabular(rows: number[][], y: number[] = rows.map((_, i) => i % 2)): Dataset {
  return {
    n: rows.length,
    featureShape: [rows[0].length],
    x: Float32Array.from(rows.flat()),
    y: Float32Array.from(y),
    target: { kind: 'class', name: 'y', classes: ['a', 'b'] },
  };
}

function columnMeanStd(ds: Dataset, width: number, j: number): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  const count = ds.x.length / width;
  for (let i = j; i < ds.x.length; i += width) sum += ds.x[i];
  const mean = sum / count;
  for (let i = j; i < ds.x.length; i += width) sq += (ds.x[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / count) };
}

describe('normalizer', () => {
  it('standardises each tabular feature with known values; a constant column keeps std 1', () => {
    const t = fitTransform(tabular([[1, 10, 0], [3, 10, 4], [5, 10, 8]]));
    assert.equal(t.kind, 'tabular-standardize');
    if (t.kind !== 'tabular-standardize') return;
    assert.deepEqual(t.mean, [3, 10, 4]);
    assert.ok(Math.abs(t.std[0] - Math.sqrt(8 / 3)) < 1e-12);
    assert.equal(t.std[1], 1);
    const out = applyTransform(t, tabular([[3, 10, 4], [7, 11, 0]]));
    const s = Math.sqrt(8 / 3);
    const expected = [0, 0, 0, 4 / s, 1, -4 / (2 * s)];
    out.x.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `x[${i}] = ${v}, expected ${expected[i]}`));
  });

  describe('on digits', () => {
    let train: Dataset;
    let validation: Dataset;
    before(async () => {
      const { dataset } = await createCsvReader().read({
        path: join(EXAMPLE_DATA, 'digits.csv'),
        format: 'csv',
        target: 'digit',
        taskKind: 'classification',
        image: { width: 8, height: 8, channels: 1 },
      });
      ({ train, validation } = splitDataset(dataset, { fractions: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 5 }));
    });

    it('scales images by the training maximum, then gives the channel mean 0 and std 1', () => {
      const t = fitTransform(train);
      assert.equal(t.kind, 'image-standardize');
      if (t.kind !== 'image-standardize') return;
      assert.equal(t.scale, 16);
      assert.equal(t.mean.length, 1);
      const out = applyTransform(t, train);
      const { mean, std } = columnMeanStd(out, 1, 0);
      assert.ok(Math.abs(mean) < 1e-4 && Math.abs(std - 1) < 1e-4, `mean ${mean}, std ${std}`);
    });

    it('standardises every pixel column in tabular mode', () => {
      const t = fitTransform(train, { mode: 'tabular' });
      const out = applyTransform(t, train);
      for (const j of [10, 20, 36]) {
        const { mean, std } = columnMeanStd(out, 64, j);
        assert.ok(Math.abs(mean) < 1e-4 && Math.abs(std - 1) < 1e-3, `column ${j}: mean ${mean}, std ${std}`);
      }
    });

    it('depends on the training split only', () => {
      const before = JSON.stringify(fitTransform(train));
      const changed = { ...validation, x: validation.x.map((v) => v * 3 + 1) };
      applyTransform(fitTransform(train), changed);
      assert.equal(JSON.stringify(fitTransform(train)), before);
      assert.notEqual(JSON.stringify(fitTransform(validation)), before, 'fitting on other data must give other numbers');
    });

    it('gives identical tensors when applied twice, and after a JSON round trip (as serving does)', () => {
      const t = fitTransform(train);
      const once = applyTransform(t, validation);
      const twice = applyTransform(t, validation);
      assert.deepEqual(once.x, twice.x);
      const served = transformFeatures(parseTransform(JSON.parse(JSON.stringify(t))), validation.x);
      assert.deepEqual(served, once.x);
      assert.notDeepEqual(once.x, validation.x);
    });
  });

  it('standardises a regression target and maps it back with inverseTarget', () => {
    const y = [100, 150, 200, 250];
    const ds: Dataset = { ...tabular([[1], [2], [3], [5]]), y: Float32Array.from(y), target: { kind: 'numeric', name: 'v' } };
    const t = fitTransform(ds);
    assert.deepEqual(t.target, { mean: 175, std: Math.sqrt(3125) });
    const out = applyTransform(t, ds);
    assert.ok(Math.abs(out.y[0] + 75 / Math.sqrt(3125)) < 1e-6);
    const back = inverseTarget(t, out.y);
    back.forEach((v, i) => assert.ok(Math.abs(v - y[i]) < 1e-3, `${v} vs ${y[i]}`));
    assert.equal(fitTransform(ds, { scaleTarget: false }).target, undefined);
    assert.equal(fitTransform(tabular([[1], [2]])).target, undefined, 'class targets are never scaled');
  });

  it('rejects data of another shape, an empty train split and a transform of an unknown version', async () => {
    const t = fitTransform(tabular([[1, 2], [3, 4]]));
    await expectDeeplineError(() => applyTransform(t, tabular([[1, 2, 3]])), 'DL_DATA_FORMAT', /fitted on shape \[2\].*shape \[3\]/);
    await expectDeeplineError(() => fitTransform({ ...tabular([[1]]), n: 0, x: new Float32Array(0), y: new Float32Array(0) }), 'DL_DATA_VALUE', /empty training split/);
    await expectDeeplineError(() => parseTransform({ ...t, version: 99 }), 'DL_DATA_FORMAT', /version 99/);
    await expectDeeplineError(() => parseTransform({ ...t, mean: [1] }), 'DL_DATA_FORMAT', /mean\/std must be 2/);
  });
});
