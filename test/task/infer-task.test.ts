import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inferTask, type InferenceDetails } from '../../src/task/infer-task.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));
const SHARED = '/work/shared/data';

/** A deterministic stream of numbers in [0, 1), so generated tables are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function tableDetails(details: InferenceDetails): Extract<InferenceDetails, { kind: 'table' }> {
  assert.equal(details.kind, 'table');
  return details as Extract<InferenceDetails, { kind: 'table' }>;
}

describe('inferTask', { timeout: 20_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deepline-infer-task-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('calls string labels classification (iris)', async () => {
    const t = await inferTask({ path: join(FIXTURES, 'iris.csv'), target: 'species' });
    assert.equal(t.task, 'tabular-classification');
    assert.equal(t.format, 'csv');
    assert.equal(t.reason, 'target `species` holds labels with 3 distinct values in 150 rows → classification');
    const d = tableDetails(t.details);
    assert.equal(d.rowsSampled, 150);
    assert.deepEqual(d.columns.map((c) => c.kind), ['numeric', 'numeric', 'numeric', 'numeric', 'categorical']);
  });

  it('calls a numeric target with many values regression (diabetes)', async () => {
    const t = await inferTask({ path: join(FIXTURES, 'diabetes.csv'), target: 'progression' });
    assert.equal(t.task, 'tabular-regression');
    assert.equal(t.reason, 'target `progression` is numeric with 214 distinct values in 442 rows → regression');
  });

  it('calls integer codes with few values classification (digits)', async () => {
    const t = await inferTask({ path: join(FIXTURES, 'digits-head.csv'), target: 'digit' });
    assert.equal(t.task, 'tabular-classification');
    assert.equal(t.reason, 'target `digit` is numeric with 10 distinct values in 200 rows → classification');
    assert.equal(tableDetails(t.details).columns.length, 65);
  });

  it('takes the last column when no target is given, and says so', async () => {
    const t = await inferTask({ path: join(FIXTURES, 'iris.csv') });
    const d = tableDetails(t.details);
    assert.equal(d.target, 'species');
    assert.equal(d.targetGuessed, true);
    assert.match(t.reason, /^target `species` \(the last column, as no target was given\) holds labels/);
  });

  it('calls a folder of class subfolders image classification', async () => {
    const t = await inferTask({ path: join(FIXTURES, 'digits-images') });
    assert.equal(t.task, 'image-classification');
    assert.equal(t.format, 'image-folder');
    assert.equal(t.reason, 'the folder has 10 class subfolders (0, 1, 2, 3, …) holding 30 images → image classification');
    assert.deepEqual(t.details, {
      kind: 'image-folder',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      imagesPerClass: Object.fromEntries(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((c) => [c, 3])),
      images: 30,
    });
  });

  it('reads the shape of IDX images from the gzipped header', async () => {
    const idx = join(dir, 'mnist-like');
    await mkdir(idx);
    const images = Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 4]), Buffer.alloc(60, 1)]);
    await writeFile(join(idx, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    await writeFile(join(idx, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2])));
    await writeFile(join(idx, 't10k-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 2]));
    const t = await inferTask({ path: idx });
    assert.equal(t.task, 'image-classification');
    assert.equal(t.format, 'idx');
    assert.deepEqual(t.details, {
      kind: 'idx',
      files: ['t10k-labels-idx1-ubyte', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
      images: 3,
      height: 5,
      width: 4,
    });
    assert.match(t.reason, /3 5x4 images in train-images-idx3-ubyte\.gz → image classification$/);
  });

  it('calls a generated numeric target with 30 values in 300 rows regression', async () => {
    const rand = lcg(1);
    const rows = Array.from({ length: 300 }, (_, i) => `${(rand() * 10).toFixed(3)},${i % 30}`);
    const t = await inferTask({ path: await write('ints.csv', ['x,y', ...rows].join('\n')), target: 'y' });
    assert.equal(t.task, 'tabular-regression');
    assert.equal(t.reason, 'target `y` is numeric with 30 distinct values in 300 rows → regression');
  });

  it('keeps 25 codes in 1,000 rows classification, as they are under 5% of the rows', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},${i % 25}`);
    const t = await inferTask({ path: await write('codes.csv', ['x,code', ...rows].join('\n')), target: 'code' });
    assert.equal(t.task, 'tabular-classification');
  });

  it('calls a few rows of distinct fractional values regression', async () => {
    const rand = lcg(2);
    const rows = Array.from({ length: 15 }, (_, i) => `${i},${(rand() * 100).toFixed(2)}`);
    const t = await inferTask({ path: await write('price.csv', ['size,price', ...rows].join('\n')), target: 'price' });
    assert.equal(t.task, 'tabular-regression');
    assert.equal(t.reason, 'target `price` is numeric with 15 distinct fractional values in 15 rows → regression');
  });

  it('calls a table with a free-text column text classification', async () => {
    const rand = lcg(3);
    const words = ['great', 'film', 'terrible', 'plot', 'acting', 'loved', 'boring', 'the', 'music', 'ending', 'was', 'not'];
    const sentence = (): string => Array.from({ length: 6 + Math.floor(rand() * 8) }, () => words[Math.floor(rand() * words.length)]).join(' ');
    const rows = Array.from({ length: 120 }, (_, i) => `"${sentence()}",${i % 2 ? 'pos' : 'neg'},${i}`);
    const t = await inferTask({ path: await write('reviews.csv', ['review,label,id', ...rows].join('\n')), target: 'label' });
    assert.equal(t.task, 'text-classification');
    assert.match(t.reason, /^column `review` holds free text \(\d+ characters on average, \d+% distinct\) and target `label` has 2 classes → text classification$/);
    assert.deepEqual(tableDetails(t.details).textColumns, ['review']);
  });

  it('does not take short labels with spaces for free text', async () => {
    const cities = ['New York', 'Los Angeles', 'San Francisco', 'Las Vegas'];
    const rows = Array.from({ length: 80 }, (_, i) => `${cities[i % 4]},${i % 3}`);
    const t = await inferTask({ path: await write('cities.csv', ['city,band', ...rows].join('\n')), target: 'band' });
    assert.equal(t.task, 'tabular-classification');
    assert.equal(tableDetails(t.details).columns[0].kind, 'categorical');
  });

  it('reads TSV and JSONL, treating blank and NA cells as missing', async () => {
    const tsv = await write('t.tsv', 'a\tb\n1\tx\n\ty\nNA\tx\n');
    const fromTsv = await inferTask({ path: tsv, target: 'b' });
    assert.equal(fromTsv.format, 'tsv');
    const a = tableDetails(fromTsv.details).columns[0];
    assert.deepEqual({ kind: a.kind, present: a.present, missing: a.missing }, { kind: 'numeric', present: 1, missing: 2 });

    const jsonl = await write('t.jsonl', '{"x": 1.5, "label": "a"}\n\n{"x": 2, "label": "b", "extra": true}\n');
    const fromJsonl = await inferTask({ path: jsonl, target: 'label' });
    assert.equal(fromJsonl.format, 'jsonl');
    assert.equal(fromJsonl.task, 'tabular-classification');
    assert.deepEqual(tableDetails(fromJsonl.details).columns.map((c) => c.name), ['x', 'label', 'extra']);
  });

  it('reads a JSONL key that is a prototype key, and absent from some rows, as missing there', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `{"__proto__": ${i / 10}${i % 4 === 0 ? '' : `, "constructor": ${i % 3}`}, "toString": "${'ab'[i % 2]}"}`);
    const t = await inferTask({ path: await write('proto.jsonl', lines.join('\n')), target: 'constructor' });
    const d = tableDetails(t.details);
    assert.deepEqual(d.columns.map((c) => c.name), ['__proto__', 'toString', 'constructor']);
    const target = d.columns[2];
    assert.deepEqual({ kind: target.kind, present: target.present, missing: target.missing, distinct: target.distinct }, { kind: 'numeric', present: 30, missing: 10, distinct: 3 });
  });

  it('samples only the first 2,000 rows of a large table', async () => {
    const rows = Array.from({ length: 2600 }, (_, i) => `${i},${i % 4}`);
    const t = await inferTask({ path: await write('big.csv', ['x,y', ...rows].join('\n')), target: 'y' });
    const d = tableDetails(t.details);
    assert.equal(d.rowsSampled, 2000);
    assert.equal(d.sampleTruncated, true);
    assert.equal(t.reason, 'target `y` is numeric with 4 distinct values in the first 2,000 rows → classification');
  });

  it('names the columns and the likely one when the target is not there', async () => {
    await assert.rejects(inferTask({ path: join(FIXTURES, 'iris.csv'), target: 'petal-width' }), {
      code: 'DL_DATA_TARGET',
      message:
        'target column `petal-width` is not in iris.csv (columns: sepal_length, sepal_width, petal_length, petal_width, species) — did you mean `petal_width`?',
    });
  });

  it('reports missing data, unreadable tables and mismatched formats', async () => {
    await assert.rejects(inferTask({ path: join(dir, 'absent.csv') }), { code: 'DL_DATA_MISSING' });
    const ragged = await write('ragged.csv', 'a,b\n1,2\n3\n');
    await assert.rejects(inferTask({ path: ragged, target: 'b' }), (e: unknown) => {
      assert.ok(e instanceof Error && 'code' in e);
      assert.equal(e.code, 'DL_DATA_FORMAT');
      assert.match(e.message, /ragged\.csv row 2 \(line 3\) has 1 fields, expected 2 as in the header$/);
      assert.equal((e as { location?: { line?: number } }).location?.line, 3);
      return true;
    });
    await assert.rejects(inferTask({ path: await write('bad.jsonl', '{"a": 1}\n[1, 2]\n'), target: 'a' }), {
      code: 'DL_DATA_FORMAT',
      message: 'line 2 of bad.jsonl is not a JSON object',
    });
    await assert.rejects(inferTask({ path: await write('head.csv', 'a,b\n'), target: 'b' }), {
      code: 'DL_DATA_FORMAT',
      message: 'head.csv has a header but no data rows',
    });
    await assert.rejects(inferTask({ path: join(FIXTURES, 'iris.csv'), format: 'image-folder' }), {
      code: 'DL_DATA_FORMAT',
      message: `format image-folder needs a folder, but ${join(FIXTURES, 'iris.csv')} is a file`,
    });
  });

  it('refuses an image folder with a single class', async () => {
    const one = join(dir, 'one-class', 'cat');
    await mkdir(one, { recursive: true });
    await writeFile(join(one, 'a.png'), 'not decoded here');
    await assert.rejects(inferTask({ path: join(dir, 'one-class') }), { code: 'DL_DATA_TARGET' });
  });

  describe('the header line', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${(i * 0.31).toFixed(2)},${i % 4},${(i * 1.7 + 5).toFixed(1)}`).join('\n');

    it('is found below a line of counts, and the inference says which lines it skipped', async () => {
      const t = await inferTask({ path: await write('boston.csv', `40,2,\nCRIM,ZN,MEDV\n${rows}\n`), target: 'MEDV' });
      const d = tableDetails(t.details);
      assert.equal(t.task, 'tabular-regression');
      assert.deepEqual(d.columns.map((c) => c.name), ['CRIM', 'ZN', 'MEDV']);
      assert.equal(d.rowsSampled, 40);
      assert.equal(d.headerLine, 2);
      assert.equal(d.headerDetected, 'line 1 has only 2 non-empty fields ("40", "2") where the rows below have 3: the header was read from line 2, skipping line 1');
    });

    it('is read where data.header says, with no detection note', async () => {
      const path = await write('boston-given.csv', `40,2,\nCRIM,ZN,MEDV\n${rows}\n`);
      const d = tableDetails((await inferTask({ path, target: 'MEDV', header: 2 })).details);
      assert.equal(d.headerLine, 2);
      assert.equal(d.headerDetected, undefined);
    });

    it('named wrongly, gives an error saying where it seems to be', async () => {
      const path = await write('boston-wrong.csv', `40,2\nCRIM,ZN,MEDV\n${rows}\n`);
      await assert.rejects(inferTask({ path, target: 'MEDV', header: 1 }), {
        code: 'DL_DATA_FORMAT',
        message: `${path} row 1 (line 2) has 3 fields, expected 2 as in the header; the header seems to be on line 2: set data.header: 2`,
      });
      await assert.rejects(inferTask({ path, target: 'MEDV', header: 9 }), {
        code: 'DL_DATA_TARGET',
        message: 'target column `MEDV` is not in boston-wrong.csv (columns of the header on line 9: 1.86, 2, 15.2); the header seems to be on line 2: set data.header: 2',
      });
      await assert.rejects(inferTask({ path, target: 'MEDV', header: 50 }), {
        code: 'DL_DATA_FORMAT',
        message: 'boston-wrong.csv has no line 50 to read the header from: its last record starts on line 42',
      });
    });

    it('stays line 1 in a normal file, whose rows keep their place', async () => {
      const d = tableDetails((await inferTask({ path: join(FIXTURES, 'iris.csv'), target: 'species' })).details);
      assert.equal(d.headerLine, 1);
      assert.equal(d.headerDetected, undefined);
    });
  });

  it('reads a CRLF header over LF rows as the rows they are', async () => {
    const path = await write('mixed-ends.csv', `x,y\r\n${Array.from({ length: 300 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`);
    const d = tableDetails((await inferTask({ path, target: 'y' })).details);
    assert.equal(d.rowsSampled, 300);
  });

  it('calls a binary file named .csv binary data, briefly', async () => {
    const path = await write('photo.csv', '');
    await writeFile(path, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 13) % 256)));
    await assert.rejects(inferTask({ path, target: 'y' }), (e: unknown) => {
      assert.ok(e instanceof Error && 'code' in e);
      assert.equal(e.code, 'DL_DATA_FORMAT');
      assert.match(e.message, /photo\.csv is not a text table: it looks like binary data/);
      assert.ok(e.message.length < 300, e.message);
      return true;
    });
  });

  // The full data sets the fixtures were cut from, where this machine has them.
  it('agrees with the fixtures on the full shared data sets', { skip: !existsSync(SHARED) && 'no /work/shared/data' }, async () => {
    assert.equal((await inferTask({ path: join(SHARED, 'iris.csv'), target: 'species' })).task, 'tabular-classification');
    assert.equal((await inferTask({ path: join(SHARED, 'diabetes.csv'), target: 'progression' })).task, 'tabular-regression');
    const digits = await inferTask({ path: join(SHARED, 'digits.csv'), target: 'digit' });
    assert.equal(digits.reason, 'target `digit` is numeric with 10 distinct values in 1,797 rows → classification');
    const images = await inferTask({ path: join(SHARED, 'digits-images') });
    assert.match(images.reason, /10 class subfolders .* holding 400 images/);
  });
});
