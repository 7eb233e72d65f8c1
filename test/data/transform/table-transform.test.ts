import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subsetTable, type Column, type Table } from '../../../src/data/table.ts';
import { applyTableTransform } from '../../../src/data/transform/apply-table-transform.ts';
import { fitTableTransform } from '../../../src/data/transform/fit-table-transform.ts';
import { inverseTableTarget } from '../../../src/data/transform/inverse-table-target.ts';
import { parseTableTransform } from '../../../src/data/transform/table-transform.ts';
import { tokenize } from '../../../src/data/transform/tokenize.ts';
import { transformRecord } from '../../../src/data/transform/transform-record.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';

function table(columns: Column[], target = 'y'): Table {
  const n = columns[0].type === 'categorical' ? columns[0].codes.length : columns[0].values.length;
  return { n, columns, target, sourceRows: Int32Array.from({ length: n }, (_, i) => i + 1) };
}
const num = (name: string, values: number[]): Column => ({ name, type: 'numeric', values: Float64Array.from(values) });
const cat = (name: string, values: (string | null)[]): Column => {
  const categories = [...new Set(values.filter((v): v is string => v !== null))];
  return { name, type: 'categorical', codes: Int32Array.from(values, (v) => (v === null ? -1 : categories.indexOf(v))), categories };
};
const labels = (n: number): Column => cat('y', Array.from({ length: n }, (_, i) => (i % 2 ? 'b' : 'a')));
const row = (x: Float32Array, d: number, i: number): number[] => [...x.subarray(i * d, (i + 1) * d)];

