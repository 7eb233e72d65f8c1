import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import type { Dataset } from '../dataset.ts';
import { sortNaturally } from '../sort-naturally.ts';
import type { DataReader, DataSource, ReadOptions, ReadResult } from './data-reader.ts';
import { readImageFiles, type ImageEntry } from './read-image-files.ts';
import { statSource } from './stat-source.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/**
 * Reads `<root>/<class>/<image>`: each sub-folder is a class, each image is resized to one pixel
 * grid and channel count and stored as 0–255 floats, row-major [height, width, channels]. Files
 * that are not images by their extension (notes.txt, Thumbs.db) and empty files are skipped with
 * a warning naming them; an image file that does not decode is DL_DATA_IMAGE.
 */
export const imageFolderReader: DataReader = {
  name: 'image-folder',
  description: 'a folder with one sub-folder of images (PNG, JPEG, WebP) per class',
  read: readImageFolder,
};

async function readImageFolder(source: DataSource, options: ReadOptions = {}): Promise<ReadResult> {
  const root = source.path;
  await statSource(root, 'folder', 'image-folder');
  if (source.taskKind !== 'classification') {
    throw new DeeplineError('DL_DATA_TARGET', `${root}: an image folder gives class labels, so it cannot be used for ${source.taskKind}`, {
      hint: 'make the task a classification, or list the images and their targets in a CSV file (data.format: image-list)',
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
  const read = await readImageFiles(files, source.image, options, warnings);
  checkClasses(root, classes, read.entries);
  const dataset: Dataset = {
    n: read.entries.length,
    featureShape: [read.shape.height, read.shape.width, read.shape.channels],
    x: read.x,
    y: read.y,
    target: { kind: 'class', name: 'class', classes },
  };
  return { dataset, warnings };
}

async function listImages(root: string, source: DataSource, warnings: string[]): Promise<{ classes: string[]; files: ImageEntry[] }> {
  const list = (folder: string) =>
    readdir(folder, { withFileTypes: true }).catch((e: unknown) => {
      throw fileAccessError(e, folder, { what: 'image folder', missingCode: 'DL_DATA_MISSING' });
    });
  const entries = await list(root);
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const strays = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
  if (strays.length > 0) warnings.push(`ignored ${strays.length} file(s) directly in ${root} (only images inside class folders are read): ${listSome(sortNaturally(strays))}`);
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
  const files: ImageEntry[] = [];
  // data.limit caps the whole set: split it as evenly as the classes allow, the first classes
  // taking one more, so the total never exceeds it (a per-class ceiling overshot it by up to a class count).
  const quota = (k: number): number =>
    source.limit === undefined ? Infinity : Math.floor(source.limit / candidates.length) + (k < source.limit % candidates.length ? 1 : 0);
  const skipped: string[] = [];
  for (const [k, name] of candidates.entries()) {
    const all = (await list(join(root, name))).filter((e) => e.isFile() && !e.name.startsWith('.'));
    const images = sortNaturally(all.filter((e) => IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name));
    for (const e of all) if (!IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) skipped.push(join(name, e.name));
    if (images.length === 0 && !source.classes) {
      warnings.push(`class folder ${join(root, name)} holds no images and was left out`);
      continue;
    }
    if (images.length === 0) warnings.push(`class \`${name}\` (from data.classes) has no images`);
    const classIndex = classes.length;
    classes.push(name);
    for (const image of images.slice(0, quota(k))) files.push({ path: join(root, name, image), target: classIndex });
  }
  if (skipped.length > 0) warnings.push(`skipped ${skipped.length} file(s) in ${root} that are not PNG, JPEG or WebP images: ${listSome(sortNaturally(skipped))}`);
  if (source.limit !== undefined) {
    const [fewest, most] = [quota(candidates.length - 1), quota(0)];
    warnings.push(`read at most ${source.limit} images, ${fewest === most ? most : `${fewest} or ${most}`} per class (data.limit)`);
  }
  return { classes, files };
}

/** At least two classes must keep an image once empty files are skipped. */
function checkClasses(root: string, classes: readonly string[], read: readonly ImageEntry[]): void {
  const populated = new Set(read.map((f) => f.target));
  if (populated.size >= 2) return;
  throw new DeeplineError(
    'DL_DATA_TARGET',
    populated.size === 1 ? `only one class \`${classes[[...populated][0]]}\` in ${root}` : `${root} has no class folders with readable images`,
    { hint: 'an image folder needs one sub-folder per class, and at least two classes', location: { file: root } },
  );
}

function listSome(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')}, … (${items.length} in all)`;
}
