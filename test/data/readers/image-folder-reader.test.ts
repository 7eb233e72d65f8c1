import assert from 'node:assert/strict';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { DataSource } from '../../../src/data/readers/data-reader.ts';
import { imageFolderReader } from '../../../src/data/readers/image-folder-reader.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const source = (path: string, extra: Partial<DataSource> = {}): DataSource => ({ path, format: 'image-folder', taskKind: 'classification', ...extra });
const DIGITS = join(EXAMPLE_DATA, 'digits-images');

async function solidPng(path: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
  await writeFile(path, png);
}

/** A copy of two digit classes with `perClass` images each, to break without touching the originals. */
async function copyTwoClasses(dir: string, perClass: number): Promise<string> {
  const root = join(dir, 'images');
  for (const c of ['0', '1']) {
    await mkdir(join(root, c), { recursive: true });
    for (const f of (await readdir(join(DIGITS, c))).sort().slice(0, perClass)) await cp(join(DIGITS, c, f), join(root, c, f));
  }
  return root;
}

describe('image folder reader', { timeout: 30_000 }, () => {
  it('reads the 400 digit PNGs as [16, 16, 1] images, 40 per class, pixels 0-255', async () => {
    const progress: number[] = [];
    const { dataset, warnings } = await imageFolderReader.read(source(DIGITS), { onProgress: (p) => progress.push(p.done) });
    assert.equal(dataset.n, 400);
    assert.deepEqual(dataset.featureShape, [16, 16, 1]);
    assert.deepEqual(dataset.target.kind === 'class' && dataset.target.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (let k = 0; k < 10; k++) assert.equal(dataset.y.filter((v) => v === k).length, 40);
    assert.deepEqual(warnings, []);
    assert.equal(progress.at(-1), 400);
    // Example 40 is the first image of class 1 (classes in order, files in natural order).
    assert.equal(dataset.y[40], 1);
    // sharp's plain raw decode is sRGB with three equal channels: compare against channel 0.
    const { data, info } = await sharp(join(DIGITS, '1', '001.png')).raw().toBuffer({ resolveWithObject: true });
    const grey = Array.from({ length: 256 }, (_, p) => data[p * info.channels]);
    assert.deepEqual([...dataset.x.subarray(40 * 256, 41 * 256)], grey);
    assert.ok(grey.some((v) => v > 0));
    let max = 0;
    for (const v of dataset.x) max = Math.max(max, v);
    assert.equal(max, 255);
  });

  it('keeps data.limit for the whole set, split as evenly as the classes allow', async () => {
    // 25 over 10 classes: 3 for the first five, 2 for the rest (a per-class ceiling of 3 read 30).
    const { dataset, warnings } = await imageFolderReader.read(source(DIGITS, { limit: 25 }));
    assert.equal(dataset.n, 25);
    assert.deepEqual(Array.from({ length: 10 }, (_, k) => dataset.y.filter((v) => v === k).length), [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    assert.ok(warnings.includes('read at most 25 images, 2 or 3 per class (data.limit)'), warnings.join(' | '));
  });

  it('resizes to data.image and converts grayscale to RGB', async () => {
    const { dataset } = await imageFolderReader.read(source(DIGITS, { image: { width: 8, height: 8, channels: 3 }, limit: 20 }));
    assert.deepEqual(dataset.featureShape, [8, 8, 3]);
    assert.equal(dataset.n, 20);
    // Grayscale replicated into three equal channels.
    for (let i = 0; i < 64; i++) {
      assert.equal(dataset.x[i * 3], dataset.x[i * 3 + 1]);
      assert.equal(dataset.x[i * 3], dataset.x[i * 3 + 2]);
    }
  });

  it('takes the first image\'s size and colour by default, and warns about resized images', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'red'));
      await mkdir(join(dir, 'blue'));
      await writeFile(join(dir, 'blue', 'notes.txt'), 'not an image');
      await solidPng(join(dir, 'blue', 'a.png'), 4, 2, [0, 0, 200]);
      await solidPng(join(dir, 'red', 'a.png'), 6, 3, [250, 10, 0]);
      const { dataset, warnings } = await imageFolderReader.read(source(dir));
      assert.deepEqual(dataset.target.kind === 'class' && dataset.target.classes, ['blue', 'red']);
      assert.deepEqual(dataset.featureShape, [2, 4, 3]);
      assert.deepEqual([...dataset.x.subarray(0, 3)], [0, 0, 200]);
      assert.deepEqual([...dataset.x.subarray(24, 27)], [250, 10, 0]);
      assert.ok(warnings.some((w) => /1 images were resized to 4x2/.test(w)), warnings.join('\n'));
      assert.ok(warnings.some((w) => /skipped 1 file\(s\) in .* that are not PNG, JPEG or WebP images: blue\/notes\.txt/.test(w)), warnings.join('\n'));
    });
  });

  it('an undecodable image is DL_DATA_IMAGE naming the file', async () => {
    await withTempDir(async (dir) => {
      const root = await copyTwoClasses(dir, 3);
      const bad = join(root, '1', '002.png');
      await writeFile(bad, Buffer.from('this is not a png at all'));
      const error = await expectDeeplineError(imageFolderReader.read(source(root)), 'DL_DATA_IMAGE', /cannot read image .*1\/002\.png/);
      assert.equal(error.location?.file, bad);
    });
  });

  it('a single class folder is DL_DATA_TARGET', async () => {
    await withTempDir(async (dir) => {
      const root = await copyTwoClasses(dir, 2);
      await expectDeeplineError(imageFolderReader.read(source(root, { classes: ['0'] })), 'DL_DATA_TARGET', /only one class `0`/);
    });
  });

  it('a class in data.classes without a folder is DL_DATA_MISSING', async () => {
    await expectDeeplineError(imageFolderReader.read(source(DIGITS, { classes: ['0', 'ten'] })), 'DL_DATA_MISSING', /class `ten`/);
  });

  it('a missing folder is DL_DATA_MISSING, a file is DL_DATA_FORMAT, a regression is DL_DATA_TARGET', async () => {
    await expectDeeplineError(imageFolderReader.read(source('/nonexistent/images')), 'DL_DATA_MISSING', /\/nonexistent\/images/);
    await expectDeeplineError(imageFolderReader.read(source(join(EXAMPLE_DATA, 'iris.csv'))), 'DL_DATA_FORMAT', /is a file/);
    await expectDeeplineError(imageFolderReader.read(source(DIGITS, { taskKind: 'regression' })), 'DL_DATA_TARGET', /regression/);
  });
});
