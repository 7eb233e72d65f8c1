import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../src/data/dataset.ts';
import { createCsvReader } from '../../src/data/readers/csv-reader.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { groupSplitIndices, splitDataset, splitIndices, splitTable, tableSplitIndices, type SplitFractions } from '../../src/data/split.ts';
import type { Table } from '../../src/data/table.ts';
import { EXAMPLE_DATA } from './fixtures/example-data.ts';
import { expectDeeplineError } from './fixtures/expect-deepline-error.ts';
import { readSimpleCsv, tableFromRows } from './transform/make-table.ts';

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

/**
 * Rows of patients (groups of 1-12 visits) with a class mostly fixed per patient, a visit date,
 * and a few visits with no patient id.
 */
function visits(patients: number, seed: number): Table {
  const rng = createSeededRandom(seed);
  const rows: string[][] = [];
  for (let p = 0; p < patients; p++) {
    const size = 1 + rng.int(12);
    const cls = ['a', 'b', 'c'][rng.next() < 0.5 ? 0 : rng.next() < 0.6 ? 1 : 2];
    for (let v = 0; v < size; v++) {
      const day = new Date(Date.UTC(2020, 0, 1) + rng.int(900) * 86_400_000).toISOString().slice(0, 10);
      rows.push([rng.next() < 0.03 ? '' : `p${p}`, day, String(rng.next()), rng.next() < 0.9 ? cls : 'a']);
    }
  }
  rng.shuffle(rows);
  return tableFromRows(['patient', 'day', 'x', 'y'], rows, { patient: 'categorical', day: 'date', x: 'numeric', y: 'categorical' }, 'y');
}

function codesOf(table: Table, name: string, idx: Int32Array): Set<number> {
  const col = table.columns.find((c) => c.name === name)!;
  if (col.type !== 'categorical') throw new Error('not categorical');
  return new Set(Array.from(idx, (i) => col.codes[i]).filter((c) => c >= 0));
}

