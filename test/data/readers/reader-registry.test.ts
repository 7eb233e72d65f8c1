import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createReaderRegistry } from '../../../src/data/readers/reader-registry.ts';
import { readerConformance, type ExpectedSet, type ReaderFixture } from '../../../src/testing/reader-conformance.ts';

/** Rows of a small table: two numeric features and a three-class label, classes not in sorted order. */
const ROWS: [number, number, string][] = [
  [0.5, 1, 'dog'],
  [-2, 3.25, 'cat'],
  [4, 0, 'dog'],
  [100, -1, 'cat'],
  [7, 8, 'bird'],
  [0, 0.125, 'cat'],
];
const CLASSES = ['bird', 'cat', 'dog'];

function delimited(delimiter: ',' | '\t'): ReaderFixture {
  const file = (dir: string) => join(dir, delimiter === ',' ? 'table.csv' : 'table.tsv');
  const text = (rows: string[][]) => rows.map((r) => r.join(delimiter)).join('\n') + '\n';
  const cells = () => [['a', 'b', 'label'], ...ROWS.map(([a, b, label]) => [String(a), String(b), label])];
  return {
    async write(dir) {
      await writeFile(file(dir), text(cells()).replace('100', '1e2'));
      const dataset: ExpectedSet = {
        featureShape: [2],
        examples: ROWS.map(([a, b]) => [a, b]),
        targets: ROWS.map(([, , label]) => CLASSES.indexOf(label)),
        target: { kind: 'class', name: 'label', classes: CLASSES },
      };
      return { source: { path: file(dir), format: delimiter === ',' ? 'csv' : 'tsv', target: 'label', taskKind: 'classification' }, dataset };
    },
    async writeBroken(dir) {
      const rows = cells();
      rows[3] = [...rows[3], '9'];
      await writeFile(file(dir), text(rows));
      return { source: { path: file(dir), format: delimiter === ',' ? 'csv' : 'tsv', target: 'label', taskKind: 'classification' }, file: file(dir) };
    },
  };
}

/** Pixels of image `i`: 3 rows × 4 columns, distinct in every image. */
const pixels = (i: number, channels: 1 | 3): number[] => Array.from({ length: 12 * channels }, (_, k) => (i * 37 + k * 11) % 256);

/** An IDX file of unsigned bytes: magic 0x0000 08 <rank>, big-endian dimensions, then the values. */
function idx(dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

const idxFixture: ReaderFixture = {
  async write(dir) {
    const train = [0, 1, 2, 1, 0, 2];
    const t10k = [2, 0, 1];
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([6, 3, 4], train.flatMap((_, i) => pixels(i, 1))));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([6], train));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), idx([3, 3, 4], t10k.flatMap((_, i) => pixels(10 + i, 1))));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idx([3], t10k));
    const target = { kind: 'class', name: 'label', classes: ['0', '1', '2'] } as const;
    return {
      source: { path: dir, format: 'idx', taskKind: 'classification' },
      dataset: { featureShape: [3, 4, 1], examples: train.map((_, i) => pixels(i, 1)), targets: train, target },
      test: { featureShape: [3, 4, 1], examples: t10k.map((_, i) => pixels(10 + i, 1)), targets: t10k, target },
    };
  },
  async writeBroken(dir) {
    // The header declares six images; the body holds five.
    const images = join(dir, 'train-images-idx3-ubyte');
    await writeFile(images, idx([6, 3, 4], [0, 1, 2, 3, 4].flatMap((i) => pixels(i, 1))));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([6], [0, 1, 2, 1, 0, 2]));
    return { source: { path: dir, format: 'idx', taskKind: 'classification' }, file: images };
  },
};

async function png(path: string, i: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, await sharp(Buffer.from(pixels(i, 3)), { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer());
}

const imageFolderFixture: ReaderFixture = {
  async write(dir) {
    const root = join(dir, 'images');
    // Natural order: 2.png before 10.png.
    const files = [['cat', '1.png'], ['cat', '2.png'], ['cat', '10.png'], ['dog', '1.png'], ['dog', '2.png'], ['dog', '3.png']];
    for (const [i, [c, f]] of files.entries()) await png(join(root, c, f), i);
    return {
      source: { path: root, format: 'image-folder', taskKind: 'classification' },
      dataset: { featureShape: [3, 4, 3], examples: files.map((_, i) => pixels(i, 3)), targets: [0, 0, 0, 1, 1, 1], target: { kind: 'class', name: 'class', classes: ['cat', 'dog'] } },
    };
  },
  async writeBroken(dir) {
    const root = join(dir, 'images');
    for (const [i, c] of ['cat', 'cat', 'dog'].entries()) await png(join(root, c, `${i}.png`), i);
    const bad = join(root, 'dog', '5.png');
    await writeFile(bad, 'not a PNG at all, but long enough to be taken for one');
    return { source: { path: root, format: 'image-folder', taskKind: 'classification' }, file: bad };
  },
};

const imageListFixture: ReaderFixture = {
  async write(dir) {
    const listed: [string, string][] = [['imgs/f.png', 'dog'], ['imgs/a.png', 'cat'], ['imgs/c.png', 'bird'], ['imgs/b.png', 'dog'], ['imgs/e.png', 'cat'], ['imgs/d.png', 'cat']];
    for (const [i, [p]] of listed.entries()) await png(join(dir, p), i);
    const list = join(dir, 'list.csv');
    await writeFile(list, `path,label\n${listed.map((r) => r.join(',')).join('\n')}\n`);
    return {
      source: { path: list, format: 'image-list', taskKind: 'classification' },
      dataset: { featureShape: [3, 4, 3], examples: listed.map((_, i) => pixels(i, 3)), targets: listed.map(([, l]) => CLASSES.indexOf(l)), target: { kind: 'class', name: 'label', classes: CLASSES } },
    };
  },
  async writeBroken(dir) {
    await png(join(dir, 'imgs', 'a.png'), 0);
    await png(join(dir, 'imgs', 'b.png'), 1);
    const bad = join(dir, 'imgs', 'c.png');
    await writeFile(bad, 'not a PNG at all, but long enough to be taken for one');
    const list = join(dir, 'list.csv');
    await writeFile(list, 'path,label\nimgs/a.png,cat\nimgs/c.png,dog\nimgs/b.png,dog\n');
    return { source: { path: list, format: 'image-list', taskKind: 'classification' }, file: bad };
  },
};

/** A fixture for every built-in reader: a reader added to the registry without one fails below. */
const FIXTURES: Record<string, ReaderFixture> = {
  csv: delimited(','),
  tsv: delimited('\t'),
  idx: idxFixture,
  'image-folder': imageFolderFixture,
  'image-list': imageListFixture,
};

const registry = createReaderRegistry();
for (const name of registry.keys().sort()) {
  if (FIXTURES[name]) readerConformance(name, registry.get(name), FIXTURES[name]);
}

test('every built-in reader runs the reader conformance suite', () => {
  assert.deepEqual(registry.keys().sort(), Object.keys(FIXTURES).sort());
});
