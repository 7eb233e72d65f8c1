import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { DeeplineError } from '../../errors/index.ts';
import type { Dataset } from '../dataset.ts';
import { mapConcurrent } from '../map-concurrent.ts';
import { sortNaturally } from '../sort-naturally.ts';
import type { DataReader, DataSource, ImageShape, ReadOptions, ReadResult } from './data-reader.ts';
import { statSource } from './stat-source.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/**
 * Reads `<root>/<class>/<image>`: each sub-folder is a class, each image is resized to one pixel
 * grid and channel count and stored as 0–255 floats, row-major [height, width, channels].
 */
export const imageFolderReader: DataReader = {
  name: 'image-folder',
  description: 'a folder with one sub-folder of images (PNG, JPEG, WebP) per class',
  read: readImageFolder,
};

interface ImageFile {
  path: string;
  classIndex: number;
}

async function readImageFolder(source: DataSource, options: ReadOptions = {}): Promise<ReadResult> {
  const root = source.path;
  await statSource(root, 'folder', 'image-folder');
  if (source.taskKind !== 'classification') {
    throw new DeeplineError('DL_DATA_TARGET', `${root}: an image folder gives class labels, so it cannot be used for ${source.taskKind}`, {
      hint: 'make the task a classification, or provide the targets in a CSV file',
      location: { file: root },
    });
  }
  const warnings: string[] = [];
  const { classes, files } = await listImages(root, source, warnings);
  if (files.length === 0) {
    throw new DeeplineError('DL_DATA_MISSING', `${root} holds no images (PNG, JPEG or WebP) in its class folders`, {
      hint: 'lay the images out as <folder>/<class>/<image>.png',
      location: { file: root },
    });
  }
  const shape = source.image ?? (await shapeOf(files[0].path));
  const d = shape.width * shape.height * shape.channels;
  const x = new Float32Array(files.length * d);
  const y = new Float32Array(files.length);
  let done = 0;
  let resized = 0;
  let example = '';
  const step = Math.max(1, Math.floor(files.length / 100));
  const concurrency = Math.max(2, Math.min(8, availableParallelism()));
  await mapConcurrent(
    files,
    concurrency,
    async (file, i) => {
      const { pixels, width, height } = await decode(file.path, shape);
      if (width !== shape.width || height !== shape.height) {
        resized++;
        example ||= `${file.path} is ${width}x${height}`;
      }
      for (let k = 0; k < d; k++) x[i * d + k] = pixels[k];
      y[i] = file.classIndex;
      done++;
      if (done % step === 0 || done === files.length) options.onProgress?.({ done, total: files.length, unit: 'image' });
    },
    options.signal,
  );
  if (resized > 0) warnings.push(`${resized} images were resized to ${shape.width}x${shape.height} (e.g. ${example})`);
  const dataset: Dataset = {
    n: files.length,
    featureShape: [shape.height, shape.width, shape.channels],
    x,
    y,
    target: { kind: 'class', name: 'class', classes },
  };
  return { dataset, warnings };
}

async function listImages(root: string, source: DataSource, warnings: string[]): Promise<{ classes: string[]; files: ImageFile[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const strays = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
  if (strays > 0) warnings.push(`${strays} files directly in ${root} were ignored: only images inside class folders are read`);
  if (source.classes) {
    const missing = source.classes.filter((c) => !folders.includes(c));
    if (missing.length > 0) {
      throw new DeeplineError('DL_DATA_MISSING', `${root} has no folder for class ${missing.map((c) => `\`${c}\``).join(', ')} named in data.classes`, {
        hint: `class folders found: ${folders.join(', ') || 'none'}`,
        location: { file: root },
      });
    }
  }
  const candidates = source.classes ? [...source.classes] : sortNaturally(folders);
  const classes: string[] = [];
  const files: ImageFile[] = [];
  const perClassLimit = source.limit === undefined ? Infinity : Math.ceil(source.limit / Math.max(1, candidates.length));
  let skipped = 0;
  for (const name of candidates) {
    const all = (await readdir(join(root, name), { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.'));
    const images = sortNaturally(all.filter((e) => IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name));
    skipped += all.length - images.length;
    if (images.length === 0 && !source.classes) {
      warnings.push(`class folder ${join(root, name)} holds no images and was left out`);
      continue;
    }
    if (images.length === 0) warnings.push(`class \`${name}\` (from data.classes) has no images`);
    const classIndex = classes.length;
    classes.push(name);
    for (const image of images.slice(0, perClassLimit)) files.push({ path: join(root, name, image), classIndex });
  }
  if (skipped > 0) warnings.push(`${skipped} files that are not PNG, JPEG or WebP were ignored`);
  if (source.limit !== undefined) warnings.push(`read at most ${perClassLimit} images per class (data.limit)`);
  const populated = new Set(files.map((f) => f.classIndex)).size;
  if (populated < 2) {
    throw new DeeplineError(
      'DL_DATA_TARGET',
      populated === 1 ? `only one class \`${classes[files[0].classIndex]}\` in ${root}` : `${root} has no class folders with images`,
      { hint: 'an image folder needs one sub-folder per class, and at least two classes', location: { file: root } },
    );
  }
  return { classes, files };
}

/** The first image sets the grid when the task does not: its size, and grayscale or RGB. */
async function shapeOf(path: string): Promise<ImageShape> {
  try {
    const meta = await sharp(await readFile(path)).metadata();
    if (!meta.width || !meta.height) throw new Error('no image size in the file');
    const grey = meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w';
    return { width: meta.width, height: meta.height, channels: grey ? 1 : 3 };
  } catch (e) {
    throw imageError(path, e);
  }
}

async function decode(path: string, shape: ImageShape): Promise<{ pixels: Uint8Array; width: number; height: number }> {
  try {
    const bytes = await readFile(path);
    const meta = await sharp(bytes).metadata();
    let image = sharp(bytes).resize(shape.width, shape.height, { fit: 'fill' }).removeAlpha();
    image = shape.channels === 1 ? image.toColourspace('b-w') : image.toColourspace('srgb');
    const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== shape.channels || data.length !== shape.width * shape.height * shape.channels) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${shape.width}x${shape.height}x${shape.channels}`);
    }
    return { pixels: data, width: meta.width ?? 0, height: meta.height ?? 0 };
  } catch (e) {
    throw imageError(path, e);
  }
}

function imageError(path: string, e: unknown): DeeplineError {
  const reason = e instanceof Error ? e.message : String(e);
  return new DeeplineError('DL_DATA_IMAGE', `cannot read image ${path}: ${reason}`, {
    hint: 'replace or delete the file (PNG, JPEG and WebP are supported)',
    location: { file: path },
    cause: e,
  });
}
