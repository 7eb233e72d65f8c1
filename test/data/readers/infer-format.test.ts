import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inferFormat } from '../../../src/data/readers/infer-format.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

describe('inferFormat', () => {
  it('tells CSV, TSV, JSONL, image folders and IDX folders apart', () =>
    withTempDir(async (dir) => {
      assert.equal(await inferFormat(join(EXAMPLE_DATA, 'iris.csv')), 'csv');
      assert.equal(await inferFormat(join(EXAMPLE_DATA, 'digits-images')), 'image-folder');
      await writeFile(join(dir, 'a.TSV'), 'x\ty\n');
      assert.equal(await inferFormat(join(dir, 'a.TSV')), 'tsv');
      await writeFile(join(dir, 'a.ndjson'), '{}\n');
      assert.equal(await inferFormat(join(dir, 'a.ndjson')), 'jsonl');
      await mkdir(join(dir, 'mnist'));
      await writeFile(join(dir, 'mnist', 'train-images-idx3-ubyte.gz'), '');
      assert.equal(await inferFormat(join(dir, 'mnist')), 'idx');
    }));

  it('refuses unknown extensions and missing paths with the right codes', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'data.parquet'), '');
      await expectDeeplineError(inferFormat(join(dir, 'data.parquet')), 'DL_DATA_FORMAT', /`\.parquet`/);
      await expectDeeplineError(inferFormat(join(dir, 'nope.csv')), 'DL_DATA_MISSING', /nope\.csv/);
    }));
});
