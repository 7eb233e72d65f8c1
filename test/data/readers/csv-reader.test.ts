import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCsvReader } from '../../../src/data/readers/csv-reader.ts';
import type { DataSource } from '../../../src/data/readers/data-reader.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const csv = createCsvReader('csv');
const classification = (path: string, target: string, extra: Partial<DataSource> = {}): DataSource => ({
  path,
  format: 'csv',
  target,
  taskKind: 'classification',
  ...extra,
});

/** Reads a small CSV written into a temp folder; `target` defaults to the column `y`. */
async function readText(text: string, extra: Partial<DataSource> = {}, name = 'data.csv') {
  return withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return { path, result: await csv.read(classification(path, 'y', extra)) };
  });
}

async function expectTextError(text: string, code: Parameters<typeof expectDeeplineError>[1], ...patterns: RegExp[]) {
  return withTempDir(async (dir) => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, text);
    const error = await expectDeeplineError(csv.read(classification(path, 'y')), code, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), ...patterns);
    assert.equal(error.location?.file, path);
    return error;
  });
}

describe('csv reader on real data', { timeout: 20_000 }, () => {
  it('reads digits.csv: 1,797 rows, 64 features, classes 0..9 in numeric order', async () => {
    const path = join(EXAMPLE_DATA, 'digits.csv');
    const { dataset, warnings } = await csv.read(classification(path, 'digit'));
    assert.equal(dataset.n, 1797);
    assert.deepEqual(dataset.featureShape, [64]);
    assert.deepEqual(dataset.target, { kind: 'class', name: 'digit', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    assert.equal(dataset.featureNames?.[63], 'px63');
    assert.deepEqual(warnings, []);
    // Row 1 must be exactly the file's second line, parsed independently here.
    const firstRow = (await readFile(path, 'utf8')).split('\n')[1].split(',').map(Number);
    assert.deepEqual([...dataset.x.subarray(0, 64)], firstRow.slice(0, 64));
    assert.equal(dataset.y[0], firstRow[64]);
    assert.equal(dataset.sourceRows?.[1796], 1797);
    const counts = new Array(10).fill(0);
    for (const v of dataset.y) counts[v]++;
    assert.ok(counts.every((c) => c >= 170 && c <= 190), `class counts ${counts}`);
  });

  it('reshapes the pixel columns of digits.csv into [8, 8, 1] when data.image is given', async () => {
    const path = join(EXAMPLE_DATA, 'digits.csv');
    const flat = await csv.read(classification(path, 'digit'));
    const image = await csv.read(classification(path, 'digit', { image: { width: 8, height: 8, channels: 1 } }));
    assert.deepEqual(image.dataset.featureShape, [8, 8, 1]);
    assert.deepEqual(image.dataset.x, flat.dataset.x);
  });

  it('maps the string labels of iris.csv to sorted class indices', async () => {
    const { dataset } = await csv.read(classification(join(EXAMPLE_DATA, 'iris.csv'), 'species'));
    assert.equal(dataset.n, 150);
    assert.deepEqual(dataset.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    assert.deepEqual(dataset.target.kind === 'class' && dataset.target.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(dataset.y[0], 0);
    assert.equal(dataset.y[149], 2);
    assert.equal(dataset.y.filter((v) => v === 1).length, 50);
    assert.ok(Math.abs(dataset.x[0] - 5.1) < 1e-6);
  });

  it('reads diabetes.csv as a regression with a numeric target', async () => {
    const { dataset } = await csv.read({ path: join(EXAMPLE_DATA, 'diabetes.csv'), format: 'csv', target: 'progression', taskKind: 'regression' });
    assert.equal(dataset.n, 442);
    assert.deepEqual(dataset.featureShape, [10]);
    assert.deepEqual(dataset.target, { kind: 'numeric', name: 'progression' });
    assert.deepEqual([...dataset.y.subarray(0, 3)], [151, 75, 141]);
    assert.ok(Math.abs(dataset.x[8] - 4.8598) < 1e-5);
  });
});

describe('csv reader details', () => {
  it('sorts numeric labels by value and other labels naturally', async () => {
    const numeric = await readText('a,y\n1,10\n2,2\n3,1\n4,-1\n');
    assert.deepEqual(numeric.result.dataset.target.kind === 'class' && numeric.result.dataset.target.classes, ['-1', '1', '2', '10']);
    assert.deepEqual([...numeric.result.dataset.y], [3, 2, 1, 0]);
    const named = await readText('a,y\n1,img10\n2,img2\n3,img1\n');
    assert.deepEqual(named.result.dataset.target.kind === 'class' && named.result.dataset.target.classes, ['img1', 'img2', 'img10']);
  });

  it('keeps the class order of data.classes', async () => {
    const { result } = await readText('a,y\n1,cat\n2,dog\n3,cat\n', { classes: ['dog', 'cat', 'bird'] });
    assert.deepEqual([...result.dataset.y], [1, 0, 1]);
    assert.ok(result.warnings.some((w) => /`bird`.*no examples/.test(w)), result.warnings.join('\n'));
  });

  it('reads TSV, strips a BOM and blank lines, and honours data.limit', async () => {
    const tsv = createCsvReader('tsv');
    await withTempDir(async (dir) => {
      const path = join(dir, 'data.tsv');
      await writeFile(path, '\ufeffa\tb\ty\n1\t2\tx\n\n3\t4\tz\n5\t6\tx\n');
      const all = await tsv.read({ path, format: 'tsv', target: 'y', taskKind: 'classification' });
      assert.equal(all.dataset.n, 3);
      assert.deepEqual([...all.dataset.x], [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(all.dataset.featureNames, ['a', 'b']);
      const two = await tsv.read({ path, format: 'tsv', target: 'y', taskKind: 'classification', limit: 2 });
      assert.equal(two.dataset.n, 2);
      assert.ok(two.warnings.some((w) => /first 2 rows/.test(w)));
    });
  });

  it('reports progress in bytes up to the file size', async () => {
    const path = join(EXAMPLE_DATA, 'iris.csv');
    const seen: Array<{ done: number; total: number }> = [];
    await csv.read(classification(path, 'species'), { onProgress: (p) => seen.push(p) });
    const size = (await readFile(path)).length;
    assert.deepEqual(seen.at(-1), { done: size, total: size, unit: 'byte' });
  });
});

describe('csv reader errors', () => {
  it('a missing file is DL_DATA_MISSING naming it', async () => {
    await expectDeeplineError(csv.read(classification('/nonexistent/x.csv', 'y')), 'DL_DATA_MISSING', /\/nonexistent\/x\.csv/);
  });

  it('a ragged row is DL_DATA_FORMAT with data row, physical line and field counts', async () => {
    const error = await expectTextError('a,b,y\n1,2,p\n3,4,q\n\n5,6\n', 'DL_DATA_FORMAT', /row 3 \(line 5\) has 2 fields, expected 3/);
    assert.equal(error.location?.row, 3);
    assert.equal(error.location?.line, 5);
  });

  it('counts a quoted multi-line value as one row but several lines', async () => {
    await expectTextError('a,b,y\n1,2,"p\nq"\n3,4,q,9\n', 'DL_DATA_FORMAT', /row 2 \(line 4\) has 4 fields, expected 3/);
  });

  it('a non-numeric feature is DL_DATA_VALUE naming row, column and value', async () => {
    const error = await expectTextError('a,b,y\n1,2,p\n3,abc,q\n', 'DL_DATA_VALUE', /row 2 \(line 3\), column "b": "abc" is not a number/);
    assert.deepEqual([error.location?.row, error.location?.field], [2, 'b']);
  });

  it('rejects hexadecimal and infinite values that Number() would accept', async () => {
    await expectTextError('a,y\n0x10,p\n1,q\n', 'DL_DATA_VALUE', /"0x10" is not a number/);
    await expectTextError('a,y\nInfinity,p\n1,q\n', 'DL_DATA_VALUE', /"Infinity" is not a number/);
  });

  it('an empty cell is DL_DATA_VALUE', async () => {
    await expectTextError('a,b,y\n1,,p\n3,4,q\n', 'DL_DATA_VALUE', /row 1 \(line 2\), column "b" is empty/);
  });

  it('a missing target column is DL_DATA_TARGET listing the columns and suggesting the closest', async () => {
    const error = await expectDeeplineError(
      csv.read(classification(join(EXAMPLE_DATA, 'iris.csv'), 'specis')),
      'DL_DATA_TARGET',
      /no column "specis"/,
      /sepal_length, sepal_width, petal_length, petal_width, species/,
    );
    assert.match(error.hint ?? '', /did you mean "species"/);
  });

  it('a single class is DL_DATA_TARGET naming it', async () => {
    await expectTextError('a,y\n1,only\n2,only\n', 'DL_DATA_TARGET', /only one class `only`/);
  });

  it('a label outside data.classes is DL_DATA_TARGET naming the row', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'a,y\n1,cat\n2,cow\n');
      await expectDeeplineError(csv.read(classification(path, 'y', { classes: ['cat', 'dog'] })), 'DL_DATA_TARGET', /row 2.*"cow" is not in data\.classes/);
    });
  });

  it('a non-numeric regression target is DL_DATA_VALUE', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'd.csv');
      await writeFile(path, 'a,y\n1,2.5\n2,high\n');
      await expectDeeplineError(csv.read({ path, format: 'csv', target: 'y', taskKind: 'regression' }), 'DL_DATA_VALUE', /row 2 \(line 3\), column "y": "high"/);
    });
  });

  it('an empty or header-only file is DL_DATA_FORMAT', async () => {
    await expectTextError('', 'DL_DATA_FORMAT', /is empty/);
    await expectTextError('a,b,y\n', 'DL_DATA_FORMAT', /header row but no data rows/);
  });

  it('an unclosed quote is DL_DATA_FORMAT with a line number', async () => {
    await expectTextError('a,y\n1,"p\n2,q\n', 'DL_DATA_FORMAT', /line \d+/);
  });

  it('pixel columns that do not fill data.image are DL_DATA_FORMAT', async () => {
    await expectDeeplineError(
      csv.read(classification(join(EXAMPLE_DATA, 'digits.csv'), 'digit', { image: { width: 8, height: 9, channels: 1 } })),
      'DL_DATA_FORMAT',
      /64 feature columns, but data\.image 8x9x1 needs 72/,
    );
  });

  it('reads from data.header, skipping the lines above it and numbering rows from it', async () => {
    const preamble = 'pixels of two images,,\n\na,b,y\n';
    const ok = await readText(`${preamble}1,2,p\n3,4,q\n`, { header: 3 });
    assert.deepEqual([...ok.result.dataset.x], [1, 2, 3, 4]);
    assert.deepEqual(ok.result.dataset.featureNames, ['a', 'b']);
    assert.deepEqual([...ok.result.dataset.sourceRows!], [1, 2]);
    await withTempDir(async (dir) => {
      const path = join(dir, 'bad.csv');
      await writeFile(path, `${preamble}1,2,p\n3,4,q\n5,x,p\n`);
      // Row 3 is line 6: rows count from the header on line 3.
      await expectDeeplineError(csv.read(classification(path, 'y', { header: 3 })), 'DL_DATA_VALUE', /row 3 \(line 6\), column "b": "x" is not a number/);
    });
  });
});