describe('splitTable', () => {
  it('stratifies a table by its class target like splitDataset, deterministically', async () => {
    const { header, rows } = await readSimpleCsv(join(EXAMPLE_DATA, 'iris.csv'));
    const types = Object.fromEntries(header.map((h) => [h, h === 'species' ? 'categorical' : 'numeric'] as const));
    const table = tableFromRows(header, rows, types, 'species');
    const a = splitTable(table, { fractions: FRACTIONS, seed: 5 });
    assert.equal(a.summary.strategy, 'stratified');
    for (const c of a.summary.classCounts!) {
      assert.equal(c.train, 35);
      assert.ok(Math.abs(c.validation - 7.5) <= 1 && Math.abs(c.test - 7.5) <= 1);
    }
    assert.equal(a.train.n, 105);
    assert.equal(a.train.n + a.validation.n + a.test.n, 150);
    assert.deepEqual(a.summary.classCounts?.map((c) => c.class), ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(a.validation.sourceRows, splitTable(table, { fractions: FRACTIONS, seed: 5 }).validation.sourceRows);
    assert.notDeepEqual(a.validation.sourceRows, splitTable(table, { fractions: FRACTIONS, seed: 6 }).validation.sourceRows);
  });

  it('group-aware: no group spans two splits, sizes and class shares stay close to target', () => {
    const table = visits(150, 3);
    for (const seed of [1, 2, 3]) {
      const { indices, strategy } = tableSplitIndices(table, { fractions: FRACTIONS, seed, group: 'patient' });
      assert.equal(strategy, 'stratified-group');
      const [tr, va, te] = [indices.train, indices.validation, indices.test].map((idx) => codesOf(table, 'patient', idx));
      for (const g of va) assert.ok(!tr.has(g) && !te.has(g), `patient ${g} in validation and another split (seed ${seed})`);
      for (const g of te) assert.ok(!tr.has(g), `patient ${g} in train and test (seed ${seed})`);
      const all = [...indices.train, ...indices.validation, ...indices.test].sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: table.n }, (_, i) => i));
      // Whole groups of up to 12 rows: each split within a couple of groups of its target.
      for (const [idx, f] of [[indices.train, 0.7], [indices.validation, 0.15], [indices.test, 0.15]] as const) {
        assert.ok(Math.abs(idx.length - table.n * f) <= 24, `${idx.length} rows for fraction ${f} of ${table.n}`);
      }
      const y = table.columns[3];
      if (y.type !== 'categorical') throw new Error('y');
      const share = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => y.codes[i] === c).length / idx.length;
      for (let c = 0; c < y.categories.length; c++) {
        const overall = share(Int32Array.from({ length: table.n }, (_, i) => i), c);
        for (const idx of [indices.train, indices.validation, indices.test]) assert.ok(Math.abs(share(idx, c) - overall) < 0.08, `class ${y.categories[c]}: ${share(idx, c).toFixed(3)} vs ${overall.toFixed(3)}`);
      }
    }
    const { summary } = splitTable(table, { fractions: FRACTIONS, seed: 9, group: 'patient' });
    const withId = codesOf(table, 'patient', Int32Array.from({ length: table.n }, (_, i) => i)).size;
    assert.ok(summary.group!.rowsWithoutGroup > 0);
    // Every patient is counted once, in one split.
    assert.equal(summary.group!.groups.train + summary.group!.groups.validation + summary.group!.groups.test, withId);
    const a = tableSplitIndices(table, { fractions: FRACTIONS, seed: 9, group: 'patient' }).indices;
    assert.deepEqual(a, tableSplitIndices(table, { fractions: FRACTIONS, seed: 9, group: 'patient' }).indices);
    assert.notDeepEqual(a.test, tableSplitIndices(table, { fractions: FRACTIONS, seed: 10, group: 'patient' }).indices.test);
  });

  it('group-aware with few groups still gives validation and test a group each', () => {
    const keys = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    const s = groupSplitIndices(keys, undefined, { fractions: FRACTIONS, seed: 1 });
    assert.deepEqual([s.train.length, s.validation.length, s.test.length].sort(), [2, 3, 5].sort());
    assert.ok(s.validation.length > 0 && s.test.length > 0);
    assert.deepEqual([...s.train].sort(), [0, 1, 2, 3, 4]);
  });

  it('time-ordered: train holds the earliest rows, then validation, then test', () => {
    const table = visits(80, 4);
    const { train, validation, test, summary } = splitTable(table, { fractions: FRACTIONS, seed: 1, time: 'day' });
    assert.equal(summary.strategy, 'time');
    assert.deepEqual([train.n, validation.n, test.n], [Math.round(table.n * 0.7), Math.round(table.n * 0.85) - Math.round(table.n * 0.7), table.n - Math.round(table.n * 0.85)]);
    const days = (t: Table) => {
      const c = t.columns[1];
      if (c.type !== 'date') throw new Error('day');
      return [...c.values];
    };
    assert.ok(Math.max(...days(train)) <= Math.min(...days(validation)));
    assert.ok(Math.max(...days(validation)) <= Math.min(...days(test)));
    assert.deepEqual(days(train), [...days(train)].sort((a, b) => a - b), 'each split keeps time order');
    assert.equal(summary.time?.ranges.train?.[0], new Date(Math.min(...days(train))).toISOString());
    assert.deepEqual(splitTable(table, { fractions: FRACTIONS, seed: 99, time: 'day' }).test.sourceRows, test.sourceRows, 'time order does not depend on the seed');
  });

  it('time-ordered by groups keeps groups whole and in order of their first row', () => {
    const table = visits(80, 5);
    const { indices, strategy } = tableSplitIndices(table, { fractions: FRACTIONS, seed: 1, time: 'day', group: 'patient' });
    assert.equal(strategy, 'group-time');
    const [tr, va, te] = [indices.train, indices.validation, indices.test].map((idx) => codesOf(table, 'patient', idx));
    for (const g of [...va, ...te]) assert.ok(!tr.has(g));
    for (const g of te) assert.ok(!va.has(g));
    const day = table.columns[1];
    if (day.type !== 'date') throw new Error('day');
    const firstOf = (idx: Int32Array) => Math.min(...Array.from(idx, (i) => day.values[i]));
    const startsOf = (groups: Set<number>, idx: Int32Array) => [...groups].map((g) => firstOf(Int32Array.from(Array.from(idx).filter((i) => (table.columns[0] as { codes: Int32Array }).codes[i] === g))));
    assert.ok(Math.max(...startsOf(tr, indices.train)) <= Math.min(...startsOf(va, indices.validation)));
    assert.ok(Math.max(...startsOf(va, indices.validation)) <= Math.min(...startsOf(te, indices.test)));
  });

  it('names a missing time value by row, and a misspelt column with a suggestion', async () => {
    const table = tableFromRows(['t', 'y'], [['2021-01-01', 'a'], ['', 'b'], ['2021-01-03', 'a']], { t: 'date', y: 'categorical' }, 'y');
    await expectDeeplineError(() => splitTable(table, { fractions: FRACTIONS, seed: 1, time: 't' }), 'DL_DATA_VALUE', /time column t has no usable time in 1 row\(s\) \(rows 2\)/);
    await expectDeeplineError(() => splitTable(table, { fractions: FRACTIONS, seed: 1, group: 'tt' }), 'DL_TASK_FIELD', /data\.group names the column tt.*did you mean t\?/);
  });
});
