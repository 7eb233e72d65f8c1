import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { DataSource } from '../../../src/data/readers/data-reader.ts';
import { imageFolderReader } from '../../../src/data/readers/image-folder-reader.ts';
import { imageListReader } from '../../../src/data/readers/image-list-reader.ts';
import { createReaderRegistry } from '../../../src/data/readers/reader-registry.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const DIGITS = join(EXAMPLE_DATA, 'digits-images');
const source = (path: string, extra: Partial<DataSource> = {}): DataSource => ({ path, format: 'image-list', taskKind: 'classification', ...extra });

/** Writes `list.csv` in `dir` with the given lines after the header. */
async function writeList(dir: string, lines: string[], header = 'path,label'): Promise<string> {
  const path = join(dir, 'list.csv');
  await writeFile(path, [header, ...lines].join('\n') + '\n');
  return path;
}

describe('image list reader', { timeout: 30_000 }, () => {
  it('is registered as image-list', () => {
    assert.equal(createReaderRegistry().get('image-list'), imageListReader);
  });

  it('reads the listed digit PNGs exactly as the image-folder reader decodes them, paths relative to the list', () =>
    withTempDir(async (dir) => {
      const rel = relative(dir, DIGITS);
      const path = await writeList(dir, [`${rel}/3/001.png,three`, `${rel}/7/002.png,seven`, `${rel}/3/004.png,three`, `${DIGITS}/7/003.png,seven`]);
      const { dataset, warnings } = await imageListReader.read(source(path));
      assert.deepEqual(warnings, []);
      assert.equal(dataset.n, 4);
      assert.deepEqual(dataset.featureShape, [16, 16, 1]);
      assert.deepEqual(dataset.target, { kind: 'class', name: 'label', classes: ['seven', 'three'] });
      assert.deepEqual([...dataset.y], [1, 0, 1, 0]);
      assert.deepEqual([...(dataset.sourceRows ?? [])], [1, 2, 3, 4]);
      // The same file through the folder reader (class 3 holds 001.png as its first image).
      const folder = await imageFolderReader.read({ path: DIGITS, format: 'image-folder', taskKind: 'classification', classes: ['3', '7'], limit: 2 });
      assert.deepEqual([...dataset.x.subarray(0, 256)], [...folder.dataset.x.subarray(0, 256)]);
    }));

  it('reads numeric targets for a regression, from the column data.target names', () =>
    withTempDir(async (dir) => {
      const path = await writeList(dir, [`${DIGITS}/1/001.png,0.5,x`, `${DIGITS}/2/001.png,"1,250",y`], 'file,score,note');
      const { dataset, warnings } = await imageListReader.read(source(path, { taskKind: 'regression', target: 'score', image: { width: 8, height: 8, channels: 1 } }));
      assert.deepEqual(warnings, [`2 images were resized to 8x8 (e.g. ${DIGITS}/1/001.png is 16x16)`]);
      assert.deepEqual(dataset.target, { kind: 'numeric', name: 'score' });
      assert.deepEqual([...dataset.y], [0.5, 1250]);
      assert.deepEqual(dataset.featureShape, [8, 8, 1]);
    }));

  it('honours data.classes and data.limit', () =>
    withTempDir(async (dir) => {
      const path = await writeList(dir, [`${DIGITS}/1/001.png,b`, `${DIGITS}/2/001.png,a`, `${DIGITS}/2/002.png,a`]);
      const { dataset, warnings } = await imageListReader.read(source(path, { classes: ['b', 'a', 'c'], limit: 2 }));
      assert.deepEqual([...dataset.y], [0, 1]);
      assert.ok(warnings.some((w) => /first 2 rows/.test(w)), warnings.join('\n'));
      assert.ok(warnings.some((w) => /class `c` \(from data\.classes\) has no images/.test(w)), warnings.join('\n'));
    }));

  it('names the row, line and column of bad entries', () =>
    withTempDir(async (dir) => {
      const ok = `${DIGITS}/1/001.png`;
      let path = await writeList(dir, [`${ok},a`, `,b`]);
      await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_VALUE', /row 2 \(line 3\), column "path" is empty/);
      path = await writeList(dir, [`${ok},a`, `${ok},NA`]);
      await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_VALUE', /row 2 \(line 3\), column "label" is empty/);
      path = await writeList(dir, [`${ok},a`, `${ok},high`]);
      await expectDeeplineError(imageListReader.read(source(path, { taskKind: 'regression' })), 'DL_DATA_VALUE', /row 1 \(line 2\), column "label": "a" is not a number/);
      path = await writeList(dir, [`${ok},a`, `${ok},z`]);
      await expectDeeplineError(imageListReader.read(source(path, { classes: ['a', 'b'] })), 'DL_DATA_TARGET', /row 2 \(line 3\), column "label": class "z" is not in data\.classes/);
      path = await writeList(dir, [`${ok},a`, `${ok},a`]);
      await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_TARGET', /only one class `a`/);
      path = await writeList(dir, [`${DIGITS}/1/001.png,a`], 'picture,label');
      await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_FORMAT', /no column of image paths; columns are: picture, label/);
      path = await writeList(dir, [`${ok},a`], 'path,lable');
      const e = await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_TARGET', /no column "label"/);
      assert.match(e.hint ?? '', /did you mean "lable"/);
      await writeFile(join(dir, 'broken.png'), 'not a png');
      path = await writeList(dir, [`${ok},a`, `broken.png,b`]);
      await expectDeeplineError(imageListReader.read(source(path)), 'DL_DATA_IMAGE', /cannot read image .*broken\.png \(.*list\.csv row 2, line 3\)/);
    }));
});
