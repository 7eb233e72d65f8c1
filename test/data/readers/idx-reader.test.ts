import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { DataSource } from '../../../src/data/readers/data-reader.ts';
import { idxReader } from '../../../src/data/readers/idx-reader.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

const source = (path: string, extra: Partial<DataSource> = {}): DataSource => ({ path, format: 'idx', taskKind: 'classification', ...extra });

/** An IDX file of unsigned bytes: magic 0x0000 08 <rank>, big-endian dimensions, then the values. */
function idx(dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** `n` images of 3 rows x 4 columns; pixel p of image i is (i * 12 + p) mod 256. */
function images(n: number): { bytes: Buffer; values: number[] } {
  const values = Array.from({ length: n * 12 }, (_, k) => k % 256);
  return { bytes: idx([n, 3, 4], values), values };
}

async function writeIdxSet(dir: string, options: { gzip: boolean; test: boolean }): Promise<{ trainLabels: number[]; testLabels: number[] }> {
  const suffix = options.gzip ? '.gz' : '';
  const pack = (b: Buffer): Buffer => (options.gzip ? gzipSync(b) : b);
  const trainLabels = [0, 1, 2, 1, 0, 2];
  const testLabels = [2, 0, 1];
  await writeFile(join(dir, `train-images-idx3-ubyte${suffix}`), pack(images(6).bytes));
  await writeFile(join(dir, `train-labels-idx1-ubyte${suffix}`), pack(idx([6], trainLabels)));
  if (options.test) {
    await writeFile(join(dir, `t10k-images-idx3-ubyte${suffix}`), pack(images(3).bytes));
    await writeFile(join(dir, `t10k-labels-idx1-ubyte${suffix}`), pack(idx([3], testLabels)));
  }
  return { trainLabels, testLabels };
}

describe('idx reader on generated files', () => {
  for (const gzip of [false, true]) {
    it(`reads ${gzip ? 'gzipped' : 'raw'} train and t10k files`, () =>
      withTempDir(async (dir) => {
        const { trainLabels, testLabels } = await writeIdxSet(dir, { gzip, test: true });
        const { dataset, test, warnings } = await idxReader.read(source(dir));
        assert.deepEqual(dataset.featureShape, [3, 4, 1]);
        assert.equal(dataset.n, 6);
        assert.deepEqual([...dataset.x], images(6).values);
        assert.deepEqual([...dataset.y], trainLabels);
        assert.deepEqual(dataset.target, { kind: 'class', name: 'label', classes: ['0', '1', '2'] });
        assert.ok(test);
        assert.equal(test.n, 3);
        assert.deepEqual([...test.y], testLabels);
        assert.deepEqual(warnings, []);
      }));
  }

  it('has no test set without t10k files, and honours data.classes and data.limit', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      const { dataset, test } = await idxReader.read(source(dir, { classes: ['tee', 'trouser', 'bag'], limit: 4 }));
      assert.equal(test, undefined);
      assert.equal(dataset.n, 4);
      assert.deepEqual([...dataset.x], images(6).values.slice(0, 48));
      assert.deepEqual(dataset.target.kind === 'class' && dataset.target.classes, ['tee', 'trouser', 'bag']);
    }));

  it('a wrong magic number is DL_DATA_FORMAT naming the file and the expected magic', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      // An idx1 (labels) file where images belong.
      await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([6], [0, 1, 2, 3, 4, 5]));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /train-images-idx3-ubyte has magic number 0x00000801, expected 0x00000803/);
    }));

  it('a truncated body is DL_DATA_FORMAT saying how many bytes were expected', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      await writeFile(join(dir, 'train-images-idx3-ubyte'), images(6).bytes.subarray(0, 16 + 40));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /train-images-idx3-ubyte is truncated: expected 72 bytes .* found 40/);
    }));

  it('a truncated gzip file is DL_DATA_FORMAT', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: true, test: false });
      const gz = gzipSync(images(6).bytes);
      await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 12));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /train-images-idx3-ubyte\.gz .*cannot be decompressed/);
    }));

  it('image and label counts that differ are DL_DATA_FORMAT', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([5], [0, 1, 0, 1, 0]));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /holds 6 images but .* holds 5 labels/);
    }));

  it('bytes beyond the declared body are ignored with a warning naming the file', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      await writeFile(join(dir, 'train-images-idx3-ubyte'), Buffer.concat([images(6).bytes, Buffer.from([1, 2, 3])]));
      const { dataset, warnings } = await idxReader.read(source(dir));
      assert.deepEqual([...dataset.x], images(6).values);
      assert.deepEqual(warnings.map((w) => w.replace(dir, '<dir>')), ['<dir>/train-images-idx3-ubyte has 3 bytes beyond the data its header declares; they were ignored']);
    }));

  it('a header that declares no examples, or is cut short, is DL_DATA_FORMAT', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([0, 3, 4], []));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /train-images-idx3-ubyte holds no examples/);
      await writeFile(join(dir, 'train-images-idx3-ubyte'), images(6).bytes.subarray(0, 10));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /is truncated: expected a 16-byte header, found 10 bytes/);
      await writeFile(join(dir, 'train-images-idx3-ubyte'), Buffer.alloc(0));
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_FORMAT', /is truncated: expected a 4-byte magic number, found 0 bytes/);
    }));

  it('missing label or t10k files are DL_DATA_MISSING', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'train-images-idx3-ubyte'), images(2).bytes);
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_MISSING', /no train-labels-idx1-ubyte/);
      await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([2], [0, 1]));
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), images(2).bytes);
      await expectDeeplineError(idxReader.read(source(dir)), 'DL_DATA_MISSING', /t10k images but no t10k labels/);
    }));

  it('a size other than data.image is DL_DATA_IMAGE (IDX images are not resized)', () =>
    withTempDir(async (dir) => {
      await writeIdxSet(dir, { gzip: false, test: false });
      await expectDeeplineError(idxReader.read(source(dir, { image: { width: 3, height: 4, channels: 1 } })), 'DL_DATA_IMAGE', /4x3x1 .* asks for 3x4x1/);
    }));
});

const FASHION = '/usr/share/datasets/fashion-mnist';

describe('idx reader on Fashion-MNIST', { timeout: 30_000 }, () => {
  it('reads a slice of the real files: 28x28, 10 classes, predefined test set', { skip: !existsSync(join(FASHION, 'train-images-idx3-ubyte.gz')) }, async () => {
    const { dataset, test } = await idxReader.read(source(FASHION, { limit: 1000 }));
    assert.deepEqual(dataset.featureShape, [28, 28, 1]);
    assert.equal(dataset.n, 1000);
    assert.equal(test?.n, 1000);
    const counts = new Array(10).fill(0);
    for (const v of dataset.y) counts[v]++;
    // Fashion-MNIST is balanced: ~100 of each class in any 1,000 examples.
    assert.ok(counts.every((c) => c > 60 && c < 140), `class counts ${counts}`);
    let max = 0;
    for (const v of dataset.x) max = Math.max(max, v);
    assert.equal(max, 255);
  });
});