describe('fitTableTransform / applyTableTransform', () => {
  it('numeric: median from the training rows only, a missing indicator, standardisation of the imputed column', () => {
    const full = table([num('x', [1, 2, NaN, 4, 100, 5000, NaN]), labels(7)]);
    const train = subsetTable(full, [0, 1, 2, 3, 4]);
    const t = fitTableTransform(train);
    const enc = t.columns[0];
    assert.equal(enc.kind, 'numeric');
    if (enc.kind !== 'numeric') return;
    // Observed training values 1, 2, 4, 100: the 5000 of a later row must not count.
    assert.equal(enc.fill, 3);
    const imputed = [1, 2, 3, 4, 100];
    const mean = imputed.reduce((a, b) => a + b) / 5;
    const std = Math.sqrt(imputed.reduce((a, v) => a + (v - mean) ** 2, 0) / 5);
    assert.ok(Math.abs(enc.mean - mean) < 1e-12 && Math.abs(enc.std - std) < 1e-12);
    assert.deepEqual(t.featureNames, ['x', 'x:missing']);
    const ds = applyTableTransform(t, full);
    assert.deepEqual(row(ds.x, 2, 1), [Math.fround((2 - mean) / std), 0]);
    assert.deepEqual(row(ds.x, 2, 6), [Math.fround((3 - mean) / std), 1]);
    assert.deepEqual(ds.featureShape, [2]);
    assert.deepEqual([...ds.y], [0, 1, 0, 1, 0, 1, 0]);
  });

  it('adds no indicator to a column complete in training, and imputes a gap that appears later', () => {
    const full = table([num('x', [2, 4, 6, NaN]), labels(4)]);
    const t = fitTableTransform(subsetTable(full, [0, 1, 2]));
    assert.deepEqual(t.featureNames, ['x']);
    const ds = applyTableTransform(t, full);
    assert.equal(ds.x[3], 0, 'the median 4 is the mean 4 here, so it standardises to 0');
  });

  it('booleans: 0/1 with the training mode for gaps; dates: UTC parts, hour only when times are present', () => {
    const thu = Date.UTC(2021, 2, 4, 10, 30);
    const t = fitTableTransform(
      table([
        { name: 'flag', type: 'boolean', values: Float64Array.from([1, 1, 0, NaN]) },
        { name: 'day', type: 'date', values: Float64Array.from([Date.UTC(2020, 0, 1), Date.UTC(2021, 5, 1), Date.UTC(2022, 0, 1), NaN]) },
        { name: 'when', type: 'date', values: Float64Array.from([thu, thu + 86_400_000, thu + 3_600_000, thu]) },
        labels(4),
      ]),
    );
    assert.deepEqual(t.featureNames, ['flag', 'flag:missing', 'day:year', 'day:month', 'day:dayOfWeek', 'day:missing', 'when:year', 'when:month', 'when:dayOfWeek', 'when:hour']);
    const out = transformRecord(t, { flag: null, day: '2021-06-01', when: '2021-03-04T10:30:00Z' });
    assert.deepEqual([...out.subarray(0, 2)], [1, 1]);
    const when = t.columns[2];
    assert.equal(when.kind, 'date');
    if (when.kind !== 'date') return;
    // Thursday 10:30 → day of week 4, hour 10.5; the training hours are 10.5, 10.5, 11.5, 10.5.
    const hourMean = (10.5 * 3 + 11.5) / 4;
    assert.ok(Math.abs(when.mean[3] - hourMean) < 1e-12);
    assert.equal(out[9], Math.fround((10.5 - hourMean) / when.std[3]));
    assert.equal(out[8], Math.fround((4 - when.mean[2]) / when.std[2]));
  });

  it('categories: one-hot of the most frequent, an other slot for the rest, unknown for unseen, the mode for gaps', () => {
    const values = ['c', 'a', 'a', 'b', 'a', 'b', 'c', 'd', 'a', 'b', 'a', null, 'zz-validation-only'];
    const full = table([cat('k', values), labels(values.length)]);
    const t = fitTableTransform(subsetTable(full, Array.from({ length: 12 }, (_, i) => i)), { maxCategoriesOneHot: 2 });
    const enc = t.columns[0];
    assert.ok(enc.kind === 'one-hot');
    if (enc.kind !== 'one-hot') return;
    assert.deepEqual(enc.categories, ['a', 'b']);
    assert.deepEqual(enc.rare, ['c', 'd'], 'c (2) before d (1); the category of a later row is not a training category');
    assert.deepEqual(t.featureNames, ['k=a', 'k=b', 'k:other', 'k:unknown', 'k:missing']);
    const ds = applyTableTransform(t, full);
    assert.deepEqual(row(ds.x, 5, 0), [0, 0, 1, 0, 0]);
    assert.deepEqual(row(ds.x, 5, 3), [0, 1, 0, 0, 0]);
    assert.deepEqual(row(ds.x, 5, 11), [1, 0, 0, 0, 1]);
    assert.deepEqual(row(ds.x, 5, 12), [0, 0, 0, 1, 0]);
    assert.deepEqual([...transformRecord(t, { k: ' b ' })], [0, 1, 0, 0, 0], 'served values are trimmed like CSV cells');
    assert.deepEqual([...transformRecord(t, { k: 42 })], [0, 0, 0, 1, 0]);
  });

  it('class targets: classes from training, sorted naturally; an unseen class names its rows', async () => {
    const y = ['10', '9', '10', '9', '2', '77'];
    const full = table([num('x', [1, 2, 3, 4, 5, 6]), cat('y', y)]);
    const t = fitTableTransform(subsetTable(full, [0, 1, 2, 3, 4]));
    assert.deepEqual(t.target, { kind: 'class', column: 'y', classes: ['2', '9', '10'] });
    assert.deepEqual([...applyTableTransform(t, subsetTable(full, [0, 1, 4])).y], [2, 1, 0]);
    const e = await expectDeeplineError(() => applyTableTransform(t, full), 'DL_DATA_TARGET', /row 6 \(class "77" not in training\)/);
    assert.match(e.hint ?? '', /2, 9, 10/);
    // A numeric label column read as classes.
    const numeric = fitTableTransform(table([num('x', [1, 2, 3]), num('y', [1, 0, 1])]), { targetKind: 'class' });
    assert.deepEqual(numeric.target, { kind: 'class', column: 'y', classes: ['0', '1'] });
    await expectDeeplineError(() => fitTableTransform(table([num('x', [1, 2]), cat('y', ['a', 'a'])])), 'DL_DATA_TARGET', /single class \(a\)/);
    await expectDeeplineError(() => fitTableTransform(table([num('x', [1, 2, 3]), cat('y', ['a', null, 'b'])])), 'DL_DATA_TARGET', /rows 2\)/);
  });

  it('numeric targets are standardised with training statistics and mapped back exactly', () => {
    const full = table([num('x', [1, 2, 3, 4]), num('y', [10, 20, 30, 1000])]);
    const t = fitTableTransform(subsetTable(full, [0, 1, 2]));
    assert.equal(t.target.kind, 'numeric');
    const ds = applyTableTransform(t, full);
    assert.equal(ds.target.kind, 'numeric');
    assert.ok(Math.abs(ds.y[1]) < 1e-7, 'the training mean 20 maps to 0');
    const back = inverseTableTarget(t, ds.y);
    for (const [i, v] of [10, 20, 30, 1000].entries()) assert.ok(Math.abs(back[i] - v) < 1e-3 * Math.max(1, v));
  });

  it('without imputation a gap is an error naming the column and row, in training and in serving', async () => {
    await expectDeeplineError(() => fitTableTransform(table([num('x', [1, NaN, 3]), labels(3)]), { impute: false }), 'DL_DATA_VALUE', /column x has 1 missing value.*rows 2\)/);
    const full = table([num('x', [1, 2, 3, NaN]), labels(4)]);
    const t = fitTableTransform(subsetTable(full, [0, 1, 2]), { impute: false });
    await expectDeeplineError(() => applyTableTransform(t, full), 'DL_DATA_VALUE', /row 4: column x has no value/);
    await expectDeeplineError(() => transformRecord(t, {}), 'DL_DATA_VALUE', /column x has no value/);
  });

  it('records free text, excluded and empty columns as ignored, with reasons', () => {
    const t = fitTableTransform(
      table([num('x', [1, 2]), { name: 'note', type: 'text', values: ['hi', null] }, num('empty', [NaN, NaN]), cat('patient', ['p1', 'p2']), labels(2)]),
      { exclude: { patient: 'the group column' } },
    );
    assert.deepEqual(t.featureNames, ['x']);
    assert.deepEqual(t.ignored.map((i) => i.column), ['note', 'empty', 'patient']);
    assert.equal(t.ignored[2].reason, 'the group column');
  });

  it('serving rejects values that do not fit their column, naming it', async () => {
    const t = fitTableTransform(table([num('x', [1, 2]), { name: 'f', type: 'boolean', values: Float64Array.from([0, 1]) }, labels(2)]));
    await expectDeeplineError(() => transformRecord(t, { x: '1,5', f: true }), 'DL_DATA_VALUE', /column x: expected a number, but got "1,5"/);
    await expectDeeplineError(() => transformRecord(t, { x: 1, f: 'maybe' }), 'DL_DATA_VALUE', /column f: expected true or false/);
    await expectDeeplineError(() => transformRecord(t, [1, 2] as unknown as Record<string, unknown>), 'DL_DATA_VALUE', /an array/);
    assert.deepEqual([...transformRecord(t, { x: 'NA', f: 'yes', y: 'ignored' })], [...transformRecord(t, { x: null, f: 1 })]);
  });

  it('text: a vocabulary of the most frequent training tokens, ids 0 pad and 1 unknown, cut to maxLen', () => {
    const texts = ['Goal! goal, GOAL', 'the goal of the team', 'a team', 'new words only here'];
    const full = table([{ name: 'text', type: 'text', values: texts }, labels(4)]);
    const t = fitTableTransform(subsetTable(full, [0, 1, 2]), { textColumn: 'text', vocabSize: 5, maxLen: 4 });
    const enc = t.columns[0];
    assert.ok(enc.kind === 'tokens');
    if (enc.kind !== 'tokens') return;
    // goal ×4, the ×2, team ×2 (ties in code-unit order), then a/of ×1: 5 ids keep 3 tokens.
    assert.deepEqual(enc.vocabulary, ['<pad>', '<oov>', 'goal', 'team', 'the']);
    const ds = applyTableTransform(t, full);
    assert.deepEqual(row(ds.x, 4, 0), [2, 2, 2, 0]);
    assert.deepEqual(row(ds.x, 4, 1), [4, 2, 1, 4], 'truncated to the first 4 tokens');
    assert.deepEqual(row(ds.x, 4, 3), [1, 1, 1, 1]);
    assert.deepEqual([...transformRecord(t, { text: null })], [0, 0, 0, 0]);
  });

  it('text: maxLen defaults to the 95th percentile of training lengths, within 8..512', () => {
    const texts = Array.from({ length: 40 }, (_, i) => 'w '.repeat(i < 38 ? 10 : 300));
    const t = fitTableTransform(table([{ name: 'text', type: 'text', values: texts }, labels(40)]), { textColumn: 'text' });
    assert.deepEqual(t.featureShape, [300]);
    const short = fitTableTransform(table([{ name: 'text', type: 'text', values: ['a b', 'c'] }, labels(2)]), { textColumn: 'text' });
    assert.deepEqual(short.featureShape, [8]);
  });
});

describe('transform helpers', () => {
  it('tokenize lower-cases and splits on anything but letters and digits, in any script', () => {
    assert.deepEqual(tokenize("Don't STOP-me now: 2x faster, Café ÜBER 東京!"), ['don', 't', 'stop', 'me', 'now', '2x', 'faster', 'café', 'über', '東京']);
    assert.deepEqual(tokenize('  ...  '), []);
  });

  it('parseTableTransform accepts a fitted transform and rejects a tampered one', async () => {
    const t = fitTableTransform(table([num('x', [1, 2]), cat('k', ['a', 'b']), labels(2)]));
    assert.deepEqual(parseTableTransform(JSON.parse(JSON.stringify(t))), t);
    const tampered = JSON.parse(JSON.stringify(t));
    tampered.columns[1].categories.push('c');
    await expectDeeplineError(() => parseTableTransform(tampered), 'DL_DATA_FORMAT', /column k declares 3 features but its encoding has 4/);
    await expectDeeplineError(() => parseTableTransform({ ...t, version: 99 }), 'DL_DATA_FORMAT', /version/);
  });
});
