import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import type { Dataset, TargetInfo } from '../dataset.ts';
import type { DataReader, DataSource, ReadOptions, ReadResult } from './data-reader.ts';
import { statSource } from './stat-source.ts';

const gunzipAsync = promisify(gunzip);

/**
 * Reads MNIST-style IDX files from a folder: `train-images-idx3-ubyte` + `train-labels-idx1-ubyte`
 * (gzipped or not), and `t10k-*` as the source's own test set when present.
 */
export const idxReader: DataReader = {
  name: 'idx',
  description: 'MNIST-style IDX files (train-*/t10k-* images and labels, gzip or raw)',
  read: readIdxFolder,
};

/** IDX element types: code → bytes per value and how to read one (big-endian). */
const ELEMENT_TYPES: Record<number, { size: number; name: string; get: (v: DataView, at: number) => number }> = {
  0x08: { size: 1, name: 'unsigned byte', get: (v, at) => v.getUint8(at) },
  0x09: { size: 1, name: 'signed byte', get: (v, at) => v.getInt8(at) },
  0x0b: { size: 2, name: 'short', get: (v, at) => v.getInt16(at) },
  0x0c: { size: 4, name: 'int', get: (v, at) => v.getInt32(at) },
  0x0d: { size: 4, name: 'float', get: (v, at) => v.getFloat32(at) },
  0x0e: { size: 8, name: 'double', get: (v, at) => v.getFloat64(at) },
};

interface IdxArray {
  dims: number[];
  values: Float32Array;
  /** Bytes after the body the header declares (ignored, but worth a warning). */
  extraBytes: number;
}

async function readIdxFolder(source: DataSource, options: ReadOptions = {}): Promise<ReadResult> {
  const dir = source.path;
  await statSource(dir, 'folder', 'idx');
  const warnings: string[] = [];
  const train = await findPair(dir, 'train');
  if (!train.images || !train.labels) {
    throw new DeeplineError('DL_DATA_MISSING', `${dir} has no ${!train.images ? 'train-images-idx3-ubyte' : 'train-labels-idx1-ubyte'}[.gz]`, {
      hint: 'an IDX folder needs train-images-idx3-ubyte and train-labels-idx1-ubyte (optionally .gz), and may add t10k-* for a test set',
      location: { file: dir },
    });
  }
  const test = await findPair(dir, 't10k');
  if (Boolean(test.images) !== Boolean(test.labels)) {
    throw new DeeplineError('DL_DATA_MISSING', `${dir} has ${test.images ? 't10k images but no t10k labels' : 't10k labels but no t10k images'}`, {
      hint: 'provide both t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, or neither',
      location: { file: dir },
    });
  }
  const files = [train.images, train.labels, test.images, test.labels].filter((f): f is string => f !== undefined);
  let done = 0;
  const load = async (file: string, kind: 'images' | 'labels'): Promise<IdxArray> => {
    options.signal?.throwIfAborted();
    const array = await readIdxFile(file, kind, source.limit);
    if (array.extraBytes > 0) warnings.push(`${file} has ${array.extraBytes} bytes beyond the data its header declares; they were ignored`);
    options.onProgress?.({ done: ++done, total: files.length, unit: 'file' });
    return array;
  };
  const trainImages = await load(train.images, 'images');
  const trainLabels = await load(train.labels, 'labels');
  const testImages = test.images ? await load(test.images, 'images') : undefined;
  const testLabels = test.labels ? await load(test.labels, 'labels') : undefined;
  if (source.limit !== undefined) warnings.push(`read only the first ${source.limit} examples of each IDX set (data.limit)`);

  checkPair(trainImages, trainLabels, train.images, train.labels);
  if (testImages && testLabels) {
    checkPair(testImages, testLabels, test.images!, test.labels!);
    if (featureShapeOf(testImages).join('x') !== featureShapeOf(trainImages).join('x')) {
      throw new DeeplineError('DL_DATA_FORMAT', `${test.images} holds ${featureShapeOf(testImages).join('x')} images, but ${train.images} holds ${featureShapeOf(trainImages).join('x')}`, {
        hint: 'the test images must have the same size as the training images',
        location: { file: test.images },
      });
    }
  }
  const featureShape = featureShapeOf(trainImages);
  if (source.image) {
    const wanted = [source.image.height, source.image.width, source.image.channels];
    if (wanted.join('x') !== featureShape.join('x')) {
      throw new DeeplineError('DL_DATA_IMAGE', `${train.images} holds ${featureShape[1]}x${featureShape[0]}x${featureShape[2]} images (width x height x channels), but data.image asks for ${source.image.width}x${source.image.height}x${source.image.channels}`, {
        hint: 'IDX images are not resized: remove data.image or set it to the size in the file',
        location: { file: train.images },
      });
    }
  }
  const labelSets = [{ labels: trainLabels, file: train.labels }];
  if (testLabels) labelSets.push({ labels: testLabels, file: test.labels! });
  const target = targetInfo(source, labelSets);
  const toDataset = (images: IdxArray, labels: IdxArray): Dataset => ({
    n: images.dims[0],
    featureShape,
    x: images.values,
    y: labels.values,
    target,
    sourceRows: Int32Array.from({ length: images.dims[0] }, (_, i) => i + 1),
  });
  return {
    dataset: toDataset(trainImages, trainLabels),
    test: testImages && testLabels ? toDataset(testImages, testLabels) : undefined,
    warnings,
  };
}

async function findPair(dir: string, prefix: 'train' | 't10k'): Promise<{ images?: string; labels?: string }> {
  const find = async (kind: 'images' | 'labels', rank: 1 | 3): Promise<string | undefined> => {
    // Both `train-images-idx3-ubyte` and `train-images.idx3-ubyte` circulate in MNIST mirrors.
    for (const sep of ['-', '.']) {
      for (const suffix of ['', '.gz']) {
        const path = join(dir, `${prefix}-${kind}${sep}idx${rank}-ubyte${suffix}`);
        if (await exists(path)) return path;
      }
    }
    return undefined;
  };
  return { images: await find('images', 3), labels: await find('labels', 1) };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Parses one IDX file; `limit` keeps only the first examples (the first dimension). */
async function readIdxFile(file: string, kind: 'images' | 'labels', limit: number | undefined): Promise<IdxArray> {
  let bytes: Buffer = await readFile(file).catch((e: unknown) => {
    throw fileAccessError(e, file, { what: 'IDX file', missingCode: 'DL_DATA_MISSING' });
  });
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new DeeplineError('DL_DATA_FORMAT', `${file} starts like a gzip file but cannot be decompressed (${(e as Error).message})`, {
        hint: 'the download is probably incomplete: fetch the file again',
        location: { file },
        cause: e,
      });
    }
  }
  const expectedRanks = kind === 'images' ? [3, 4] : [1];
  const expectedMagic = kind === 'images' ? '0x00000803 (unsigned bytes, 3 dimensions)' : '0x00000801 (unsigned bytes, 1 dimension)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw truncated(file, `a 4-byte magic number, found ${bytes.length} bytes`);
  const magic = view.getUint32(0);
  const type = ELEMENT_TYPES[bytes[2]];
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || !expectedRanks.includes(rank)) {
    throw new DeeplineError('DL_DATA_FORMAT', `${file} has magic number 0x${magic.toString(16).padStart(8, '0')}, expected ${expectedMagic} for IDX ${kind}`, {
      hint: 'this is not an IDX file of the expected kind: check the file name and that it was not altered',
      location: { file },
    });
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw truncated(file, `a ${headerSize}-byte header, found ${bytes.length} bytes`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const perExample = dims.slice(1).reduce((a, b) => a * b, 1);
  const bodyBytes = dims[0] * perExample * type.size;
  const found = bytes.length - headerSize;
  if (found < bodyBytes) {
    throw truncated(file, `${bodyBytes} bytes of ${type.name} data for ${dims.join('x')} values after the header, found ${found}`);
  }
  if (dims[0] === 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `${file} holds no examples: its header declares 0 ${kind}`, {
      hint: 'the file is empty of data: fetch or copy it again',
      location: { file },
    });
  }
  const n = limit === undefined ? dims[0] : Math.min(limit, dims[0]);
  const count = n * perExample;
  const values = new Float32Array(count);
  if (bytes[2] === 0x08) {
    values.set(bytes.subarray(headerSize, headerSize + count));
  } else {
    for (let i = 0; i < count; i++) values[i] = type.get(view, headerSize + i * type.size);
  }
  return { dims: [n, ...dims.slice(1)], values, extraBytes: found - bodyBytes };
}

function truncated(file: string, what: string): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${file} is truncated: expected ${what}`, {
    hint: 'the file is incomplete: fetch or copy it again',
    location: { file },
  });
}

function featureShapeOf(images: IdxArray): number[] {
  const [, height, width, channels = 1] = images.dims;
  return [height, width, channels];
}

function checkPair(images: IdxArray, labels: IdxArray, imageFile: string, labelFile: string): void {
  if (images.dims[0] !== labels.dims[0]) {
    throw new DeeplineError('DL_DATA_FORMAT', `${imageFile} holds ${images.dims[0]} images but ${labelFile} holds ${labels.dims[0]} labels`, {
      hint: 'the images and labels files must come from the same set',
      location: { file: labelFile },
    });
  }
}

function targetInfo(source: DataSource, labelSets: { labels: IdxArray; file: string }[]): TargetInfo {
  if (source.taskKind === 'regression') return { kind: 'numeric', name: 'label' };
  let max = -1;
  let maxFile = labelSets[0].file;
  const present = new Set<number>();
  for (const { labels: { values }, file: labelFile } of labelSets) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < 0) {
        throw new DeeplineError('DL_DATA_VALUE', `${labelFile} example ${i + 1}: label ${v} is not a class index (an integer >= 0)`, {
          hint: 'IDX labels for classification must be class indices 0, 1, 2, ...',
          location: { file: labelFile, row: i + 1 },
        });
      }
      present.add(v);
      if (v > max) {
        max = v;
        maxFile = labelFile;
      }
    }
  }
  const classes = source.classes ? [...source.classes] : Array.from({ length: max + 1 }, (_, i) => String(i));
  if (max >= classes.length) {
    throw new DeeplineError('DL_DATA_TARGET', `${maxFile} has label ${max}, but data.classes names only ${classes.length} classes`, {
      hint: 'list one name per label index in data.classes',
      location: { file: maxFile, field: 'classes' },
    });
  }
  if (present.size < 2) {
    throw new DeeplineError('DL_DATA_TARGET', `only one class \`${classes[max] ?? max}\` in ${labelSets.map((s) => s.file).join(' and ')}`, {
      hint: 'a classifier needs at least two classes',
      location: { file: labelSets[0].file },
    });
  }
  return { kind: 'class', name: 'label', classes };
}
